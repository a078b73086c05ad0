package io.robustmq.journal.engine;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.Durability;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.JournalException;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.ShardConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class JournalTest
{
    @TempDir
    Path dir;

    /** Records what the writer says about each correlation id. */
    private static final class Recorder implements AppendCompletion
    {
        final Map<Long, Long> offsets = new ConcurrentHashMap<>();
        final Map<Long, Integer> failures = new ConcurrentHashMap<>();
        final CountDownLatch done;

        Recorder(final int expected)
        {
            done = new CountDownLatch(expected);
        }

        @Override
        public void onAppended(final long correlationId, final long baseOffset)
        {
            offsets.put(correlationId, baseOffset);
            done.countDown();
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            failures.put(correlationId, reason);
            done.countDown();
        }

        void await() throws InterruptedException
        {
            assertTrue(done.await(30, TimeUnit.SECONDS), "every append completed");
        }
    }

    private static byte[] payload(final long correlationId)
    {
        final byte[] bytes = new byte[16 + (int)(correlationId % 200)];
        new UnsafeBuffer(bytes).putLong(0, correlationId);
        return bytes;
    }

    private static void submit(final JournalShard shard, final int completionId, final long correlationId)
    {
        final byte[] bytes = payload(correlationId);
        int result;
        while ((result = shard.append(new UnsafeBuffer(bytes), 0, bytes.length, 1, correlationId, 7, completionId,
            correlationId)) == JournalShard.BACK_PRESSURED)
        {
            Thread.onSpinWait();
        }
        assertEquals(JournalShard.SUBMITTED, result);
    }

    private static List<Thread> producers(final int threads, final int each, final JournalShard shard, final int completionId)
    {
        final List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++)
        {
            final int first = t * each;
            final Thread thread = new Thread(() ->
            {
                for (int i = 0; i < each; i++)
                {
                    submit(shard, completionId, first + i);
                }
            }, "producer-" + t);
            thread.start();
            started.add(thread);
        }
        return started;
    }

    private static void assertReadsMatch(final JournalShard shard, final Map<Long, Long> offsets)
    {
        final JournalView view = new JournalView();
        long offset = 0;
        int batches = 0;
        while (shard.read(offset, 64 * 1024, Integer.MAX_VALUE, view) > 0)
        {
            int position = view.offset();
            while (position < view.offset() + view.length())
            {
                final long correlationId = view.buffer().getLong(BatchFrames.payloadOffset(position));
                assertEquals(offsets.get(correlationId), BatchFrames.baseOffset(view.buffer(), position));
                final byte[] read = new byte[BatchFrames.payloadLength(view.buffer(), position)];
                view.buffer().getBytes(BatchFrames.payloadOffset(position), read);
                assertArrayEquals(payload(correlationId), read);
                assertEquals(7, BatchFrames.format(view.buffer(), position));
                position += FrameDescriptor.alignedLength(BatchFrames.frameLength(view.buffer(), position));
                batches++;
            }
            offset = view.nextOffset();
            view.release();
        }
        assertEquals(offsets.size(), batches);
    }

    @Test
    void manyProducersGetDenseOffsetsAndEveryBatchReadsBack() throws Exception
    {
        final int threads = 4;
        final int each = 2000;
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir).writers(2)))
        {
            final JournalShard shard = journal.createShard("orders-0",
                new ShardConfig(64 * 1024, 1024, Durability.NONE, 1000, 0, 0));
            final Recorder recorder = new Recorder(threads * each);
            final int completionId = journal.registerCompletion(recorder);
            final AtomicLong woken = new AtomicLong();
            shard.addTailListener((s, next) -> woken.accumulateAndGet(next, Math::max));
            for (final Thread thread : producers(threads, each, shard, completionId))
            {
                thread.join();
            }
            recorder.await();
            assertTrue(recorder.failures.isEmpty());
            assertEquals(threads * each, recorder.offsets.values().stream().distinct().count());
            assertEquals(threads * each - 1, recorder.offsets.values().stream().mapToLong(Long::longValue).max().orElseThrow());
            assertEquals(threads * each, shard.nextOffset());
            assertReadsMatch(shard, recorder.offsets);
            assertEquals(threads * each, woken.get(), "the tail listener saw the end");
        }
    }

    @Test
    void alwaysSharesForcesAmongConcurrentAppendsAndSurvivesARestart() throws Exception
    {
        final int threads = 16;
        final int each = 100;
        final Recorder recorder = new Recorder(threads * each);
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final JournalShard shard = journal.createShard("payments",
                new ShardConfig(1024 * 1024, 4096, Durability.ALWAYS, 1000, 0, 0));
            final int completionId = journal.registerCompletion(recorder);
            for (final Thread thread : producers(threads, each, shard, completionId))
            {
                thread.join();
            }
            recorder.await();
            assertTrue(recorder.failures.isEmpty());
            assertEquals(threads * each, journal.appends());
            assertTrue(journal.forces() < journal.appends(), "group commit: " + journal.forces() + " forces for " +
                journal.appends() + " appends");
        }
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final JournalShard shard = journal.shard("payments");
            assertNotNull(shard, "the shard reopens");
            assertEquals(Durability.ALWAYS, shard.config().durability(), "with its settings");
            assertEquals(threads * each, shard.nextOffset());
            assertReadsMatch(shard, recorder.offsets);
        }
    }

    @Test
    void refusesWhatCanNeverBeStoredAndFailsAppendsToADeletedShard() throws Exception
    {
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir).ringBufferBytes(64 * 1024)))
        {
            final JournalShard shard = journal.createShard("small", new ShardConfig(16 * 1024, 1024, Durability.NONE, 1000, 0, 0));
            final Recorder recorder = new Recorder(1);
            final int completionId = journal.registerCompletion(recorder);
            final byte[] big = new byte[shard.maxPayloadBytes() + 1];
            assertEquals(JournalShard.TOO_LARGE, shard.append(new UnsafeBuffer(big), 0, big.length, 1, 0, 0, completionId, 1));
            assertThrows(IllegalArgumentException.class,
                () -> shard.append(new UnsafeBuffer(big), 0, 1, 1, 0, 0, completionId + 1, 1));
            assertThrows(IllegalArgumentException.class, () -> journal.createShard("small", shard.config()));
            assertThrows(IllegalArgumentException.class, () -> journal.createShard("../escape", shard.config()));

            submit(shard, completionId, 42);
            recorder.await();
            assertEquals(0L, recorder.offsets.get(42L));

            final JournalView view = new JournalView();
            assertTrue(shard.read(0, 1000, Integer.MAX_VALUE, view) > 0);
            assertTrue(journal.deleteShard("small"));
            assertFalse(Files.exists(dir.resolve("small")));
            assertEquals(42L, view.buffer().getLong(BatchFrames.payloadOffset(view.offset())), "a held view outlives the delete");
            view.release();
            assertEquals(JournalShard.CLOSED, shard.append(new UnsafeBuffer(big), 0, 1, 1, 0, 0, completionId, 2));
            assertFalse(journal.deleteShard("small"));
            assertEquals(List.of(), journal.shardNames());
        }
    }

    @Test
    void aSecondJournalOnTheSameDirectoryIsRefused()
    {
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final JournalException refused = assertThrows(JournalException.class,
                () -> Journal.launch(new Journal.Context().directory(dir)));
            assertTrue(refused.getMessage().contains("in use"), refused.getMessage());
            assertEquals(List.of(), journal.shardNames());
        }
    }

    @Test
    void intervalDurabilityForcesOnItsOwn() throws Exception
    {
        final AtomicInteger appended = new AtomicInteger();
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final JournalShard shard = journal.createShard("metrics", new ShardConfig(64 * 1024, 1024, Durability.INTERVAL, 10, 0, 0));
            final Recorder recorder = new Recorder(1);
            submit(shard, journal.registerCompletion(recorder), 1);
            recorder.await();
            appended.incrementAndGet();
            final Path checkpoint = dir.resolve("metrics/checkpoint");
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (readCheckpointPosition(checkpoint) == 0)
            {
                assertTrue(System.nanoTime() < deadline, "the writer forced within its interval");
                Thread.sleep(5);
            }
        }
        assertEquals(1, appended.get());
    }

    private static int readCheckpointPosition(final Path checkpoint) throws Exception
    {
        final byte[] bytes = Files.readAllBytes(checkpoint);
        return bytes.length < 28 ? 0 : new UnsafeBuffer(bytes).getInt(24);
    }
}
