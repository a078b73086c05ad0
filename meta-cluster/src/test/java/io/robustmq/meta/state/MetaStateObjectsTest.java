package io.robustmq.meta.state;

import io.robustmq.meta.codecs.AppliedRequestSnapshotEncoder;
import io.robustmq.meta.codecs.CommandResultDecoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugins' control-plane objects in the state machine ({@link ObjectTable}): created, replaced and
 * deleted with version checks, refused beyond their limits, listed by name, recorded as changes,
 * carried by snapshots, and applied once when a request is retried. Commands go through the codec
 * and {@link MetaCommandAdapter} as the log delivers them.
 */
class MetaStateObjectsTest
{
    private static final long ABSENT = ObjectTable.ABSENT;
    private static final long ANY = ObjectTable.ANY;

    /** Encodes commands and applies them at once, each result as "requestId:CODE:vN" plus ":message" if any. */
    private static final class Commands
    {
        private final MetaState state;
        private final MetaCommandAdapter adapter;
        private final MetaCommands encoder = new MetaCommands();
        private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
        private final MessageHeaderDecoder header = new MessageHeaderDecoder();
        private final CommandResultDecoder result = new CommandResultDecoder();
        private long position;
        private String last;

        Commands(final MetaState state)
        {
            this.state = state;
            this.adapter = new MetaCommandAdapter(state);
        }

        String put(final long request, final String owner, final String kind, final String name, final String value,
            final long expectedVersion)
        {
            return put(request, owner, kind, name, value.getBytes(StandardCharsets.UTF_8), expectedVersion);
        }

        String put(final long request, final String owner, final String kind, final String name, final byte[] value,
            final long expectedVersion)
        {
            return apply(encoder.putObject(buffer, 0, 7, request, owner, kind, name, value, expectedVersion));
        }

        String delete(final long request, final String owner, final String kind, final String name,
            final long expectedVersion)
        {
            return apply(encoder.deleteObject(buffer, 0, 7, request, owner, kind, name, expectedVersion));
        }

        private String apply(final int length)
        {
            position += length;
            last = null;
            assertTrue(adapter.apply(buffer, 0, length, 100, position, (out, offset, size) ->
            {
                result.wrapAndApplyHeader(out, offset, header);
                final String code = result.requestId() + ":" + result.code() + ":v" + result.objectVersion();
                assertEquals(position, result.logPosition(), "the result says where in the log it was answered");
                final String message = result.message();
                last = message.isEmpty() ? code : code + ":" + message;
            }));
            return last;
        }
    }

    private static String value(final MetaState state, final String owner, final String kind, final String name)
    {
        final ObjectRecord object = state.object(owner, kind, name);
        return object == null ? null : new String(object.value(), StandardCharsets.UTF_8) + "@" + object.version();
    }

    @Test
    void anObjectIsCreatedOnceReplacedAtItsVersionAndReplacedUncheckedWithAny()
    {
        final MetaState state = new MetaState(5_000);
        final Commands commands = new Commands(state);
        assertEquals("1:OK:v1", commands.put(1, "amqp", "queue", "q1", "durable", ABSENT));
        assertEquals("durable@1", value(state, "amqp", "queue", "q1"));
        assertEquals("2:ALREADY_EXISTS:v0:object amqp/queue/q1 exists",
            commands.put(2, "amqp", "queue", "q1", "other", ABSENT));
        assertEquals("3:OK:v2", commands.put(3, "amqp", "queue", "q1", "durable,exclusive", 1));
        assertEquals("4:CONFLICT:v0:object amqp/queue/q1 is not at the version expected",
            commands.put(4, "amqp", "queue", "q1", "stale", 1));
        assertEquals("durable,exclusive@2", value(state, "amqp", "queue", "q1"), "a refused write changes nothing");
        assertEquals("5:OK:v3", commands.put(5, "amqp", "queue", "q1", "auto-delete", ANY));
        assertEquals("6:NOT_FOUND:v0:object amqp/queue/q2 not found", commands.put(6, "amqp", "queue", "q2", "x", 1));
        assertNull(value(state, "amqp", "queue", "q2"));
        assertEquals("7:OK:v1", commands.put(7, "amqp", "queue", "q2", "", ANY), "ANY creates too, an empty value too");
        assertEquals("@1", value(state, "amqp", "queue", "q2"));
        assertEquals("8:OK:v1", commands.put(8, "mqtt", "queue", "q1", "another owner's", ABSENT),
            "owners have their own namespaces");
        assertEquals("9:OK:v1", commands.put(9, "amqp", "exchange", "q1", "another kind", ABSENT),
            "and so have kinds");
        assertEquals("auto-delete@3", value(state, "amqp", "queue", "q1"));
    }

