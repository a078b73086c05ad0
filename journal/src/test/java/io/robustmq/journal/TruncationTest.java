package io.robustmq.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ShardLog#truncateTo} and {@link ShardLog#deleteBefore} on a real directory: what is kept,
 * what readers see, what a reopen finds. Crash and power-cut safety is {@link PowerCutTest}'s.
 */
class TruncationTest
{
    private static final ShardConfig SMALL = new ShardConfig(8192, 256, Durability.ALWAYS, 1000, 0, 0);

    @TempDir
    Path dir;

    private static List<Batches.Batch> fill(final ShardLog log, final int count)
    {
        final List<Batches.Batch> written = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            written.add(Batches.append(log, i, 100 + i * 37 % 400, 1 + i % 3, i));
        }
        log.force();
        return written;
    }

    @Test
    void truncationRemovesTheBatchHoldingTheOffsetAndEverythingAfter()
    {
        final List<Batches.Batch> written;
        final Batches.Batch cut;
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            written = fill(log, 120);
            assertTrue(log.segmentCount() > 3);
            cut = written.get(70);
            final long offset = cut.baseOffset() + cut.recordCount() - 1;

            final JournalView held = new JournalView();
            assertTrue(log.read(cut.baseOffset(), 1 << 20, held) > 0);

            assertEquals(cut.baseOffset(), log.truncateTo(offset), "the log ends where the batch holding the offset began");
            assertEquals(cut.baseOffset(), log.nextOffset());
            assertEquals(cut.baseOffset(), log.durableOffset());
            Batches.assertSame(written.subList(0, 70), Batches.readAll(log, 0, 4096));
            assertEquals(0, log.read(cut.baseOffset(), 4096, new JournalView()), "nothing past the end");

            assertEquals(cut.baseOffset(), BatchFrames.baseOffset(held.buffer(), held.offset()),
                "a view taken before still reads what it held");
            held.release();

            final Batches.Batch after = Batches.append(log, 999, 300, 2, 0);
            assertEquals(cut.baseOffset(), after.baseOffset(), "appends go on from the cut");
            log.force();
        }
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertEquals(cut.baseOffset() + 2, log.nextOffset());
            Batches.assertSame(written.subList(0, 70), Batches.readAll(log, 0, 4096).subList(0, 70));
            assertFalse(Files.exists(dir.resolve(ShardTruncation.INTENT_FILE)));
        }
    }

    @Test
    void truncationToTheStartEmptiesTheLogAndOutOfRangeIsRefused()
    {
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            fill(log, 50);
            assertThrows(IllegalArgumentException.class, () -> log.truncateTo(log.nextOffset() + 1));
            assertEquals(0, log.truncateTo(0));
            assertEquals(0, log.nextOffset());
            assertEquals(1, log.segmentCount());
            assertEquals(0, Batches.append(log, 1, 10, 1, 0).baseOffset());
        }
    }

    @Test
    void deleteBeforeHidesTheHeadDurablyAndFreesItsSegments()
    {
        final List<Batches.Batch> written;
        final long start;
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            written = fill(log, 120);
            final int segments = log.segmentCount();
            start = written.get(61).baseOffset() + 1;
            assertThrows(IllegalArgumentException.class, () -> log.deleteBefore(log.durableOffset() + 1),
                "nothing past the durable offset");
            assertEquals(start, log.deleteBefore(start));
            assertEquals(start, log.earliestOffset());
            assertTrue(log.segmentCount() < segments, "segments below the start are deleted");
            assertEquals(ShardLog.OUT_OF_RANGE, log.read(start - 1, 4096, new JournalView()));
            final List<Batches.Batch> read = Batches.readAll(log, start, 4096);
            Batches.assertSame(written.subList(61, 120), read);
            assertEquals(start, log.deleteBefore(start - 5), "the start never moves back");
            assertThrows(IllegalArgumentException.class, () -> log.truncateTo(start),
                "the batch holding the start begins below it");
        }
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            assertEquals(start, log.earliestOffset(), "the start survives a reopen");
            assertEquals(ShardLog.OUT_OF_RANGE, log.read(start - 1, 4096, new JournalView()));
            assertEquals(start, log.offsetForTimestamp(0));
        }
    }
}
