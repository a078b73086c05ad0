package io.robustmq.kernel.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.Shards;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class StorageAdapterTest
{
    @TempDir
    Path temp;

    private final Map<Long, CompletableFuture<Long>> completions = new ConcurrentHashMap<>();

    private final AppendCallback recorder = new AppendCallback()
    {
        @Override
        public void onAppended(final long correlationId, final long baseOffset)
        {
            future(correlationId).complete(baseOffset);
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            future(correlationId).completeExceptionally(new IllegalStateException("failed: " + reason));
        }
    };

    private CompletableFuture<Long> future(final long correlationId)
    {
        return completions.computeIfAbsent(correlationId, id -> new CompletableFuture<>());
    }

    private StorageConfig config() throws Exception
    {
        final Path file = Files.writeString(temp.resolve("server.toml"), """
            [storage]
            segment_bytes = 65536
            [storage.private."alpha/payments"]
            durability = "always"
            [storage.private."alpha/metrics-*"]
            engine = "memory"
            memory_max_bytes = 2048
            [storage.topics."payments"]
            durability = "none"
            """);
        return ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage();
    }

    private JournalService launch(final StorageConfig config)
    {
        return JournalService.launch(config, temp.resolve("journal"), new SimpleMeterRegistry(), NoTopicsMetadata.create(), 1);
    }

    private long append(final Shard shard, final int callbackId, final long correlationId, final ByteBuf batch)
        throws Exception
    {
        try
        {
            assertEquals(Shard.SUBMITTED, shard.append(batch, 1, correlationId, BatchFormat.RAW, callbackId, correlationId));
        }
        finally
        {
            batch.release();
        }
        return future(correlationId).get(10, TimeUnit.SECONDS);
    }

    private static List<String> readAll(final Shard shard, final long from)
    {
        final List<String> payloads = new ArrayList<>();
        final ShardView view = shard.newView();
        long offset = from;
        while (shard.read(offset, 100, Integer.MAX_VALUE, view) > 0)
        {
            while (view.next())
            {
                payloads.add(view.payload().toString(StandardCharsets.UTF_8));
            }
            offset = view.nextOffset();
            view.release();
        }
        return payloads;
    }

    @Test
    void privateShardsAreRoutedByOwnerAndNameAndStoreWhateverBufferTheyAreGiven() throws Exception
    {
        final StorageConfig config = config();
        try (JournalService service = launch(config))
        {
            final Shards alpha = service.shards().forPlugin("alpha");
            final Shards beta = service.shards().forPlugin("beta");
            final Shards kernel = service.shards().forKernel();
            final int callbackId = alpha.register(recorder);

            final Shard orders = alpha.openPrivate("orders");
            assertEquals("journal", orders.engine());
            assertEquals("interval", orders.durability());
            assertEquals("orders", orders.name());
            assertEquals("always", alpha.openPrivate("payments").durability(), "the owner's override");
            assertEquals("interval", beta.openPrivate("payments").durability(), "another owner's is not");
            assertEquals("interval", kernel.openPrivate("payments").durability(), "nor a topic's");
            assertEquals("memory", alpha.openPrivate("metrics-cpu").engine(), "a pattern");
            assertSame(orders, alpha.openPrivate("orders"));
            assertEquals(Optional.empty(), beta.findPrivate("orders"), "each owner has a namespace of its own");

            final AtomicLong woken = new AtomicLong();
            orders.addTailListener((shard, next) -> woken.set(next));

            final ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes("direct".getBytes(StandardCharsets.UTF_8));
            final ByteBuf heap = Unpooled.wrappedBuffer("xxheap".getBytes(StandardCharsets.UTF_8)).skipBytes(2);
            final CompositeByteBuf composite = Unpooled.compositeBuffer()
                .addComponent(true, Unpooled.copiedBuffer("compo", StandardCharsets.UTF_8))
                .addComponent(true, Unpooled.directBuffer().writeBytes("site".getBytes(StandardCharsets.UTF_8)));
            assertEquals(0, append(orders, callbackId, 1, direct));
            assertEquals(1, append(orders, callbackId, 2, heap));
            assertEquals(2, append(orders, callbackId, 3, composite));
            assertEquals(0, append(beta.openPrivate("orders"), callbackId, 4,
                Unpooled.copiedBuffer("beta's", StandardCharsets.UTF_8)));

            assertEquals(List.of("direct", "heap", "composite"), readAll(orders, 0));
            assertEquals(List.of("heap", "composite"), readAll(orders, 1));
            assertEquals(3, orders.nextOffset());
            assertEquals(1, orders.offsetForTimestamp(2));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (woken.get() != 3)
            {
                assertTrue(System.nanoTime() < deadline, "tail listener woken");
                Thread.onSpinWait();
            }
            final ShardView view = orders.newView();
            assertEquals(2, orders.read(0, 1 << 20, 2, view), "the record limit");
            view.release();
            assertEquals(1, orders.read(0, 1, 10, view), "the byte limit, but always one batch");
            view.release();
            assertEquals(Shard.OUT_OF_RANGE, orders.read(4, 100, 10, view));
            assertEquals(0, orders.read(3, 100, 10, view));
        }
        final Path alphaOrders = temp.resolve("journal").resolve("p.alpha.orders");
        assertTrue(Files.isRegularFile(alphaOrders.resolve(ShardIdentityFile.FILE_NAME)), "the identity is recorded");
        assertEquals(Optional.of(new ShardIdentity.Private("alpha", "orders")), ShardIdentityFile.read(alphaOrders));
        assertTrue(Files.isDirectory(temp.resolve("journal").resolve("p.%24kernel.payments")));

        try (JournalService service = launch(config))
        {
            final Shards alpha = service.shards().forPlugin("alpha");
            final Shards beta = service.shards().forPlugin("beta");
            assertEquals(List.of("orders", "payments"), alpha.listPrivate(), "journal shards reopen; memory shards do not");
            assertEquals(List.of("orders", "payments"), beta.listPrivate());
            assertEquals(List.of("payments"), service.shards().forKernel().listPrivate().stream()
                .filter(name -> !name.startsWith("cursors-")).toList(), "the cursor store's own aside");
            assertEquals(List.of(), alpha.list(), "no topic shards");
            assertEquals("always", alpha.findPrivate("payments").orElseThrow().durability(), "settings kept on disk");
            final Shard orders = alpha.findPrivate("orders").orElseThrow();
            assertEquals(List.of("direct", "heap", "composite"), readAll(orders, 0));
            assertEquals(List.of("beta's"), readAll(beta.findPrivate("orders").orElseThrow(), 0));
            assertTrue(alpha.deletePrivate("orders"));
            assertFalse(alpha.findPrivate("orders").isPresent());
            assertTrue(beta.findPrivate("orders").isPresent(), "another owner's shard of that name stays");
            assertFalse(Files.exists(alphaOrders));
            assertEquals(Shard.CLOSED, orders.append(Unpooled.EMPTY_BUFFER, 1, 0, 0, alpha.register(recorder), 9));
        }
    }

    @Test
    void aPrivateNameTooLongForADirectoryIsRefusedAndOneThatFitsIsKeptWhole() throws Exception
    {
        try (JournalService service = launch(config()))
        {
            final Shards alpha = service.shards().forPlugin("alpha");
            final String longest = "x".repeat(ShardNames.PRIVATE_NAME_MAX);
            assertEquals(longest, alpha.openPrivate(longest).name());
            assertThrows(IllegalArgumentException.class, () -> alpha.openPrivate(longest + "x"));
            assertThrows(IllegalArgumentException.class, () -> alpha.openPrivate("é".repeat(27)), "54 bytes, 162 escaped");
            assertEquals(List.of(longest), alpha.listPrivate());
        }
    }

    @Test
    void theMemoryEngineKeepsTheContractWithinItsBound() throws Exception
    {
        try (JournalService service = launch(config()))
        {
            final Shards shards = service.shards().forPlugin("alpha");
            final int callbackId = shards.register(recorder);
            final Shard metrics = shards.openPrivate("metrics-cpu");
            final AtomicLong woken = new AtomicLong();
            metrics.addTailListener((shard, next) -> woken.set(next));

            final ShardView held = metrics.newView();
            for (int i = 0; i < 100; i++)
            {
                assertEquals(i, append(metrics, callbackId, i, Unpooled.copiedBuffer(String.format("%064d", i), StandardCharsets.UTF_8)));
                if (i == 0)
                {
                    assertEquals(1, metrics.read(0, 100, 1, held));
                }
            }
            assertEquals(100, woken.get(), "woken on the appending thread");
            assertEquals(100, metrics.nextOffset());
            assertTrue(metrics.earliestOffset() > 0, "the oldest were dropped");
            assertEquals(2048 / 64, 100 - metrics.earliestOffset(), "exactly what fits is kept");
            final List<String> kept = readAll(metrics, metrics.earliestOffset());
            assertEquals(100 - metrics.earliestOffset(), kept.size());
            assertEquals(String.format("%064d", 99), kept.get(kept.size() - 1));
            assertEquals(Shard.OUT_OF_RANGE, metrics.read(0, 100, 1, metrics.newView()));
            final ShardView limited = metrics.newView();
            assertEquals(3, metrics.read(metrics.earliestOffset(), 1 << 20, 3, limited), "the record limit");
            limited.release();
            assertEquals(metrics.earliestOffset() + 5, metrics.offsetForTimestamp(metrics.earliestOffset() + 5));

            assertTrue(held.next());
            assertEquals(String.format("%064d", 0), held.payload().toString(StandardCharsets.UTF_8),
                "a view keeps its batches after they are dropped");
            held.release();
        }
    }

    @Test
    void shardsAnEarlierVersionWroteWithoutIdentityAreKeptUntilTheirOwnerAdoptsThem() throws Exception
    {
        final StorageConfig config = config();
        try (JournalService service = launch(config))
        {
            final int callbackId = service.shards().forKernel().register(recorder);
            append(service.shards().forPlugin("mqtt").openPrivate("$mqtt-sessions-3"), callbackId, 1,
                Unpooled.copiedBuffer("session state", StandardCharsets.UTF_8));
            append(service.shards().forPlugin("echo").openPrivate("audit/log"), callbackId, 2,
                Unpooled.copiedBuffer("entry", StandardCharsets.UTF_8));
        }
        // As the version before shard identities left them: named by the old encoding, no identity.
        final Path journal = temp.resolve("journal");
        final Path sessions = journal.resolve("%24mqtt-sessions-3");
        Files.move(journal.resolve("p.mqtt.%24mqtt-sessions-3"), sessions);
        Files.delete(sessions.resolve(ShardIdentityFile.FILE_NAME));
        Files.move(journal.resolve("p.echo.audit%2Flog"), journal.resolve("audit%2Flog"));
        Files.delete(journal.resolve("audit%2Flog").resolve(ShardIdentityFile.FILE_NAME));

        try (JournalService service = launch(config))
        {
            final Shards mqtt = service.shards().forPlugin("mqtt");
            assertEquals(List.of("$mqtt-sessions-3", "audit/log"), service.shards().legacyShards());
            assertTrue(service.describeState().contains("2 shards of an earlier version not adopted"),
                service.describeState());
            assertEquals(List.of(), mqtt.listPrivate(), "not the plugin's until adopted");
            assertEquals(List.of("$mqtt-sessions-3"), mqtt.adoptLegacy("$mqtt-sessions-"));
            assertEquals(List.of(), mqtt.adoptLegacy("$mqtt-sessions-"), "adopted once");
            assertEquals(List.of("session state"), readAll(mqtt.findPrivate("$mqtt-sessions-3").orElseThrow(), 0));
            assertEquals(List.of("audit/log"), service.shards().legacyShards(), "nobody claimed it: kept as it is");
            assertThrows(IllegalArgumentException.class, () -> mqtt.adoptLegacy(""));
        }
        assertEquals(Optional.of(new ShardIdentity.Private("mqtt", "$mqtt-sessions-3")), ShardIdentityFile.read(sessions),
            "the adoption is recorded in the directory, which keeps its name");

        try (JournalService service = launch(config))
        {
            final Shards mqtt = service.shards().forPlugin("mqtt");
            assertEquals(List.of("$mqtt-sessions-3"), mqtt.listPrivate(), "the plugin's from now on");
            final Shard adopted = mqtt.findPrivate("$mqtt-sessions-3").orElseThrow();
            assertEquals(1, append(adopted, mqtt.register(recorder), 3, Unpooled.copiedBuffer("more", StandardCharsets.UTF_8)));
            assertEquals(List.of("session state", "more"), readAll(adopted, 0));
            assertEquals(List.of("audit/log"), service.shards().legacyShards());
            assertTrue(Files.isRegularFile(journal.resolve("audit%2Flog").resolve("shard.properties")), "untouched");
        }
    }
}
