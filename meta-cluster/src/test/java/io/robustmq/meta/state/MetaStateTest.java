package io.robustmq.meta.state;

import io.robustmq.meta.codecs.CommandResultDecoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.Scram;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;
import io.robustmq.meta.codecs.ScramMechanismCode;
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
            return add(encoder.createTopic(buffer, 0, client, request, name, partitions, "journal", "always", 0, 0, 0,
                MetaState.NO_PREFERRED_LEADER), time);
        }

        Log deleteTopic(final long client, final long request, final String name, final long time)
        {
            return add(encoder.deleteTopic(buffer, 0, client, request, name), time);
        }

        /** A create-topic command preceded by a deadline, as {@code MetaClient} sends every command. */
        Log createTopicBefore(
            final long deadlineMs, final long client, final long request, final String name, final long time)
        {
            final int at = encoder.deadline(buffer, 0, deadlineMs);
            return add(at + encoder.createTopic(buffer, at, client, request, name, 1, "", "", 0, 0, 0,
                MetaState.NO_PREFERRED_LEADER), time);
        }

        Log registerNode(final long client, final long request, final int node, final String address, final long time)
        {
            return add(encoder.registerNode(buffer, 0, client, request, node, address), time);
        }

        Log nodeEndpoints(final long client, final long request, final int node, final String endpoints)
        {
            return add(encoder.nodeEndpoints(buffer, 0, client, request, node, endpoints), 0);
        }

        Log createTopicWithSegments(final long client, final long request, final String name, final int segmentBytes)
        {
            return add(encoder.createTopic(buffer, 0, client, request, name, 1, "", "", 0, 0, segmentBytes,
                MetaState.NO_PREFERRED_LEADER), 0);
        }

        Log createTopicLedBy(
            final long client, final long request, final String name, final int partitions, final int preferredLeader)
        {
            return add(encoder.createTopic(buffer, 0, client, request, name, partitions, "", "", 0, 0, 0,
                preferredLeader), 0);
        }

        /**
         * A CreateTopic as a schema version 4 member wrote it, without the preferred leader (its block
         * 4 bytes shorter, the name right after it); the field this one had is cut out.
         */
        Log createTopicVersion4(final long client, final long request, final String name, final int partitions,
            final int segmentBytes, final int cutPreferredLeader)
        {
            final int length = encoder.createTopic(buffer, 0, client, request, name, partitions, "", "", 0, 0,
                segmentBytes, cutPreferredLeader);
            final int header = io.robustmq.meta.codecs.MessageHeaderEncoder.ENCODED_LENGTH;
            final int block = io.robustmq.meta.codecs.CreateTopicEncoder.BLOCK_LENGTH;
            final int leaderField = io.robustmq.meta.codecs.CreateTopicEncoder.preferredLeaderEncodingOffset();
            assertEquals(block - 4, leaderField, "the preferred leader is the block's last field");
            final byte[] old = new byte[length - 4];
            buffer.getBytes(0, old, 0, header + leaderField);
            buffer.getBytes(header + block, old, header + leaderField, length - header - block);
            final UnsafeBuffer bytes = new UnsafeBuffer(old);
            new io.robustmq.meta.codecs.MessageHeaderEncoder().wrap(bytes, 0).blockLength(block - 4).version(4);
            commands.add(old);
            timestamps.add(0L);
            return this;
        }

        Log alterTopic(final long client, final long request, final String name, final int partitions,
            final long retentionMs, final long retentionBytes)
        {
            return alterTopic(client, request, name, partitions, retentionMs, retentionBytes, MetaState.UNCHANGED);
        }

        Log alterTopic(final long client, final long request, final String name, final int partitions,
            final long retentionMs, final long retentionBytes, final int segmentBytes)
        {
            return add(encoder.alterTopic(buffer, 0, client, request, name, partitions, retentionMs, retentionBytes,
                segmentBytes), 0);
        }

        Log registerGroup(final long client, final long request, final String name, final String protocol, final long time)
        {
            return add(encoder.registerGroup(buffer, 0, client, request, name, protocol), time);
        }

        Log deleteGroup(final long client, final long request, final String name)
        {
            return add(encoder.deleteGroup(buffer, 0, client, request, name), 0);
        }

        Log putUser(final long client, final long request, final String name, final List<ScramCredential> credentials)
        {
            return add(encoder.putUser(buffer, 0, client, request, name, credentials), 0);
        }

        Log deleteUser(final long client, final long request, final String name)
        {
            return add(encoder.deleteUser(buffer, 0, client, request, name), 0);
        }

        Log addAcl(final long client, final long request, final AclRule rule)
        {
            return add(encoder.addAcl(buffer, 0, client, request, rule), 0);
        }

        Log removeAcl(final long client, final long request, final AclRule rule)
        {
            return add(encoder.removeAcl(buffer, 0, client, request, rule), 0);
        }

        Log setClusterConfig(final long client, final long request, final String key, final String value)
        {
            return add(encoder.setClusterConfig(buffer, 0, client, request, key, value), 0);
        }

        Log heartbeat(final int node, final long time)
        {
            return add(encoder.heartbeat(buffer, 0, node), time);
        }

        /**
         * An AlterTopic as a schema version 2 member wrote it, without the segment size (its block
         * 4 bytes shorter, the name right after it).
         */
        Log alterTopicVersion2(final long client, final long request, final String name, final long retentionMs)
        {
            final int length = encoder.alterTopic(buffer, 0, client, request, name, MetaState.UNCHANGED, retentionMs,
                MetaState.UNCHANGED, 12345678);
            final int header = io.robustmq.meta.codecs.MessageHeaderEncoder.ENCODED_LENGTH;
            final int block = io.robustmq.meta.codecs.AlterTopicEncoder.BLOCK_LENGTH;
            final int segmentField = io.robustmq.meta.codecs.AlterTopicEncoder.segmentBytesEncodingOffset();
            assertEquals(block - 4, segmentField, "the segment size is the block's last field");
            final byte[] old = new byte[length - 4];
            buffer.getBytes(0, old, 0, header + segmentField);
            buffer.getBytes(header + block, old, header + segmentField, length - header - block);
            final UnsafeBuffer bytes = new UnsafeBuffer(old);
            new io.robustmq.meta.codecs.MessageHeaderEncoder().wrap(bytes, 0).blockLength(block - 4).version(2);
            commands.add(old);
            timestamps.add(0L);
            return this;
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
    void aCommandReachedAfterItsDeadlineIsRefusedAndNotAppliedAndARetryOfAnAppliedOneKeepsItsOutcome()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .createTopicBefore(1_000, 7, 1, "in-time", 1_000)
            .createTopicBefore(1_000, 7, 2, "late", 1_001)
            .createTopicBefore(1_000, 7, 2, "late", 1_002)
            .createTopicBefore(1_000, 7, 1, "in-time", 5_000)
            .createTopic(7, 3, "no-deadline", 1, 9_000)
            .replay(state);
        assertEquals(List.of("1:OK:",
            "2:EXPIRED:not applied: the cluster reached the request for late after its deadline",
            "2:EXPIRED:not applied: the cluster reached the request for late after its deadline",
            "1:OK:", "3:OK:"), results);
        assertEquals(List.of("in-time", "no-deadline"), List.copyOf(state.topicNames()));
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
    void aRegisteredNodeSaysWhereItsListenersAreAndKeepsThemWhenItComesBack()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .nodeEndpoints(1, 1, 1, "kafka.tcp=h1:9092")
            .registerNode(1, 2, 1, "http://h1:58080", 1_000)
            .nodeEndpoints(1, 3, 1, "kafka.tcp=h1:9092,kafka.tls=h1:9093")
            .nodeEndpoints(1, 4, 1, "kafka=h1:9092")
            .nodeEndpoints(1, 5, 1, "kafka.tcp=h1")
            .nodeEndpoints(1, 6, 1, "kafka.tcp=::1:9092")
            .registerNode(1, 7, 1, "http://h1:58080", 2_000)
            .replay(state);
        assertEquals(List.of("NOT_FOUND", "OK", "OK", "INVALID", "INVALID", "INVALID", "OK"),
            results.stream().map(result -> result.split(":")[1]).toList());
        assertEquals(java.util.Map.of("kafka.tcp", "h1:9092", "kafka.tls", "h1:9093"),
            state.nodes().iterator().next().endpoints(), "kept across a registration and past refusals");
    }

    @Test
    void shardsArePlacedAroundTheRingOfNodesUpAndLeadershipMovesWhenALeaderGoesDown()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .createTopic(7, 1, "early", 2, 10)
            .registerNode(1, 1, 1, "h:1", 20)
            .registerNode(2, 1, 2, "h:2", 20)
            .registerNode(3, 1, 3, "h:3", 20)
            .setClusterConfig(7, 2, "replication_factor", "2")
            .createTopic(7, 3, "orders", 3, 30)
            .createTopic(7, 4, "audit", 1, 31)
            .replay(state);
        assertEquals(List.of("1:OK:", "1:OK:", "1:OK:", "1:OK:", "2:OK:", "3:OK:", "4:OK:"), results);
        assertEquals(List.of("early-0 [1] leader 1 epoch 1", "early-1 [1] leader 1 epoch 1"),
            describe(state.shards("early")), "shards made with no node up are placed when the first comes up");
        assertEquals(List.of("orders-0 [3, 1] leader 3 epoch 0", "orders-1 [1, 2] leader 1 epoch 0",
            "orders-2 [2, 3] leader 2 epoch 0"), describe(state.shards("orders")),
            "each shard starts one further round the ring (the cursor is 2: early took two steps)");
        assertEquals(List.of("audit-0 [1, 2] leader 1 epoch 0"), describe(state.shards("audit")),
            "the ring's start moves on with every topic");

        new Log().heartbeat(1, 8_000).heartbeat(3, 4_000).replay(state);
        assertEquals(List.of(2), state.markMissingNodesDown(5_021));
        assertEquals(List.of("orders-0 [3, 1] leader 3 epoch 0", "orders-1 [1, 2] leader 1 epoch 0",
            "orders-2 [2, 3] leader 3 epoch 1"), describe(state.shards("orders")), "the next replica up leads");

        assertEquals(List.of(3), state.markMissingNodesDown(9_001));
        assertEquals(List.of("orders-0 [3, 1] leader 1 epoch 1", "orders-1 [1, 2] leader 1 epoch 0",
            "orders-2 [2, 3] leader -1 epoch 2"), describe(state.shards("orders")), "no replica up: no leader");

        assertTrue(state.heartbeat(2, 9_500));
        assertEquals(List.of("orders-0 [3, 1] leader 1 epoch 1", "orders-1 [1, 2] leader 1 epoch 0",
            "orders-2 [2, 3] leader 2 epoch 3"), describe(state.shards("orders")), "a replica back leads again");

        new Log().deleteTopic(7, 5, "orders", 9_600).replay(state);
        assertEquals(List.of(), state.shards("orders"));
    }

    @Test
    void aTopicGrowsAroundTheRingAndItsRetentionIsReplacedButItNeverShrinks()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .registerNode(1, 1, 1, "h:1", 20)
            .registerNode(2, 1, 2, "h:2", 20)
            .registerNode(3, 1, 3, "h:3", 20)
            .createTopic(7, 1, "orders", 2, 30)
            .alterTopic(7, 2, "orders", 5, MetaState.UNCHANGED, MetaState.UNCHANGED)
            .alterTopic(7, 3, "orders", MetaState.UNCHANGED, 60_000, 0)
            .alterTopic(7, 4, "orders", 4, MetaState.UNCHANGED, MetaState.UNCHANGED)
            .alterTopic(7, 5, "orders", MetaState.UNCHANGED, -2, MetaState.UNCHANGED)
            .alterTopic(7, 6, "missing", 3, MetaState.UNCHANGED, MetaState.UNCHANGED)
            .alterTopic(7, 2, "orders", 9, MetaState.UNCHANGED, MetaState.UNCHANGED)
            .replay(state);
        assertEquals(List.of("1:OK:", "1:OK:", "1:OK:", "1:OK:", "2:OK:", "3:OK:"), results.subList(0, 6));
        assertTrue(results.get(6).startsWith("4:INVALID"), results.get(6));
        assertTrue(results.get(7).startsWith("5:INVALID"), results.get(7));
        assertTrue(results.get(8).startsWith("6:NOT_FOUND"), results.get(8));
        assertEquals("2:OK:", results.get(9), "a retry is answered, not applied again");
        final TopicRecord orders = state.topic("orders");
        assertEquals(5, orders.partitions());
        assertEquals(0, orders.segmentBytes(), "the node's default");
        final List<String> segments = new Log()
            .createTopicWithSegments(7, 10, "big-segments", 256 << 20)
            .createTopicWithSegments(7, 11, "small-segments", 4096)
            .createTopicWithSegments(7, 12, "odd-segments", (1 << 20) + 1)
            .replay(state);
        assertEquals("10:OK:", segments.get(0));
        assertTrue(segments.get(1).startsWith("11:INVALID") && segments.get(2).startsWith("12:INVALID"), segments.toString());
        assertEquals(256 << 20, state.topic("big-segments").segmentBytes());
        final List<String> resized = new Log()
            .alterTopic(7, 13, "big-segments", MetaState.UNCHANGED, MetaState.UNCHANGED, MetaState.UNCHANGED, 2 << 20)
            .alterTopic(7, 14, "big-segments", MetaState.UNCHANGED, MetaState.UNCHANGED, MetaState.UNCHANGED, 4096)
            .alterTopic(7, 15, "small-segments", MetaState.UNCHANGED, MetaState.UNCHANGED, MetaState.UNCHANGED, 0)
            .replay(state);
        assertEquals("13:OK:", resized.get(0));
        assertTrue(resized.get(1).startsWith("14:INVALID"), resized.toString());
        assertTrue(resized.get(2).startsWith("15:NOT_FOUND"), resized.toString());
        assertEquals(2 << 20, state.topic("big-segments").segmentBytes(), "the new segment size, and only that");
        assertEquals(0, state.topic("big-segments").retentionMs());
        assertEquals(List.of("16:OK:"), new Log().alterTopicVersion2(7, 16, "big-segments", 120_000).replay(state));
        assertEquals(120_000, state.topic("big-segments").retentionMs());
        assertEquals(2 << 20, state.topic("big-segments").segmentBytes(), "a version 2 command leaves the size as it is");
        assertEquals(60_000, orders.retentionMs());
        assertEquals(0, orders.retentionBytes());
        assertEquals(List.of("orders-0 [1] leader 1 epoch 0", "orders-1 [2] leader 2 epoch 0",
            "orders-2 [3] leader 3 epoch 0", "orders-3 [1] leader 1 epoch 0", "orders-4 [2] leader 2 epoch 0"),
            describe(state.shards("orders")), "the new shards carry on round the ring, the old ones stay");
    }

    @Test
    void aTopicWithAPreferredLeaderThatIsUpIsLedByItAndItsPartitionsFollowTheRingFromIt()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .registerNode(1, 1, 1, "h:1", 20)
            .createTopicLedBy(7, 1, "amqp.q.alone", 3, 1)
            .registerNode(2, 1, 2, "h:2", 20)
            .registerNode(3, 1, 3, "h:3", 20)
            .setClusterConfig(7, 2, "replication_factor", "2")
            .createTopicLedBy(7, 3, "amqp.q.two", 3, 2)
            .createTopic(7, 4, "orders", 1, 30)
            .createTopicLedBy(7, 5, "amqp.q.three", 1, 3)
            .createTopic(7, 6, "audit", 1, 31)
            .createTopicLedBy(7, 7, "bad", 1, -2)
            .replay(state);
        assertEquals(List.of("1:OK:", "1:OK:", "1:OK:", "1:OK:", "2:OK:", "3:OK:", "4:OK:", "5:OK:", "6:OK:"),
            results.subList(0, 9));
        assertTrue(results.get(9).startsWith("7:INVALID"), results.get(9));
        assertEquals(List.of("amqp.q.alone-0 [1] leader 1 epoch 0", "amqp.q.alone-1 [1] leader 1 epoch 0",
            "amqp.q.alone-2 [1] leader 1 epoch 0"), describe(state.shards("amqp.q.alone")),
            "one node up: it leads all");
        assertEquals(List.of("amqp.q.two-0 [2, 3] leader 2 epoch 0", "amqp.q.two-1 [3, 1] leader 3 epoch 0",
            "amqp.q.two-2 [1, 2] leader 1 epoch 0"), describe(state.shards("amqp.q.two")),
            "partition p starts p positions round the ring from the preferred leader");
        assertEquals(List.of("amqp.q.three-0 [3, 1] leader 3 epoch 0"), describe(state.shards("amqp.q.three")));
        assertEquals(List.of("orders-0 [1, 2] leader 1 epoch 0"), describe(state.shards("orders")),
            "the cursor did not move for the topics placed at their preferred leader");
        assertEquals(List.of("audit-0 [2, 3] leader 2 epoch 0"), describe(state.shards("audit")),
            "the cursor moved once, for orders");
    }

    @Test
    void aTopicWhosePreferredLeaderIsDownOrUnknownIsPlacedRoundRobin()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        new Log()
            .registerNode(1, 1, 1, "h:1", 20)
            .registerNode(2, 1, 2, "h:2", 20)
            .registerNode(3, 1, 3, "h:3", 20)
            .heartbeat(1, 8_000)
            .heartbeat(2, 8_000)
            .replay(state);
        assertEquals(List.of(3), state.markMissingNodesDown(6_000));
        final List<String> results = new Log()
            .createTopicLedBy(7, 1, "unknown", 2, 9)
            .createTopicLedBy(7, 2, "down", 1, 3)
            .createTopic(7, 3, "orders", 1, 30)
            .replay(state);
        assertEquals(List.of("1:OK:", "2:OK:", "3:OK:"), results);
        assertEquals(List.of("unknown-0 [1] leader 1 epoch 0", "unknown-1 [2] leader 2 epoch 0"),
            describe(state.shards("unknown")), "round robin from the cursor (0)");
        assertEquals(List.of("down-0 [2] leader 2 epoch 0"), describe(state.shards("down")),
            "round robin from the cursor (1) over the nodes up, 1 and 2");
        assertEquals(List.of("orders-0 [1] leader 1 epoch 0"), describe(state.shards("orders")),
            "a topic placed round robin moves the cursor, a preferred leader or not");
    }

    @Test
    void aVersion4CreateTopicHasNoPreferredLeader()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final List<String> results = new Log()
            .registerNode(1, 1, 1, "h:1", 20)
            .registerNode(2, 1, 2, "h:2", 20)
            .registerNode(3, 1, 3, "h:3", 20)
            .createTopicVersion4(7, 1, "old", 2, 2 << 20, 3)
            .createTopic(7, 2, "next", 1, 30)
            .replay(state);
        assertEquals(List.of("1:OK:", "1:OK:", "1:OK:", "1:OK:", "2:OK:"), results);
        assertEquals(List.of("old-0 [1] leader 1 epoch 0", "old-1 [2] leader 2 epoch 0"), describe(state.shards("old")),
            "decoded as no preferred leader: round robin from the cursor, not from node 3");
        assertEquals(2 << 20, state.topic("old").segmentBytes(), "the fields before it read as they were written");
        assertEquals(List.of("next-0 [2] leader 2 epoch 0"), describe(state.shards("next")), "the cursor moved");
    }

    private static List<String> describe(final List<ShardRecord> shards)
    {
        return shards.stream().map(s -> s.id() + " " + s.replicas() + " leader " + s.leader() + " epoch " + s.epoch())
            .toList();
    }

    @Test
    void groupsUsersAclsAndSettingsAnswerAsAClientExpects()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        final ScramCredential sha256 = Scram.newCredential(ScramMechanismCode.SCRAM_SHA_256, "s3cret".toCharArray());
        final ScramCredential sha512 = Scram.newCredential(ScramMechanismCode.SCRAM_SHA_512, "s3cret".toCharArray());
        final AclRule readOrders = new AclRule("alice", AclResourceCode.TOPIC, AclPatternCode.PREFIXED, "orders.",
            AclOperationCode.READ, AclPermissionCode.ALLOW);
        final List<String> results = new Log()
            .registerGroup(7, 1, "billing", "kafka", 50)
            .registerGroup(7, 2, "billing", "kafka", 51)
            .registerGroup(7, 3, "billing", "amqp", 52)
            .registerGroup(7, 4, "", "kafka", 53)
            .deleteGroup(7, 5, "missing")
            .putUser(7, 6, "alice", List.of(sha256, sha512))
            .putUser(7, 7, "bob", List.of(sha256, sha256))
            .putUser(7, 8, "carol", List.of())
            .deleteUser(7, 9, "nobody")
            .addAcl(7, 10, readOrders)
            .addAcl(7, 11, readOrders)
            .addAcl(7, 12, new AclRule("", AclResourceCode.TOPIC, AclPatternCode.LITERAL, "x", AclOperationCode.ALL,
                AclPermissionCode.DENY))
            .setClusterConfig(7, 13, "replication_factor", "0")
            .setClusterConfig(7, 14, "no_such_setting", "1")
            .setClusterConfig(7, 15, "acl.allow_if_no_rule", "false")
            .replay(state);
        assertEquals(List.of("1:OK:", "2:OK:", "3:ALREADY_EXISTS:group billing exists",
            "4:INVALID:invalid request for group ", "5:NOT_FOUND:group missing not found", "6:OK:",
            "7:INVALID:invalid request for user bob", "8:INVALID:invalid request for user carol",
            "9:NOT_FOUND:user nobody not found", "10:OK:", "11:OK:", "12:INVALID:invalid request for acl rule",
            "13:INVALID:invalid request for setting replication_factor",
            "14:NOT_FOUND:setting no_such_setting not found", "15:OK:"), results);
        assertEquals(List.of(new GroupRecord("billing", "kafka", 50)), List.copyOf(state.groups()));
        assertEquals(List.of(new UserRecord("alice", List.of(sha256, sha512))), List.copyOf(state.users()));
        assertEquals(List.of(readOrders), List.copyOf(state.acls()), "the same rule is kept once");
        assertEquals("false", state.settings().get(ClusterSettings.ACL_ALLOW_IF_NO_RULE));

        new Log().deleteGroup(7, 16, "billing").deleteUser(7, 17, "alice").removeAcl(7, 18, readOrders)
            .setClusterConfig(7, 19, "acl.allow_if_no_rule", "").replay(state);
        assertTrue(state.groups().isEmpty());
        assertTrue(state.users().isEmpty());
        assertTrue(state.acls().isEmpty());
        assertEquals("true", state.settings().get(ClusterSettings.ACL_ALLOW_IF_NO_RULE), "empty restores the default");
        assertEquals(java.util.Map.of(), state.settings().explicit());
    }

    @Test
    void aSnapshotRestoresEverythingIncludingTheRequestsToAnswerRetries()
    {
        final MetaState state = new MetaState(TIMEOUT_MS);
        new Log()
            .createTopic(7, 1, "orders", 3, 100)
            .createTopic(7, 2, "sensors/1/temp", 1, 101)
            .registerNode(1, 1, 1, "127.0.0.1:58080", 102)
            .registerNode(2, 1, 2, "127.0.0.1:58081", 102)
            .nodeEndpoints(2, 2, 2, "kafka.tcp=10.0.0.2:9092,mqtt.tls=[::1]:8883")
            .setClusterConfig(7, 3, "replication_factor", "2")
            .createTopic(7, 4, "replicated", 2, 103)
            .createTopicWithSegments(7, 8, "segmented", 2 << 20)
            .registerGroup(7, 5, "billing", "kafka", 104)
            .putUser(7, 6, "alice", List.of(Scram.newCredential(ScramMechanismCode.SCRAM_SHA_256, "pw".toCharArray())))
            .addAcl(7, 7, new AclRule("*", AclResourceCode.GROUP, AclPatternCode.LITERAL, "*", AclOperationCode.ALL,
                AclPermissionCode.ALLOW))
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
        restored.finishRestore();
        assertEquals(List.copyOf(state.topics()), List.copyOf(restored.topics()));
        assertEquals(2 << 20, restored.topic("segmented").segmentBytes());
        assertEquals(List.copyOf(state.nodes()), List.copyOf(restored.nodes()));
        assertFalse(restored.nodes().iterator().next().up());
        assertEquals(java.util.Map.of("kafka.tcp", "10.0.0.2:9092", "mqtt.tls", "[::1]:8883"),
            restored.nodes().stream().filter(node -> node.id() == 2).findFirst().orElseThrow().endpoints());
        assertEquals(state.allShards(), restored.allShards());
        assertEquals(List.copyOf(state.groups()), List.copyOf(restored.groups()));
        assertEquals(List.copyOf(state.users()), List.copyOf(restored.users()));
        assertEquals(List.copyOf(state.acls()), List.copyOf(restored.acls()));
        assertEquals(state.settings().effective(), restored.settings().effective());
        assertTrue(Arrays.equals(snapshot(state), snapshot(restored)), "the restored state writes the same snapshot");

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