    @Test
    void aDeleteChecksThatTheObjectExistsAndIsAtTheVersionExpected()
    {
        final MetaState state = new MetaState(5_000);
        final Commands commands = new Commands(state);
        assertEquals("1:NOT_FOUND:v0:object amqp/exchange/x not found", commands.delete(1, "amqp", "exchange", "x", ANY));
        commands.put(2, "amqp", "exchange", "x", "topic", ABSENT);
        commands.put(3, "amqp", "exchange", "x", "fanout", 1);
        assertEquals("4:CONFLICT:v0:object amqp/exchange/x is not at the version expected",
            commands.delete(4, "amqp", "exchange", "x", 1));
        assertEquals("5:INVALID:v0:invalid request for object amqp/exchange/x",
            commands.delete(5, "amqp", "exchange", "x", ABSENT), "a delete cannot expect the object absent");
        assertEquals("fanout@2", value(state, "amqp", "exchange", "x"));
        assertEquals("6:OK:v0", commands.delete(6, "amqp", "exchange", "x", 2));
        assertNull(value(state, "amqp", "exchange", "x"));
        assertEquals("7:NOT_FOUND:v0:object amqp/exchange/x not found", commands.delete(7, "amqp", "exchange", "x", 2));
        assertEquals("8:OK:v1", commands.put(8, "amqp", "exchange", "x", "direct", ABSENT),
            "created again, from version 1");
        assertEquals("9:OK:v0", commands.delete(9, "amqp", "exchange", "x", ANY));
        assertTrue(state.objects().isEmpty());
    }

    @Test
    void ownersKindsNamesAndValuesBeyondTheirLimitsAreRefused()
    {
        final MetaState state = new MetaState(5_000);
        final Commands commands = new Commands(state);
        final List<String> invalid = List.of(
            commands.put(1, "", "queue", "q", "v", ANY),
            commands.put(2, "a".repeat(65), "queue", "q", "v", ANY),
            commands.put(3, "am\nqp", "queue", "q", "v", ANY),
            commands.put(4, "amqp", "", "q", "v", ANY),
            commands.put(5, "amqp", "k".repeat(65), "q", "v", ANY),
            commands.put(6, "amqp", "queue\u0000", "q", "v", ANY),
            commands.put(7, "amqp", "queue", "", "v", ANY),
            commands.put(8, "amqp", "queue", "n".repeat(1025), "v", ANY),
            commands.put(9, "amqp", "queue", "\u20ac".repeat(342), "v", ANY),
            commands.put(10, "amqp", "queue", "q", new byte[ObjectTable.MAX_VALUE_BYTES + 1], ANY),
            commands.put(11, "amqp", "queue", "q", "v", -2),
            commands.delete(12, "amqp", "queue", "", ANY),
            commands.delete(13, "amqp", "queue", "q", -5));
        for (final String result : invalid)
        {
            assertTrue(result.contains(":INVALID:v0:invalid request for object "), result);
        }
        assertTrue(state.objects().isEmpty());
        assertTrue(invalid.get(7).endsWith("... (" + ("object amqp/queue/".length() + 1025) + " characters)"),
            "a long subject is cut short: " + invalid.get(7));

        final String longest = "\u00e9".repeat(ObjectTable.MAX_NAME_BYTES / 2);
        final byte[] largest = new byte[ObjectTable.MAX_VALUE_BYTES];
        Arrays.fill(largest, (byte)7);
        assertEquals("20:OK:v1", commands.put(20, "a".repeat(64), "k".repeat(64), longest, largest, ABSENT),
            "the limits themselves are accepted: 1,024 bytes of UTF-8 in 512 characters");
        assertEquals("21:OK:v1", commands.put(21, "amqp", "binding", "\u20ac".repeat(341) + "n", "", ABSENT));
        assertArrayEquals(largest, state.object("a".repeat(64), "k".repeat(64), longest).value());
    }

