package io.robustmq.kernel.meta;

import io.robustmq.kernel.support.Clients;
import io.robustmq.kernel.support.TestNode;
import io.robustmq.meta.state.ObjectTable;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.api.metadata.ObjectChange;
import io.robustmq.plugin.api.metadata.ObjectInfo;
import io.robustmq.plugin.api.metadata.Watch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugins' control-plane objects through the plugin API ({@link Metadata#putObject} and friends) on a
 * node started in the test: writes with version checks, reads, a watch that is told the objects
 * there are and then every change in order, and objects that survive restarts, from the log and
 * from a snapshot.
 */
class MetadataObjectsTest
{
    @TempDir
    Path temp;

    private static byte[] bytes(final String value)
    {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static <T> T done(final java.util.concurrent.CompletionStage<T> stage) throws Exception
    {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static MetadataException.Reason refusal(final java.util.concurrent.CompletionStage<?> stage)
    {
        final CompletionException failed = assertThrows(CompletionException.class, () -> stage.toCompletableFuture().join());
        return assertInstanceOf(MetadataException.class, failed.getCause()).reason();
    }

    private static ObjectChange next(final LinkedBlockingQueue<ObjectChange> changes) throws InterruptedException
    {
        final ObjectChange change = changes.poll(10, TimeUnit.SECONDS);
        assertTrue(change != null, "a change within 10 s");
        return change;
    }

    private static String describe(final ObjectChange change)
    {
        return change.kind() + "/" + change.name() + change.object()
            .map(object -> "@" + object.version() + "=" + new String(object.value(), StandardCharsets.UTF_8))
            .orElse(" deleted");
    }

    @Test
    void theLimitsArePublishedAlike()
    {
        assertEquals(ObjectTable.ABSENT, ObjectInfo.ABSENT);
        assertEquals(ObjectTable.ANY, ObjectInfo.ANY);
        assertEquals(ObjectTable.MAX_OWNER_LENGTH, ObjectInfo.MAX_OWNER_LENGTH);
        assertEquals(ObjectTable.MAX_KIND_LENGTH, ObjectInfo.MAX_KIND_LENGTH);
        assertEquals(ObjectTable.MAX_NAME_BYTES, ObjectInfo.MAX_NAME_BYTES);
        assertEquals(ObjectTable.MAX_VALUE_BYTES, ObjectInfo.MAX_VALUE_BYTES);
    }

    @Test
    void writesCheckVersionsAndAWatchSeesTheObjectsThenEveryChangeInOrder() throws Exception
    {
        try (TestNode node = TestNode.start(temp, ""))
        {
            final Metadata metadata = node.node().metaService().metadata();
            assertEquals(new ObjectInfo("amqp", "queue", "q1", bytes("durable"), 1),
                done(metadata.putObject("amqp", "queue", "q1", bytes("durable"), ObjectInfo.ABSENT)));
            done(metadata.putObject("amqp", "exchange", "orders", bytes("topic"), ObjectInfo.ABSENT));
            done(metadata.putObject("mqtt", "queue", "q1", bytes("another owner's"), ObjectInfo.ABSENT));

            final LinkedBlockingQueue<ObjectChange> changes = new LinkedBlockingQueue<>();
            try (Watch watch = metadata.watchObjects("amqp", changes::add))
            {
                assertEquals("exchange/orders@1=topic", describe(next(changes)), "what exists, by kind then name");
                assertEquals("queue/q1@1=durable", describe(next(changes)));

                final ObjectInfo replaced = done(metadata.putObject("amqp", "queue", "q1", bytes("durable,ha"), 1));
                assertEquals(2, replaced.version());
                assertEquals(Optional.of(replaced), metadata.object("amqp", "queue", "q1"), "readable at once");
                assertEquals("queue/q1@2=durable,ha", describe(next(changes)));

                assertEquals(MetadataException.Reason.CONFLICT,
                    refusal(metadata.putObject("amqp", "queue", "q1", bytes("stale"), 1)));
                assertEquals(MetadataException.Reason.ALREADY_EXISTS,
                    refusal(metadata.putObject("amqp", "queue", "q1", bytes("again"), ObjectInfo.ABSENT)));
                assertEquals(MetadataException.Reason.NOT_FOUND,
                    refusal(metadata.putObject("amqp", "queue", "q9", bytes("x"), 3)));
                assertEquals(MetadataException.Reason.INVALID, refusal(metadata.putObject("amqp", "queue", "q9",
                    new byte[ObjectInfo.MAX_VALUE_BYTES + 1], ObjectInfo.ANY)));
                assertEquals(MetadataException.Reason.CONFLICT,
                    refusal(metadata.deleteObject("amqp", "queue", "q1", 1)));
                assertEquals(MetadataException.Reason.NOT_FOUND,
                    refusal(metadata.deleteObject("amqp", "queue", "q9", ObjectInfo.ANY)));

                final byte[] largest = new byte[ObjectInfo.MAX_VALUE_BYTES];
                Arrays.fill(largest, (byte)'L');
                final String longestName = "n".repeat(ObjectInfo.MAX_NAME_BYTES);
                final ObjectInfo large = done(metadata.putObject("amqp", "binding", longestName, largest,
                    ObjectInfo.ANY));
                assertArrayEquals(largest, large.value());
                assertEquals(Optional.of(large), metadata.object("amqp", "binding", longestName),
                    "a value of 64 KiB under a name of 1,024 bytes goes through the cluster");
                assertEquals("binding/" + longestName, describe(next(changes)).substring(0, 8 + 1024));

                done(metadata.deleteObject("amqp", "exchange", "orders", 1));
                assertEquals(Optional.empty(), metadata.object("amqp", "exchange", "orders"));
                assertEquals("exchange/orders deleted", describe(next(changes)));
                done(metadata.deleteObject("amqp", "binding", longestName, ObjectInfo.ANY));
                assertTrue(next(changes).deleted());

                for (final String name : List.of("b", "c", "a"))
                {
                    done(metadata.putObject("amqp", "queue", name, bytes(name), ObjectInfo.ABSENT));
                }
                assertEquals(List.of("a", "b", "c", "q1"),
                    metadata.objects("amqp", "queue").stream().map(ObjectInfo::name).toList(), "by name");
                assertEquals(List.of("queue/b@1=b", "queue/c@1=c", "queue/a@1=a"),
                    List.of(describe(next(changes)), describe(next(changes)), describe(next(changes))));

                // Writes sent without waiting are applied, and told, one by one: no version is skipped.
                final List<CompletableFuture<ObjectInfo>> sent = new ArrayList<>();
                for (int i = 0; i < 200; i++)
                {
                    sent.add(metadata.putObject("amqp", "queue", "counter", bytes(Integer.toString(i)), ObjectInfo.ANY)
                        .toCompletableFuture());
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
                for (int version = 1; version <= 200; version++)
                {
                    final ObjectInfo told = next(changes).object().orElseThrow();
                    assertEquals("counter", told.name());
                    assertEquals(version, told.version());
                }
                assertTrue(changes.isEmpty(), "nothing of another owner, no refusal: " + changes);
            }
        }
    }

    @Test
    void objectsSurviveRestartsFromTheLogAndFromASnapshot() throws Exception
    {
        final byte[] largest = new byte[ObjectInfo.MAX_VALUE_BYTES];
        Arrays.fill(largest, (byte)0x42);
        try (TestNode node = TestNode.start(temp, "meta.snapshot_interval_ms = 0\n"))
        {
            final Metadata metadata = node.node().metaService().metadata();
            done(metadata.putObject("amqp", "exchange", "orders", bytes("topic"), ObjectInfo.ABSENT));
            done(metadata.putObject("amqp", "exchange", "orders", bytes("fanout"), 1));
            done(metadata.putObject("amqp", "queue", "q1", largest, ObjectInfo.ABSENT));
            done(metadata.putObject("amqp", "queue", "gone", bytes(""), ObjectInfo.ABSENT));
            done(metadata.deleteObject("amqp", "queue", "gone", ObjectInfo.ANY));
        }
        final String snapshots = "meta.snapshot_interval_ms = 100\n";
        try (TestNode node = TestNode.start(temp, snapshots))
        {
            final Metadata metadata = node.node().metaService().metadata();
            assertEquals(Optional.of(new ObjectInfo("amqp", "exchange", "orders", bytes("fanout"), 2)),
                metadata.object("amqp", "exchange", "orders"), "replayed from the log");
            assertArrayEquals(largest, metadata.object("amqp", "queue", "q1").orElseThrow().value());
            assertEquals(Optional.empty(), metadata.object("amqp", "queue", "gone"));
            done(metadata.putObject("amqp", "binding", "orders->q1", bytes("#"), ObjectInfo.ABSENT));
            Clients.await("a snapshot after the binding", 30_000, () ->
                !node.node().status().component("meta-service").detail().endsWith(" 0 snapshots since start"));
        }
        try (TestNode node = TestNode.start(temp, snapshots))
        {
            final String detail = node.node().status().component("meta-service").detail();
            assertTrue(detail.contains("started from a snapshot"), detail);
            final Metadata metadata = node.node().metaService().metadata();
            final LinkedBlockingQueue<ObjectChange> changes = new LinkedBlockingQueue<>();
            try (Watch watch = metadata.watchObjects("amqp", changes::add))
            {
                assertEquals("binding/orders->q1@1=#", describe(next(changes)));
                assertEquals("exchange/orders@2=fanout", describe(next(changes)));
                final ObjectInfo queue = next(changes).object().orElseThrow();
                assertEquals("q1", queue.name());
                assertArrayEquals(largest, queue.value(), "a value of 64 KiB survives a snapshot");
                assertNull(changes.poll(), "nothing else");
            }
            assertEquals(3, done(metadata.putObject("amqp", "exchange", "orders", bytes("direct"), 2)).version(),
                "versions carry on after a restart");
        }
    }
}
