package io.robustmq.kernel.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.robustmq.journal.engine.Journal;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.kernel.support.Clients;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A payload taken with {@link ShardView#retainedPayload()} outlives its view and its segment:
 * retention deletes the segment while the payloads are held, and they still read byte for byte;
 * the segment's file goes only when the last of them is released.
 */
@Timeout(60)
class RetainedPayloadTest
{
    @TempDir
    Path temp;

    @Test
    void retainedPayloadsOutliveTheirViewAndTheirSegment() throws Exception
    {
        final Path file = Files.writeString(temp.resolve("server.toml"), """
            [storage]
            segment_bytes = 65536
            [storage.private."$kernel/retained"]
            retention_bytes = 131072
            """);
        final StorageConfig config = ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage();
        final Semaphore appended = new Semaphore(0);
        final AtomicInteger failures = new AtomicInteger();
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
                    failures.incrementAndGet();
                    appended.release();
                }
            });
            final Shard shard = adapter.forKernel().openPrivate("retained");
            final List<byte[]> sent = new ArrayList<>();
            for (int i = 0; i < 6; i++)
            {
                sent.add(append(shard, callback, appended, i));
            }

            final List<ByteBuf> held = new ArrayList<>();
            final ShardView view = shard.newView();
            assertEquals(6, shard.read(0, 1 << 20, 6, view));
            while (view.next())
            {
                held.add(view.retainedPayload());
            }
            view.release();
            assertTrue(held.get(0).isReadOnly(), "the journal's memory is not a plugin's to write");

            final Path shardDirectory;
            try (java.util.stream.Stream<Path> shards = Files.list(temp.resolve("journal")))
            {
                shardDirectory = shards.filter(Files::isDirectory).findFirst().orElseThrow();
            }
            final Path firstSegment = shardDirectory.resolve("00000000000000000000.log");
            for (int i = 6; i < 50; i++)
            {
                append(shard, callback, appended, i);
            }
            Clients.await("retention (checked once a second) to delete the first segment", 30_000,
                () -> shard.earliestOffset() > 0);
            assertEquals(0, failures.get());
            assertTrue(Files.exists(firstSegment), "a held segment's file stays until its payloads are released");
            for (int i = 0; i < held.size(); i++)
            {
                assertArrayEquals(sent.get(i), ByteBufUtil.getBytes(held.get(i)), "payload " + i);
            }
            held.forEach(ByteBuf::release);
            assertFalse(Files.exists(firstSegment), "released, the retired segment is deleted");
        }
    }

    private static byte[] append(final Shard shard, final int callback, final Semaphore appended, final int index)
        throws InterruptedException
    {
        final byte[] payload = new byte[9000];
        Arrays.fill(payload, (byte)index);
        payload[0] = (byte)(index >> 8);
        assertEquals(Shard.SUBMITTED, shard.append(Unpooled.wrappedBuffer(payload), 1, index, BatchFormat.RAW, callback, index));
        assertTrue(appended.tryAcquire(30, TimeUnit.SECONDS));
        return payload;
    }
}