    @Test
    void objectsAreListedByNameWithinTheirOwnerAndKind()
    {
        final MetaState state = new MetaState(5_000);
        final Commands commands = new Commands(state);
        long request = 1;
        for (final String name : List.of("orders", "audit", "b", "a", "zeta"))
        {
            commands.put(request++, "amqp", "queue", name, name, ABSENT);
        }
        commands.put(request++, "amqp", "queues", "c", "a kind that starts with another's name", ABSENT);
        commands.put(request++, "amqp", "exchange", "x", "", ABSENT);
        commands.put(request++, "amqp2", "queue", "d", "an owner that starts with another's name", ABSENT);
        commands.put(request++, "amq", "queue", "e", "", ABSENT);
        assertEquals(List.of("a", "audit", "b", "orders", "zeta"),
            state.objects("amqp", "queue").stream().map(ObjectRecord::name).toList());
        assertEquals(List.of("c"), state.objects("amqp", "queues").stream().map(ObjectRecord::name).toList());
        assertEquals(List.of(), state.objects("amqp", "binding"));
        assertEquals(List.of("x", "a", "audit", "b", "orders", "zeta", "c"),
            ObjectKey.owned(state.objectMap(), "amqp").values().stream().map(ObjectRecord::name).toList(),
            "an owner's objects by kind, then name");
    }

    @Test
    void changesAreRecordedInOrderAndTheOldestAreDropped()
    {
        final MetaState state = new MetaState(5_000);
        final Commands commands = new Commands(state);
        commands.put(1, "amqp", "queue", "q", "1", ABSENT);
        commands.put(2, "amqp", "queue", "q", "2", 1);
        commands.put(3, "amqp", "queue", "q", "refused", 1);
        commands.delete(4, "amqp", "queue", "q", ANY);
        assertEquals(3, state.lastObjectChange(), "a refused write is no change");
        assertEquals(List.of("1 q@1", "2 q@2", "3 q deleted"), state.objectChanges().values().stream()
            .map(change -> change.sequence() + " " + change.key().name() +
                (change.object() == null ? " deleted" : "@" + change.object().version()))
            .toList());

        for (int i = 0; i < ObjectTable.CHANGES_KEPT + 10; i++)
        {
            commands.put(100 + i, "amqp", "queue", "many", "", ANY);
        }
        assertEquals(ObjectTable.CHANGES_KEPT, state.objectChanges().size());
        assertEquals(state.lastObjectChange(), (long)state.objectChanges().keySet().stream().max(Long::compare)
            .orElseThrow());
        assertEquals(ObjectTable.CHANGES_KEPT + 10 + 3, state.lastObjectChange());

        final byte[] large = new byte[ObjectTable.MAX_VALUE_BYTES];
        for (int i = 0; i < 200; i++)
        {
            commands.put(10_000 + i, "amqp", "queue", "large", large, ANY);
        }
        assertTrue(state.objectChanges().size() <= ObjectTable.CHANGE_BYTES_KEPT / ObjectTable.MAX_VALUE_BYTES,
            "no more than about 8 MiB of values kept: " + state.objectChanges().size() + " changes");
    }

    @Test
    void aRetriedRequestIsAppliedOnceAndAnsweredWithTheVersionItStored()
    {
        final MetaState state = new MetaState(5_000);
        final Commands commands = new Commands(state);
        assertEquals("1:OK:v1", commands.put(1, "amqp", "queue", "q", "first", ANY));
        assertEquals("2:OK:v2", commands.put(2, "amqp", "queue", "q", "second", ANY));
        assertEquals("1:OK:v1", commands.put(1, "amqp", "queue", "q", "first", ANY), "the first outcome, again");
        assertEquals("second@2", value(state, "amqp", "queue", "q"), "not applied again");
        assertEquals("3:OK:v0", commands.delete(3, "amqp", "queue", "q", 2));
        assertEquals("3:OK:v0", commands.delete(3, "amqp", "queue", "q", 2), "not NOT_FOUND: the first outcome");
        assertNull(value(state, "amqp", "queue", "q"));
        assertEquals("4:OK:v1", commands.put(4, "amqp", "queue", "q", "created again", ABSENT));
        assertEquals("4:OK:v1", commands.put(4, "amqp", "queue", "q", "created again", ABSENT),
            "not ALREADY_EXISTS: the first outcome");
        assertEquals(4, state.lastObjectChange(), "retries are no changes");
    }

