package io.robustmq.journal.engine;

import io.robustmq.journal.Durability;
import io.robustmq.journal.FrameStamper;
import io.robustmq.journal.ShardConfig;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The append path allocates nothing per batch: neither on the producer's thread (copy into the
 * ring, payload CRC) nor on the writer's (stamping hook, frame, header CRC, completion), counted
 * with the JVM's per-thread allocation counters over many appends after a warm-up.
 */
@Timeout(120)
class AppendAllocationTest
{
    private static final int WARM_UP = 50_000;
    private static final int MEASURED = 100_000;

    @TempDir
    Path dir;

    @Test
    void appendingThroughAStamperAllocatesNothingPerBatch() throws Exception
    {
        final com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final AtomicLong completed = new AtomicLong();
        final ShardConfig config = new ShardConfig(256 * 1024 * 1024, 4096, Durability.NONE, 1000, 0, 0);
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final int id = journal.registerCompletion(new AppendCompletion()
            {
                @Override
                public void onAppended(final long correlationId, final long baseOffset)
                {
                    completed.incrementAndGet();
                }

                @Override
                public void onFailed(final long correlationId, final int reason)
                {
                    throw new AssertionError("append failed: " + reason);
                }
            });
            final JournalShard shard = journal.createShard("allocation", config);
            shard.stamper(1, new FrameStamper()
            {
                @Override
                public int stampedBytes()
                {
                    return 8;
                }

                @Override
                public int stamp(
                    final MutableDirectBuffer buffer,
                    final int payloadOffset,
                    final int payloadLength,
                    final long baseOffset,
                    final int recordCount,
                    final long appendTimeMs)
                {
                    buffer.putLong(payloadOffset, baseOffset, ByteOrder.BIG_ENDIAN);
                    return ACCEPT;
                }
            });
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
            final Thread writer = findThread("robustmq-journal-writer-0");

            append(shard, id, payload, completed, WARM_UP);
            final long producerBefore = threads.getThreadAllocatedBytes(Thread.currentThread().getId());
            final long writerBefore = threads.getThreadAllocatedBytes(writer.getId());
            append(shard, id, payload, completed, MEASURED);
            final long producerBytes = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - producerBefore;
            final long writerBytes = threads.getThreadAllocatedBytes(writer.getId()) - writerBefore;

            assertEquals(WARM_UP + MEASURED, completed.get());
            assertTrue(producerBytes < MEASURED / 10, "the producer allocated " + producerBytes + " bytes for " +
                MEASURED + " appends");
            assertTrue(writerBytes < MEASURED / 10, "the writer allocated " + writerBytes + " bytes for " +
                MEASURED + " appends");
        }
    }

    private static void append(
        final JournalShard shard, final int id, final UnsafeBuffer payload, final AtomicLong completed, final int count)
    {
        final long target = completed.get() + count;
        for (int i = 0; i < count; i++)
        {
            while (shard.append(payload, 0, payload.capacity(), 1, i, 1, id, i) != JournalShard.SUBMITTED)
            {
                Thread.onSpinWait();
            }
        }
        while (completed.get() < target)
        {
            Thread.onSpinWait();
        }
    }

    private static Thread findThread(final String name)
    {
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            if (thread.getName().equals(name))
            {
                return thread;
            }
        }
        throw new AssertionError("no thread " + name);
    }
}
