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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
            [storage.topics."payments"]
            durability = "always"
            [storage.topics."metrics/*"]
            engine = "memory"
            memory_max_bytes = 2048
            """);
        return ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage();
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
    void routesTopicsToEnginesAndStoresWhateverBufferItIsGiven() throws Exception
    {
        final StorageConfig config = config();
        try (JournalService service = JournalService.launch(config, temp.resolve("journal"), new SimpleMeterRegistry()))
        {
            final StorageAdapter shards = service.shards();
            final int callbackId = shards.register(recorder);

            final Shard orders = shards.open("orders/0", "orders");
            assertEquals("journal", orders.engine());
            assertEquals("interval", orders.durability());
            assertEquals("always", shards.open("payments/0", "payments").durability());
            assertEquals("memory", shards.open("metrics/cpu/0", "metrics/cpu").engine());

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

        try (JournalService service = JournalService.launch(config, temp.resolve("journal"), new SimpleMeterRegistry()))
        {
            final StorageAdapter shards = service.shards();
            assertEquals(List.of("orders/0", "payments/0"),
                shards.list().stream().filter(name -> !name.startsWith("$kernel-")).toList(),
                "journal shards reopen; memory shards do not (the cursor store's own aside)");
            final Shard orders = shards.find("orders/0").orElseThrow();
            assertEquals(List.of("direct", "heap", "composite"), readAll(orders, 0));
            assertTrue(shards.delete("orders/0"));
            assertFalse(shards.find("orders/0").isPresent());
            assertEquals(Shard.CLOSED, orders.append(Unpooled.EMPTY_BUFFER, 1, 0, 0, shards.register(recorder), 9));
        }
    }

    @Test
    void theMemoryEngineKeepsTheContractWithinItsBound() throws Exception
    {
        try (JournalService service = JournalService.launch(config(), temp.resolve("journal"), new SimpleMeterRegistry()))
        {
            final StorageAdapter shards = service.shards();
            final int callbackId = shards.register(recorder);
            final Shard metrics = shards.open("metrics/cpu", "metrics/cpu");
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
}
