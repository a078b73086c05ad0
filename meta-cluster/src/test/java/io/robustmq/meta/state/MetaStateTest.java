package io.robustmq.meta.state;

import io.robustmq.meta.codecs.CommandResultDecoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetaStateTest
{
    private static final long TIMEOUT_MS = 5_000;

    /** A log of encoded commands, each with the time and position a cluster log would give it. */
    private static final class Log
    {
        final List<byte[]> commands = new ArrayList<>();
        final List<Long> timestamps = new ArrayList<>();
        private final MetaCommands encoder = new MetaCommands();
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);

        Log createTopic(final long client, final long request, final String name, final int partitions, final long time)
        {
            return add(encoder.createTopic(buffer, 0, client, request, name, partitions, "journal", "always", 0, 0), time);
        }

        Log deleteTopic(final long client, final long request, final String name, final long time)
        {
            return add(encoder.deleteTopic(buffer, 0, client, request, name), time);
        }

        Log registerNode(final long client, final long request, final int node, final String address, final long time)
        {
            return add(encoder.registerNode(buffer, 0, client, request, node, address), time);
        }

        Log heartbeat(final int node, final long time)
        {
            return add(encoder.heartbeat(buffer, 0, node), time);
        }

        private Log add(final int length, final long time)
        {
            final byte[] bytes = new byte[length];
            buffer.getBytes(0, bytes);
            commands.add(bytes);
            timestamps.add(time);
            return this;
        }

        /**
         * Apply every command as a replica would, returning each result as "requestId:CODE:message".
         */
        List<String> replay(final MetaState state)
        {
            final MetaCommandAdapter adapter = new MetaCommandAdapter(state);
            final List<String> results = new ArrayList<>();
            final MessageHeaderDecoder header = new MessageHeaderDecoder();
            final CommandResultDecoder result = new CommandResultDecoder();
            long position = 0;
            for (int i = 0; i < commands.size(); i++)
            {
                final byte[] command = commands.get(i);
                assertTrue(adapter.apply(new UnsafeBuffer(command), 0, command.length, timestamps.get(i), position,
                    (buffer, offset, length) ->
                    {
                        result.wrapAndApplyHeader(buffer, offset, header);
                        results.add(result.requestId() + ":" + result.code() + ":" + result.message());
                    }));
                position += command.length;
            }
            return results;
        }
    }

    @Test
    void topicCommandsAnswerAsAClientExpects()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .createTopic(7, 1, "orders", 3, 100)
            .createTopic(7, 2, "orders", 5, 101)
            .createTopic(7, 3, "", 1, 102)
            .createTopic(7, 4, "bad", 0, 103)
            .deleteTopic(7, 5, "missing", 104)
            .deleteTopic(7, 6, "orders", 105)
            .replay(state);
        assertEquals(List.of("1:OK:", "2:ALREADY_EXISTS:orders exists", "3:INVALID:invalid request for ",
            "4:INVALID:invalid request for bad", "5:NOT_FOUND:missing not found", "6:OK:"), results);
        assertTrue(state.topicNames().isEmpty());
    }

    @Test
    void aRetriedCommandIsAppliedOnceAndAnsweredTheSame()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .createTopic(7, 1, "orders", 3, 100)
            .deleteTopic(8, 1, "orders", 101)
            .createTopic(7, 1, "orders", 3, 102)
            .deleteTopic(8, 1, "orders", 103)
            .replay(state);
        assertEquals(List.of("1:OK:", "1:OK:", "1:OK:", "1:OK:"), results);
        assertNull(state.topic("orders"), "the retried create did not create the topic again");
    }

    @Test
    void replicasApplyingTheSameLogHoldTheSameStateAndTopicsGetStableNewUuids()
    {
        final Log log = new Log()
            .createTopic(1, 1, "a", 1, 10)
            .createTopic(1, 2, "b", 2, 11)
            .deleteTopic(1, 3, "a", 12)
            .createTopic(1, 4, "a", 4, 13)
            .registerNode(2, 1, 2, "127.0.0.1:58081", 14);
        final MetaState first = new MetaState(TIMEOUT_MS);
        final MetaState second = new MetaState(TIMEOUT_MS);
        final MetaState old = new MetaState(TIMEOUT_MS);
        log.replay(first);
        log.replay(second);
        assertEquals(List.copyOf(first.topics()), List.copyOf(second.topics()));
        assertEquals(List.copyOf(first.nodes()), List.copyOf(second.nodes()));
        assertTrue(Arrays.equals(snapshot(first), snapshot(second)), "identical snapshots");

        new Log().createTopic(1, 1, "a", 1, 10).replay(old);
        assertNotEquals(old.topic("a").uuid(), first.topic("a").uuid(), "a topic created again is a new topic");
        assertEquals(4, first.topic("a").partitions());
        assertEquals(13, first.topic("a").createdAt());
        assertEquals("always", first.topic("a").durability());
    }

    @Test
    void nodesMissingHeartbeatsAreMarkedDownAndComeBack()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        new Log()
            .registerNode(1, 1, 1, "127.0.0.1:58080", 1_000)
            .registerNode(2, 1, 2, "127.0.0.1:58081", 1_000)
            .heartbeat(1, 5_000)
            .heartbeat(9, 5_000)
            .replay(state);
        assertEquals(List.of(), state.markMissingNodesDown(6_000));
        assertEquals(List.of(2), state.markMissingNodesDown(6_001));
        assertEquals(List.of(), state.markMissingNodesDown(6_002), "marked once");
        assertEquals(List.of(1), state.markMissingNodesDown(10_001));
        assertTrue(state.heartbeat(2, 10_002));
        assertTrue(state.nodes().stream().filter(n -> n.id() == 2).findFirst().orElseThrow().up());
        assertFalse(state.heartbeat(9, 10_003), "an unregistered node must register first");
        assertEquals(2, state.nodes().size());
    }

    @Test
    void aSnapshotRestoresEverythingIncludingTheRequestsToAnswerRetries()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        new Log()
            .createTopic(7, 1, "orders", 3, 100)
            .createTopic(7, 2, "sensors/1/temp", 1, 101)
            .registerNode(1, 1, 1, "127.0.0.1:58080", 102)
            .replay(state);
        state.markMissingNodesDown(100_000);

        final List<byte[]> messages = new ArrayList<>();
        new MetaSnapshot().write(state, (buffer, offset, length) -> messages.add(copy(buffer, offset, length)));
        final MetaState restored = new MetaState(TIMEOUT_MS);
        final MetaSnapshot loader = new MetaSnapshot();
        for (final byte[] message : messages)
        {
            assertTrue(loader.load(restored, new UnsafeBuffer(message), 0));
        }
        assertEquals(List.copyOf(state.topics()), List.copyOf(restored.topics()));
        assertEquals(List.copyOf(state.nodes()), List.copyOf(restored.nodes()));
        assertFalse(restored.nodes().iterator().next().up());

        final List<String> retry = new Log().deleteTopic(8, 1, "orders", 200).createTopic(7, 1, "orders", 3, 201)
            .replay(restored);
        assertEquals(List.of("1:OK:", "1:OK:"), retry);
        assertNull(restored.topic("orders"), "the restored state remembered request 7/1");
    }

    private static byte[] snapshot(final MetaState state)
    {
        final ExpandableArrayBuffer all = new ExpandableArrayBuffer();
        final int[] length = {0};
        new MetaSnapshot().write(state, (buffer, offset, len) ->
        {
            all.putBytes(length[0], buffer, offset, len);
            length[0] += len;
        });
        return copy(all, 0, length[0]);
    }

    private static byte[] copy(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(offset, bytes);
        return bytes;
    }
}
