package io.robustmq.kernel.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.robustmq.journal.engine.Journal;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.BatchStamper;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.StampedBatch;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The parts of the storage contract every engine keeps alike: the durable offset, reads below it,
 * {@code deleteBefore} and {@code truncateTo}, through the Storage Adapter.
 */
@Timeout(60)
class ShardOperationsTest
{
    @TempDir
    Path temp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"journal", "memory"})
    void aStamperWritesTheOffsetIntoTheStoredBatchOrRefusesIt(final String engine) throws Exception
    {
        final Path file = Files.writeString(temp.resolve("server.toml"), "[storage]\nengine = \"" + engine + "\"\n");
        final StorageConfig config = ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage();
        final Map<Long, Long> outcomes = new java.util.concurrent.ConcurrentHashMap<>();
        final Semaphore done = new Semaphore(0);
        try (Journal journal = Journal.launch(new Journal.Context().directory(temp.resolve("journal")));
            StorageAdapter adapter = new StorageAdapter(config, journal, NoTopicsMetadata.create(), 1))
        {
            final int callback = adapter.forKernel().register(new AppendCallback()
            {
                @Override
                public void onAppended(final long correlationId, final long baseOffset)
                {
                    outcomes.put(correlationId, baseOffset);
                    done.release();
                }

                @Override
                public void onFailed(final long correlationId, final int reason)
                {
                    outcomes.put(correlationId, (long)-reason);
                    done.release();
                }
            });
            final Shard shard = adapter.forKernel().openPrivate("stamped");
            final BatchStamper stamper = new BatchStamper()
            {
                @Override
                public int stampedBytes()
                {
                    return 12;
                }

                @Override
                public int stamp(final StampedBatch batch, final long baseOffset, final int recordCount, final long time)
                {
                    if (batch.length() == 41)
                    {
                        throw new IllegalStateException("a stamper's bug");
                    }
                    if (batch.getInt(8, ByteOrder.BIG_ENDIAN) != (int)baseOffset)
                    {
                        return 321;
                    }
                    batch.putLong(0, baseOffset, ByteOrder.BIG_ENDIAN);
                    assertThrows(IndexOutOfBoundsException.class, () -> batch.putByte(12, (byte)1));
                    batch.putInt(8, batch.crc32c(12, batch.length() - 12), ByteOrder.BIG_ENDIAN);
                    return ACCEPT;
                }
            };
            shard.stamper(BatchFormat.KAFKA_RECORD_BATCH, stamper);
            assertThrows(IllegalStateException.class, () -> shard.stamper(BatchFormat.KAFKA_RECORD_BATCH, stamper));
            final int[] expectedBase = {0, 3, 3, 6};
            for (int i = 0; i < 4; i++)
            {
                final ByteBuf batch = Unpooled.buffer(40);
                batch.writeLong(-1).writeInt(i == 2 ? 99 : expectedBase[i]).writeZero(28).setByte(20, i);
                assertEquals(Shard.SUBMITTED, shard.append(batch, 3, i, BatchFormat.KAFKA_RECORD_BATCH, callback, i));
                assertTrue(done.tryAcquire(30, TimeUnit.SECONDS));
            }
            assertEquals(-321, outcomes.get(2L), "the stamper's refusal reaches the producer");
            assertEquals(Shard.SUBMITTED, shard.append(Unpooled.buffer(41).writeZero(41), 1, 0,
                BatchFormat.KAFKA_RECORD_BATCH, callback, 4));
            assertTrue(done.tryAcquire(30, TimeUnit.SECONDS));
            assertEquals(-AppendCallback.FIRST_REFUSAL, outcomes.get(4L), "a stamper that throws refuses its batch");
            assertEquals(3L, outcomes.get(1L));
            assertEquals(6L, outcomes.get(3L), "a refused batch takes no offset");
            final ShardView view = shard.newView();
            int read = 0;
            assertTrue(shard.read(0, 1 << 20, 100, view) > 0);
            while (view.next())
            {
                final byte[] bytes = ByteBufUtil.getBytes(view.payload());
                final java.nio.ByteBuffer stored = java.nio.ByteBuffer.wrap(bytes);
                assertEquals(view.baseOffset(), stored.getLong(0), "the stored batch carries its offset");
                final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
                crc.update(bytes, 12, bytes.length - 12);
                assertEquals((int)crc.getValue(), stored.getInt(8));
                read++;
            }
            view.release();
            assertEquals(3, read);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"journal", "memory"})
    void deleteBeforeAndTruncateToBehaveAlikeOnEveryEngine(final String engine) throws Exception
    {
        final Path file = Files.writeString(temp.resolve("server.toml"), "[storage]\nengine = \"" + engine +
            "\"\ndurability = \"always\"\n");
        final StorageConfig config = ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage();
        final Semaphore appended = new Semaphore(0);
        try (Journal journal = Journal.launch(new Journal.Context().directory(temp.resolve("journal")));
            StorageAdapter adapter = new StorageAdapter(config, journal, NoTopicsMetadata.create(), 1))
        {
            final int callback = adapter.forKernel().register(new AppendCallback()
            {
                @Override
                public void onAppended(final long correlationId, final long baseOffset)
                {
                    appended.release();
                }

                @Override
                public void onFailed(final long correlationId, final int reason)
                {
                    throw new AssertionError("append failed: " + reason);
                }
            });
            final Shard shard = adapter.forKernel().openPrivate("contract");
            assertEquals(engine, shard.engine());
            for (int i = 0; i < 10; i++)
            {
                assertEquals(Shard.SUBMITTED, shard.append(Unpooled.wrappedBuffer(new byte[] {(byte)i}), 2, i,
                    BatchFormat.RAW, callback, i));
                assertTrue(appended.tryAcquire(30, TimeUnit.SECONDS));
            }
            assertEquals(20, shard.durableOffset(), "every acknowledged batch is durable");

            assertEquals(5, shard.deleteBefore(5).get(30, TimeUnit.SECONDS));
            assertEquals(5, shard.earliestOffset());
            final ShardView view = shard.newView();
            assertEquals(Shard.OUT_OF_RANGE, shard.read(3, 1 << 20, 100, view));
            assertTrue(shard.read(5, 1 << 20, 100, view) > 0);
            assertTrue(view.next());
            assertEquals(4, view.baseOffset(), "the batch holding the earliest offset is read whole");
            view.release();
            final ExecutionException past = assertThrows(ExecutionException.class,
                () -> shard.deleteBefore(21).get(30, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, past.getCause());

            assertEquals(14, shard.truncateTo(15).get(30, TimeUnit.SECONDS), "the batch holding 15 starts at 14");
            assertEquals(14, shard.nextOffset());
            assertEquals(14, shard.durableOffset());
            assertEquals(0, shard.read(14, 1 << 20, 100, view));
            assertEquals(Shard.SUBMITTED, shard.append(Unpooled.wrappedBuffer(new byte[] {42}), 1, 0,
                BatchFormat.RAW, callback, 99));
            assertTrue(appended.tryAcquire(30, TimeUnit.SECONDS));
            assertTrue(shard.read(14, 1 << 20, 100, view) > 0);
            assertTrue(view.next());
            assertEquals(14, view.baseOffset());
            assertEquals(42, ByteBufUtil.getBytes(view.payload())[0]);
            view.release();
            final ExecutionException below = assertThrows(ExecutionException.class,
                () -> shard.truncateTo(3).get(30, TimeUnit.SECONDS));
            assertInstanceOf(IllegalArgumentException.class, below.getCause());
        }
    }
}
