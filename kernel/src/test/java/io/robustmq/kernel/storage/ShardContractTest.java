package io.robustmq.kernel.storage;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The same randomised contract, through plugin-api's {@link Shard}, for every engine and every
 * journal durability: appends complete with dense offsets, reads return whole batches from the one
 * holding the offset within the byte and record limits, time look-ups find the first batch at or
 * after a timestamp.
 */
@Timeout(120)
class ShardContractTest
{
    private record Written(long baseOffset, int recordCount, long maxTimestamp, int format, byte[] payload)
    {
        long nextOffset()
        {
            return baseOffset + recordCount;
        }
    }

    static Stream<Arguments> cases()
    {
        final long first = Long.getLong("test.seed", System.nanoTime());
        final Random seeds = new Random(first);
        final List<Arguments> cases = new ArrayList<>();
        for (final String engine : List.of("journal-none", "journal-interval", "journal-always", "memory"))
        {
            for (int i = 0; i < 3; i++)
            {
                cases.add(Arguments.of(engine, i == 0 ? first : seeds.nextLong()));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} seed {1}")
    @MethodSource("cases")
    void everyEngineKeepsTheContract(final String engine, final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final Path dir = Files.createTempDirectory("contract");
        final String durability = engine.startsWith("journal-") ? engine.substring("journal-".length()) : "none";
        final Path file = Files.writeString(dir.resolve("server.toml"), """
            [storage]
            segment_bytes = %d
            durability = "%s"
            engine = "%s"
            memory_max_bytes = 1073741824
            """.formatted(8 * (8192 + random.nextInt(8192)), durability, engine.equals("memory") ? "memory" : "journal"));
        final Map<Long, CompletableFuture<Long>> acks = new ConcurrentHashMap<>();
        final AppendCallback callback = new AppendCallback()
        {
            @Override
            public void onAppended(final long correlationId, final long baseOffset)
            {
                acks.computeIfAbsent(correlationId, id -> new CompletableFuture<>()).complete(baseOffset);
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                acks.computeIfAbsent(correlationId, id -> new CompletableFuture<>())
                    .completeExceptionally(new AssertionError("append failed: " + reason));
            }
        };
        try (JournalService service = JournalService.launch(
            ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage(), dir.resolve("journal"),
            new SimpleMeterRegistry(), NoTopicsMetadata.create(), 1))
        {
            final Shard shard = service.shards().forKernel().openPrivate("contract/" + seed);
            assertEquals(engine.equals("memory") ? "memory" : "journal", shard.engine());
            final int callbackId = service.shards().forKernel().register(callback);

            final List<Written> written = new ArrayList<>();
            long expectedOffset = 0;
            long timestamp = random.nextInt(1000);
            final int batches = 1 + random.nextInt(300);
            for (int i = 0; i < batches; i++)
            {
                final byte[] payload = new byte[random.nextInt(3000)];
                random.nextBytes(payload);
                final int records = 1 + random.nextInt(8);
                timestamp += random.nextInt(3) - 1;
                final ByteBuf batch = Unpooled.wrappedBuffer(payload);
                assertEquals(Shard.SUBMITTED, shard.append(batch, records, timestamp, i % 4, callbackId, i));
                assertEquals(expectedOffset, acks.computeIfAbsent((long)i, id -> new CompletableFuture<>())
                    .get(10, TimeUnit.SECONDS), "dense offsets");
                written.add(new Written(expectedOffset, records, timestamp, i % 4, payload));
                expectedOffset += records;
            }
            assertEquals(expectedOffset, shard.nextOffset());
            assertEquals(0, shard.earliestOffset());

            final ShardView view = shard.newView();
            for (int probe = 0; probe < 60; probe++)
            {
                final long offset = (long)(random.nextDouble() * expectedOffset);
                final int maxBytes = random.nextInt(10_000);
                final int maxRecords = 1 + random.nextInt(30);
                final int count = shard.read(offset, maxBytes, maxRecords, view);
                assertTrue(count > 0);
                int index = indexHolding(written, offset);
                long bytes = 0;
                int seen = 0;
                while (view.next())
                {
                    final Written expected = written.get(index++);
                    assertEquals(expected.baseOffset(), view.baseOffset());
                    assertEquals(expected.recordCount(), view.recordCount());
                    assertEquals(expected.maxTimestamp(), view.maxTimestamp());
                    assertEquals(expected.format(), view.format());
                    assertArrayEquals(expected.payload(), ByteBufUtil.getBytes(view.payload()));
                    bytes += expected.payload().length;
                    seen++;
                }
                assertEquals(count, seen);
                assertEquals(written.get(index - 1).nextOffset(), view.nextOffset());
                if (seen > 1)
                {
                    assertTrue(written.get(index - 2).nextOffset() - offset < maxRecords, "the record limit");
                    assertTrue(bytes <= maxBytes + 64L * seen, "the byte limit, give or take frame headers");
                }
                view.release();
            }
            assertEquals(0, shard.read(expectedOffset, 100, 100, view));
            assertEquals(Shard.OUT_OF_RANGE, shard.read(expectedOffset + 1, 100, 100, view));

            for (int probe = 0; probe < 20; probe++)
            {
                final long target = written.get(random.nextInt(written.size())).maxTimestamp() + random.nextInt(3) - 1;
                assertEquals(written.stream().filter(w -> w.maxTimestamp() >= target).mapToLong(Written::baseOffset)
                    .findFirst().orElse(-1), shard.offsetForTimestamp(target), Arrays.toString(new long[]{target}));
            }
        }
        finally
        {
            try (Stream<Path> walk = Files.walk(dir))
            {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    private static int indexHolding(final List<Written> written, final long offset)
    {
        for (int i = 0; i < written.size(); i++)
        {
            if (written.get(i).baseOffset() <= offset && offset < written.get(i).nextOffset())
            {
                return i;
            }
        }
        throw new AssertionError("no batch holds " + offset);
    }
}
