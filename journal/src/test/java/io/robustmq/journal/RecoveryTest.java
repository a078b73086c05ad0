package io.robustmq.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A log whose files were cut short or damaged opens with every batch before the damage intact and
 * nothing after it served; a damaged sealed segment in the middle is set aside and reported.
 */
class RecoveryTest
{
    private static final ShardConfig SMALL = new ShardConfig(16384, 512, Durability.NONE, 1000, 0, 0);

    static LongStream seeds()
    {
        return Seeds.stream(40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aTornOrDamagedTailLosesOnlyWhatFollowsTheDamage(final long seed) throws IOException
    {
        final Path dir = Files.createTempDirectory("recovery");
        try
        {
            final Random random = new Random(seed);
            final int batches = 1 + random.nextInt(120);
            final boolean truncate = random.nextBoolean();
            final List<Batches.Batch> written = new ArrayList<>();
            final List<Integer> ends = new ArrayList<>();
            Path activeFile;
            try (ShardLog log = ShardLog.open(dir, SMALL))
            {
                for (int i = 0; i < batches; i++)
                {
                    written.add(Batches.append(log, i, random.nextInt(600), 1 + random.nextInt(3), i));
                }
                activeFile = lastSegment(dir);
                final long activeBase = Segment.parseBaseOffset(activeFile);
                int position = 0;
                for (final Batches.Batch batch : written)
                {
                    if (batch.baseOffset() >= activeBase)
                    {
                        position += FrameDescriptor.alignedLength(FrameDescriptor.frameLength(batch.payload().length));
                        ends.add(position);
                    }
                }
            }
            Files.delete(dir.resolve(Checkpoint.FILE_NAME));

            final int dataEnd = ends.isEmpty() ? 0 : ends.get(ends.size() - 1);
            final int damageAt = random.nextInt(dataEnd + 64);
            if (truncate)
            {
                try (RandomAccessFile raf = new RandomAccessFile(activeFile.toFile(), "rw"))
                {
                    raf.setLength(damageAt);
                }
            }
            else
            {
                try (RandomAccessFile raf = new RandomAccessFile(activeFile.toFile(), "rw"))
                {
                    raf.seek(damageAt);
                    final int old = raf.read();
                    raf.seek(damageAt);
                    raf.write(old ^ (1 + random.nextInt(255)));
                }
            }

            final long activeBase = Segment.parseBaseOffset(activeFile);
            int intactInActive = 0;
            while (intactInActive < ends.size() && ends.get(intactInActive) <= damageAt)
            {
                intactInActive++;
            }
            final int sealedBatches = (int)written.stream().filter(b -> b.baseOffset() < activeBase).count();
            final int mustSurvive = sealedBatches + intactInActive;

            try (ShardLog log = ShardLog.open(dir, SMALL))
            {
                final List<Batches.Batch> read = Batches.readAll(log, 0, 4096);
                assertTrue(read.size() >= mustSurvive, "kept " + read.size() + " of the " + mustSurvive + " before the damage");
                assertTrue(read.size() <= written.size());
                Batches.assertSame(written.subList(0, read.size()), read);
                assertEquals(read.isEmpty() ? 0 : read.get(read.size() - 1).nextOffset(), log.nextOffset());
                if (read.size() < written.size())
                {
                    assertTrue(log.recoveryReport().truncatedAt() >= 0 || truncate,
                        "a lost batch is reported: " + log.recoveryReport());
                }
                final Batches.Batch after = Batches.append(log, 777, 100, 1, 5);
                assertEquals(log.nextOffset() - 1, after.baseOffset());
            }
            try (ShardLog log = ShardLog.open(dir, SMALL))
            {
                assertTrue(log.recoveryReport().isClean(), "the repaired log opens clean: " + log.recoveryReport());
            }
        }
        finally
        {
            deleteTree(dir);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aCrashedWriterRecoversEverythingItAppended(final long seed) throws IOException
    {
        final int batches = 50 + new Random(seed).nextInt(350);
        final Path dir = Files.createTempDirectory("crash");
        final Path copy = Files.createTempDirectory("crash-copy");
        try
        {
            final List<Batches.Batch> written = new ArrayList<>();
            try (ShardLog log = ShardLog.open(dir, SMALL))
            {
                for (int i = 0; i < batches; i++)
                {
                    written.add(Batches.append(log, i, 10 + i % 200, 1, i));
                    if (i == batches / 2)
                    {
                        log.force();
                    }
                }
                copyTree(dir, copy);
            }
            try (ShardLog log = ShardLog.open(copy, SMALL))
            {
                Batches.assertSame(written, Batches.readAll(log, 0, 100_000));
                assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            }
        }
        finally
        {
            deleteTree(dir);
            deleteTree(copy);
        }
    }

    @Test
    void aDamagedSealedSegmentIsQuarantinedAndAMissingIndexRebuilt(@TempDir final Path dir) throws IOException
    {
        final List<Batches.Batch> written = new ArrayList<>();
        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            for (int i = 0; i < 300; i++)
            {
                written.add(Batches.append(log, i, 300, 2, i));
            }
            assertTrue(log.segmentCount() >= 4);
        }
        final List<Path> segments = segments(dir);
        final Path damaged = segments.get(1);
        final Path rebuilt = segments.get(2);
        Files.delete(Segment.indexFileOf(damaged));
        Files.delete(Segment.indexFileOf(rebuilt));
        try (RandomAccessFile raf = new RandomAccessFile(damaged.toFile(), "rw"))
        {
            raf.seek(2000);
            final int old = raf.read();
            raf.seek(2000);
            raf.write(old ^ 0x40);
        }

        try (ShardLog log = ShardLog.open(dir, SMALL))
        {
            final RecoveryReport report = log.recoveryReport();
            assertEquals(1, report.indexesRebuilt(), report.toString());
            assertEquals(1, report.quarantined().size(), report.toString());
            assertTrue(report.quarantined().get(0).startsWith(damaged.getFileName() + ".corrupt: CRC mismatch"),
                report.quarantined().toString());
            final long from = Segment.parseBaseOffset(damaged);
            final long to = Segment.parseBaseOffset(rebuilt);
            assertEquals(List.of(new CorruptRange(from, to, report.corruptRanges().get(0).reason())), report.corruptRanges());
            assertTrue(Files.exists(damaged.resolveSibling(damaged.getFileName() + ".corrupt")));
            assertTrue(Files.exists(Segment.indexFileOf(rebuilt)));

            assertEquals(ShardLog.CORRUPT, log.read(from, 1000, new JournalView()));
            assertEquals(ShardLog.CORRUPT, log.read(to - 1, 1000, new JournalView()));
            final List<Batches.Batch> before = Batches.readRange(log, 0, from, 1);
            Batches.assertSame(written.stream().filter(b -> b.baseOffset() < from).toList(), before);
            final List<Batches.Batch> after = Batches.readAll(log, to, 1000);
            Batches.assertSame(written.stream().filter(b -> b.baseOffset() >= to).toList(), after);
            final JournalView first = new JournalView();
            assertTrue(log.read(0, 100_000, first) > 0);
            assertTrue(first.nextOffset() <= from);
            first.release();
            assertFalse(report.isClean());
        }
    }

    private static List<Path> segments(final Path dir) throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*.log"))
        {
            logs.forEach(files::add);
        }
        files.sort(null);
        return files;
    }

    private static Path lastSegment(final Path dir) throws IOException
    {
        final List<Path> files = segments(dir);
        return files.get(files.size() - 1);
    }

    private static void copyTree(final Path from, final Path to) throws IOException
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from))
        {
            for (final Path file : files)
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    static void deleteTree(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (var walk = Files.walk(dir))
        {
            for (final Path path : walk.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}