    @Test
    void aSnapshotCarriesTheObjectsAndTheVersionsToAnswerRetries()
    {
        final MetaState state = new MetaState(5_000);
        final Commands commands = new Commands(state);
        final byte[] largest = new byte[ObjectTable.MAX_VALUE_BYTES];
        Arrays.fill(largest, (byte)0x5a);
        commands.put(1, "amqp", "queue", "q", "1", ANY);
        commands.put(2, "amqp", "queue", "q", "2", ANY);
        commands.put(3, "amqp", "exchange", "x".repeat(ObjectTable.MAX_NAME_BYTES), largest, ABSENT);
        commands.put(4, "amqp", "binding", "x->q", "", ABSENT);

        final List<byte[]> messages = new ArrayList<>();
        new MetaSnapshot().write(state, (buffer, offset, length) -> messages.add(copy(buffer, offset, length)));
        final MetaState restored = restore(messages);
        assertEquals(List.copyOf(state.objects()), List.copyOf(restored.objects()));
        assertEquals("2@2", value(restored, "amqp", "queue", "q"));
        assertArrayEquals(largest, restored.object("amqp", "exchange", "x".repeat(ObjectTable.MAX_NAME_BYTES)).value());
        assertTrue(Arrays.equals(snapshot(state), snapshot(restored)), "the restored state writes the same snapshot");
        assertEquals(0, restored.lastObjectChange(), "a restored object is no change");

        final Commands again = new Commands(restored);
        assertEquals("1:OK:v1", again.put(1, "amqp", "queue", "q", "1", ANY), "request 7/1 and its version remembered");
        assertEquals("2@2", value(restored, "amqp", "queue", "q"));
        assertEquals("5:OK:v3", again.put(5, "amqp", "queue", "q", "3", 2), "versions carry on");
    }

    /**
     * A snapshot written before version 4 has no object version in its remembered requests: they
     * load with none.
     */
    @Test
    void aVersion3SnapshotsRememberedRequestsLoadWithoutAnObjectVersion()
    {
        final MetaState state = new MetaState(5_000);
        new Commands(state).delete(1, "amqp", "queue", "missing", ANY);
        final List<byte[]> messages = new ArrayList<>();
        new MetaSnapshot().write(state, (buffer, offset, length) ->
        {
            final byte[] message = copy(buffer, offset, length);
            final UnsafeBuffer bytes = new UnsafeBuffer(message);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(bytes, 0);
            if (header.templateId() == AppliedRequestSnapshotEncoder.TEMPLATE_ID)
            {
                final int block = AppliedRequestSnapshotEncoder.BLOCK_LENGTH;
                assertEquals(block - 8, AppliedRequestSnapshotEncoder.objectVersionEncodingOffset(),
                    "the object version is the block's last field");
                new MessageHeaderEncoder().wrap(bytes, 0).blockLength(block - 8).version(3);
                messages.add(Arrays.copyOf(message, MessageHeaderEncoder.ENCODED_LENGTH + block - 8));
            }
            else
            {
                messages.add(message);
            }
        });
        final MetaState restored = restore(messages);
        assertEquals("1:NOT_FOUND:v0:object amqp/queue/missing not found",
            new Commands(restored).delete(1, "amqp", "queue", "missing", ANY));
        assertEquals(List.of(List.of(7L, 1L, (long)io.robustmq.meta.codecs.ResultCode.NOT_FOUND.value(), 0L)),
            restored.appliedRequests().stream().map(a -> List.of(a[0], a[1], a[2], a[3])).toList());
    }

    private static MetaState restore(final List<byte[]> messages)
    {
        final MetaState restored = new MetaState(5_000);
        final MetaSnapshot loader = new MetaSnapshot();
        for (final byte[] message : messages)
        {
            assertTrue(loader.load(restored, new UnsafeBuffer(message), 0));
        }
        restored.finishRestore();
        return restored;
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
