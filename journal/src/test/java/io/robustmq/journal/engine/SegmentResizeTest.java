package io.robustmq.journal.engine;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.Durability;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.ShardConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shard's segment size changed while it holds data: new segments take the new size, old ones keep
 * theirs, everything reads back, and a restart recovers the mixed sizes and keeps the new one.
 */
@Timeout(60)
class SegmentResizeTest
{
    private static final int PAYLOAD = 1000;
    private static final int BIG = 64 * 1024;
    private static final int SMALL = 16 * 1024;

    @TempDir
    Path dir;

    private final AtomicLong appended = new AtomicLong(-1);
    private final AtomicLong failed = new AtomicLong();

    private final AppendCompletion completion = new AppendCompletion()
    {
        @Override
        public void onAppended(final long correlationId, final long baseOffset)
        {
            appended.set(baseOffset);
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            failed.incrementAndGet();
        }
    };

    @Test
    void newSegmentsTakeTheNewSizeAndEveryBatchReadsBackAcrossARestart() throws Exception
    {
        final Path shardDir = dir.resolve("resized");
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final JournalShard shard = journal.createShard("resized",
                new ShardConfig(BIG, 1024, Durability.NONE, 1000, 0, 0));
            final int completionId = journal.registerCompletion(completion);
            appendUpTo(shard, completionId, 100);
            journal.segmentBytes(shard, SMALL);
            awaitSegmentBytes(shard, SMALL);
            assertEquals(SMALL - io.robustmq.journal.FrameDescriptor.HEADER_LENGTH, shard.maxPayloadBytes(),
                "a smaller size lowers the largest batch at once");
            appendUpTo(shard, completionId, 200);
            assertEquals(List.of(BIG, BIG, SMALL, SMALL, SMALL, SMALL, SMALL, SMALL), segmentSizes(shardDir).subList(0, 8));
            assertReadsBack(shard, 200);

            journal.segmentBytes(shard, BIG * 2);
            awaitSegmentBytes(shard, BIG * 2);
            assertEquals(SMALL - io.robustmq.journal.FrameDescriptor.HEADER_LENGTH, shard.maxPayloadBytes(),
                "a larger size raises the largest batch only after a restart");
            appendUpTo(shard, completionId, 300);
            assertEquals(BIG * 2, segmentSizes(shardDir).get(segmentSizes(shardDir).size() - 1));
            assertEquals(0, failed.get());
            assertThrows(IllegalArgumentException.class, () -> journal.segmentBytes(shard, 1000));
        }
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final JournalShard shard = journal.shard("resized");
            assertEquals(BIG * 2, shard.config().segmentBytes(), "the new size is kept with the shard");
            assertEquals(300, shard.nextOffset());
            assertReadsBack(shard, 300);
            final int completionId = journal.registerCompletion(completion);
            appendUpTo(shard, completionId, 400);
            assertReadsBack(shard, 400);
            assertEquals(0, failed.get());
        }
    }

    /**
     * The writer applies a new size between two duty cycles, soon after it is asked.
     */
    private static void awaitSegmentBytes(final JournalShard shard, final int bytes)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (shard.config().segmentBytes() != bytes && System.nanoTime() < deadline)
        {
            Thread.onSpinWait();
        }
        assertEquals(bytes, shard.config().segmentBytes(), "the writer took the new size");
    }

    private void appendUpTo(final JournalShard shard, final int completionId, final long end)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[PAYLOAD]);
        for (long i = shard.nextOffset(); i < end; i++)
        {
            payload.putLong(0, i);
            assertEquals(JournalShard.SUBMITTED, shard.append(payload, 0, PAYLOAD, 1, i, 7, completionId, i));
            final long offset = i;
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (appended.get() != offset && failed.get() == 0 && System.nanoTime() < deadline)
            {
                Thread.onSpinWait();
            }
            assertEquals(offset, appended.get(), "appended at its offset");
        }
    }

    private static void assertReadsBack(final JournalShard shard, final long count)
    {
        final JournalView view = new JournalView();
        long next = 0;
        while (next < count)
        {
            assertTrue(shard.read(next, 64 * 1024, Integer.MAX_VALUE, view) > 0, "reads from " + next);
            int position = view.offset();
            while (position < view.offset() + view.length())
            {
                assertEquals(next, BatchFrames.baseOffset(view.buffer(), position));
                assertEquals(next, view.buffer().getLong(BatchFrames.payloadOffset(position)), "its payload");
                next++;
                position += io.robustmq.journal.FrameDescriptor.alignedLength(BatchFrames.frameLength(view.buffer(), position));
            }
            view.release();
        }
        assertEquals(count, next);
    }

    private static List<Integer> segmentSizes(final Path shardDir) throws IOException
    {
        try (Stream<Path> files = Files.list(shardDir))
        {
            return files.filter(file -> file.getFileName().toString().endsWith(".log")).sorted()
                .map(file -> (int)file.toFile().length()).toList();
        }
    }
}
