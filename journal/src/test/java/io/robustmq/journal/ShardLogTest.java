package io.robustmq.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardLogTest
{
    private static final ShardConfig SMALL = new ShardConfig(8192, 256, Durability.NONE, 1000, 0, 0);

    @TempDir
    Path dir;

    @Test
    void appendsReadBackAcrossSegmentsAndAfterReopening()
    {
        final List<Batches.Batch> written = new ArrayList<>();
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            assertTrue(log.recoveryReport().isClean());
            assertEquals(0, log.nextOffset());
            for (int i = 0; i < 200; i++)
            {
                written.add(Batches.append(log, i, 10 + i * 7 % 300, 1 + i % 5, 1000 + i));
            }
            assertTrue(log.segmentCount() > 5, "rolled: " + log.segmentCount());
            Batches.assertSame(written, Batches.readAll(log, 0, 1000));
            assertEquals(written.get(written.size() - 1).nextOffset(), log.nextOffset());
        }
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            Batches.assertSame(written, Batches.readAll(log, 0, 1));
            final Batches.Batch more = Batches.append(log, 999, 50, 3, 5000);
            assertEquals(written.get(written.size() - 1).nextOffset(), more.baseOffset());
        }
    }

    @Test
    void theNextSegmentIsPreparedOffThePathAndRenamedAtTheRoll() throws Exception
    {
        final List<Batches.Batch> written = new ArrayList<>();
        try (SegmentPreparer preparer = new SegmentPreparer(Throwable::printStackTrace);
            ShardLog log = ShardLog.open(dir, SMALL, preparer))
        {
            int i = 0;
            while (log.sizeBytes() <= SMALL.segmentBytes() / 2)
            {
                written.add(Batches.append(log, i++, 100, 1, i));
            }
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (!log.isNextSegmentReady())
            {
                assertTrue(System.nanoTime() < deadline, "the preparer made the next segment");
                Thread.sleep(1);
            }
            final Path preparedFile;
            try (var files = Files.list(dir))
            {
                preparedFile = files.filter(f -> f.getFileName().toString().startsWith(SegmentPreparer.PREPARED_PREFIX))
                    .findFirst().orElseThrow();
            }
            final Object preparedInode = Files.getAttribute(preparedFile, "unix:ino");
            while (log.segmentCount() == 1)
            {
                written.add(Batches.append(log, i++, 100, 1, i));
            }
            final Path second = dir.resolve(Segment.fileName(log.nextOffset() - 1, Segment.LOG_SUFFIX));
            assertEquals(preparedInode, Files.getAttribute(second, "unix:ino"), "the roll renamed the prepared file");
            for (int n = 0; n < 500; n++)
            {
                written.add(Batches.append(log, i++, 100, 1, i));
            }
            Batches.assertSame(written, Batches.readAll(log, 0, 5000));
        }
        try (var files = Files.list(dir))
        {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(SegmentPreparer.PREPARED_PREFIX)),
                "a prepared file is discarded at close");
        }
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            Batches.assertSame(written, Batches.readAll(log, 0, 5000));
        }
    }

    @Test
    void readsStartAtTheBatchHoldingTheOffset()
    {
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            Batches.append(log, 0, 10, 5, 1);
            Batches.append(log, 1, 10, 5, 2);
            final JournalView view = new JournalView();
            assertTrue(log.read(7, 1, view) > 0);
            assertEquals(5, view.firstOffset());
            assertEquals(10, view.nextOffset());
            view.release();
            assertTrue(log.read(0, 1 << 20, 5, view) > 0);
            assertEquals(5, view.nextOffset(), "the record limit stops after the first batch of 5");
            view.release();
            assertTrue(log.read(0, 1 << 20, 6, view) > 0);
            assertEquals(10, view.nextOffset());
            view.release();
            assertEquals(0, log.read(10, 100, view), "nothing there yet");
            assertEquals(ShardLog.OUT_OF_RANGE, log.read(11, 100, view));
            assertFalse(view.isHeld());
        }
    }

    @Test
    void findsOffsetsByTimestamp()
    {
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            final List<Batches.Batch> written = new ArrayList<>();
            for (int i = 0; i < 300; i++)
            {
                written.add(Batches.append(log, i, 40, 2, 10_000 + i * 10L));
            }
            assertEquals(0, log.offsetForTimestamp(0));
            assertEquals(written.get(0).baseOffset(), log.offsetForTimestamp(10_000));
            assertEquals(written.get(101).baseOffset(), log.offsetForTimestamp(10_000 + 1005));
            assertEquals(written.get(299).baseOffset(), log.offsetForTimestamp(10_000 + 2990));
            assertEquals(-1, log.offsetForTimestamp(10_000 + 2991));
        }
    }

    @Test
    void retentionDeletesWholeOldSegmentsButNotWhatAReaderHolds() throws Exception
    {
        final ShardConfig config = new ShardConfig(8192, 256, Durability.NONE, 1000, 20_000, 60_000);
        try (ShardLog log = ShardLog.open(dir, config))
        {
            for (int i = 0; i < 400; i++)
            {
                Batches.append(log, i, 100, 1, 1_000_000 + i);
            }
            final JournalView held = new JournalView();
            assertTrue(log.read(0, 100, held) > 0);
            final long before = log.segmentCount();
            assertTrue(log.enforceRetention(1_000_000 + 400) > 0);
            assertTrue(log.sizeBytes() <= 20_000, "size " + log.sizeBytes());
            assertTrue(log.segmentCount() < before);
            assertTrue(log.earliestOffset() > 0);
            assertEquals(ShardLog.OUT_OF_RANGE, log.read(0, 100, new JournalView()));
            assertEquals(0, BatchFrames.baseOffset(held.buffer(), held.offset()), "a held view stays readable");
            final long logFiles;
            try (var files = Files.list(dir))
            {
                logFiles = files.filter(f -> f.toString().endsWith(".log")).count();
            }
            assertEquals(log.segmentCount() + 1, logFiles, "the held segment's file is kept until released");
            held.release();
            try (var files = Files.list(dir))
            {
                assertEquals(log.segmentCount(), files.filter(f -> f.toString().endsWith(".log")).count());
            }

            assertTrue(log.enforceRetention(1_000_000 + 400 + 61_000) > 0, "by age");
            assertEquals(1, log.segmentCount(), "the active segment is always kept");
        }
    }

    @Test
    void retentionLimitsReplacedAtRunTimeApplyAtTheNextPass() throws Exception
    {
        final ShardConfig config = new ShardConfig(8192, 256, Durability.NONE, 1000, 0, 0);
        try (ShardLog log = ShardLog.open(dir, config))
        {
            for (int i = 0; i < 400; i++)
            {
                Batches.append(log, i, 100, 1, 1_000_000 + i);
            }
            assertEquals(0, log.enforceRetention(1_000_000 + 400), "no limits: nothing deleted");
            log.retention(20_000, 0);
            assertTrue(log.enforceRetention(1_000_000 + 400) > 0);
            assertTrue(log.sizeBytes() <= 20_000, "size " + log.sizeBytes());
            assertEquals(0, config.retentionBytes(), "the config as created is not changed");
            log.retention(0, 60_000);
            assertTrue(log.enforceRetention(1_000_000 + 400 + 61_000) > 0, "by age");
            assertEquals(1, log.segmentCount());
            assertThrows(IllegalArgumentException.class, () -> log.retention(-1, 0));
        }
    }

    @Test
    void refusesWhatDoesNotFitAndCheckedThreadConfinement() throws Exception
    {
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            final byte[] big = new byte[SMALL.maxPayloadBytes() + 1];
            assertEquals(ShardLog.TOO_LARGE, log.append(new UnsafeBuffer(big), 0, big.length, 1, 0, 0));
            final byte[] exact = new byte[SMALL.maxPayloadBytes()];
            assertEquals(0, log.append(new UnsafeBuffer(exact), 0, exact.length, 1, 0, 0));
            assertEquals(1, log.append(new UnsafeBuffer(exact), 0, 1, 1, 0, 0));
            final Throwable other = CompletableFuture.runAsync(() ->
                log.append(new UnsafeBuffer(exact), 0, 1, 1, 0, 0)).handle((ok, ex) -> ex).get();
            assertTrue(other != null && other.getCause() instanceof IllegalStateException, String.valueOf(other));
            assertThrows(IllegalArgumentException.class, () -> log.append(new UnsafeBuffer(exact), 0, 1, 0, 0, 0));
        }
    }

    @Test
    void everyDurabilityModeForcesAndKeepsTheRecoveryPoint()
    {
        for (final Durability durability : Durability.values())
        {
            final Path shard = dir.resolve(durability.label());
            final ShardConfig config = new ShardConfig(8192, 256, durability, 1, 0, 0);
            try (ShardLog log = ShardLog.open(shard, config))
            {
                Batches.append(log, 1, 100, 1, 1);
                assertTrue(log.force());
                assertFalse(log.force(), "nothing new to force");
                Batches.append(log, 2, 100, 1, 1);
                assertEquals(durability == Durability.INTERVAL, log.forceIfDue(System.currentTimeMillis()));
            }
            try (ShardLog log = ShardLog.open(shard, config))
            {
                assertEquals(FrameDescriptor.alignedLength(FrameDescriptor.frameLength(100)) * 2,
                    log.recoveryReport().checkedFrom(), "the clean close recorded the recovery point");
                assertEquals(0, log.recoveryReport().checkedBytes());
                assertEquals(2, log.nextOffset());
            }
        }
    }
}
