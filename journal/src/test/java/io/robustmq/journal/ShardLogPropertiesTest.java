package io.robustmq.journal;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Randomised properties of one shard's log, over random segment sizes, index intervals, batch
 * sizes, record counts and timestamps: whatever is appended reads back the same, from any offset,
 * after rolls and after reopening; offset and time look-ups agree with a scan of what was written;
 * retention deletes only whole old segments and keeps everything after them.
 */
class ShardLogPropertiesTest
{
    static LongStream seeds()
    {
        return Seeds.stream(30);
    }

    private record Shape(ShardConfig config, int batches, int maxPayload, int maxRecords)
    {
        static Shape random(final Random random)
        {
            final int segmentBytes = 8 * (512 + random.nextInt(8 * 1024));
            final Durability durability = Durability.values()[random.nextInt(Durability.values().length)];
            return new Shape(
                new ShardConfig(segmentBytes, 64 + random.nextInt(4096), durability, 1, 0, 0),
                1 + random.nextInt(400),
                1 + random.nextInt(Math.min(2000, segmentBytes - FrameDescriptor.HEADER_LENGTH)),
                1 + random.nextInt(10));
        }
    }

    private static List<Batches.Batch> fill(final ShardLog log, final Shape shape, final Random random)
    {
        final List<Batches.Batch> written = new ArrayList<>();
        long timestamp = random.nextInt(1000);
        for (int i = 0; i < shape.batches(); i++)
        {
            timestamp += random.nextInt(3) - 1;
            written.add(Batches.append(log, i, random.nextInt(shape.maxPayload() + 1), 1 + random.nextInt(shape.maxRecords()),
                timestamp));
            if (random.nextInt(20) == 0)
            {
                log.force();
            }
        }
        return written;
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void whatIsAppendedReadsBackFromAnyOffsetBeforeAndAfterReopening(final long seed) throws IOException
    {
        final Random random = new Random(seed);
        final Shape shape = Shape.random(random);
        final Path dir = Files.createTempDirectory("properties");
        try
        {
            final List<Batches.Batch> written;
            try (ShardLog log = ShardLog.open(dir, shape.config()))
            {
                written = fill(log, shape, random);
                checkReads(log, written, random);
                checkTimeLookups(log, written, random);
            }
            try (ShardLog log = ShardLog.open(dir, shape.config()))
            {
                assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
                checkReads(log, written, random);
                checkTimeLookups(log, written, random);
            }
        }
        finally
        {
            RecoveryTest.deleteTree(dir);
        }
    }

    private static void checkReads(final ShardLog log, final List<Batches.Batch> written, final Random random)
    {
        final long end = written.get(written.size() - 1).nextOffset();
        assertEquals(end, log.nextOffset());
        Batches.assertSame(written, Batches.readAll(log, 0, 1 + random.nextInt(20_000)));
        final JournalView view = new JournalView();
        for (int probe = 0; probe < 50; probe++)
        {
            final long offset = (long)(random.nextDouble() * end);
            final int maxRecords = 1 + random.nextInt(20);
            assertTrue(log.read(offset, 1 + random.nextInt(20_000), maxRecords, view) > 0);
            final Batches.Batch holding = written.stream()
                .filter(b -> b.baseOffset() <= offset && offset < b.nextOffset()).findFirst().orElseThrow();
            assertEquals(holding.baseOffset(), view.firstOffset(), "the read starts at the batch holding " + offset);
            assertTrue(view.nextOffset() > offset);
            assertTrue(view.nextOffset() == holding.nextOffset() || view.nextOffset() - offset <= maxRecords + 9,
                "the record limit stops the read once reached");
            view.release();
        }
        assertEquals(0, log.read(end, 100, view));
        assertEquals(ShardLog.OUT_OF_RANGE, log.read(end + 1, 100, view));
    }

    private static void checkTimeLookups(final ShardLog log, final List<Batches.Batch> written, final Random random)
    {
        for (int probe = 0; probe < 30; probe++)
        {
            final long timestamp = written.get(random.nextInt(written.size())).maxTimestamp() + random.nextInt(3) - 1;
            final long expected = written.stream().filter(b -> b.maxTimestamp() >= timestamp)
                .mapToLong(Batches.Batch::baseOffset).findFirst().orElse(-1);
            assertEquals(expected, log.offsetForTimestamp(timestamp), "first batch at or after " + timestamp);
        }
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void retentionDeletesOnlyWholeOldSegments(final long seed) throws IOException
    {
        final Random random = new Random(seed);
        final Shape base = Shape.random(random);
        final long retentionBytes = base.config().segmentBytes() * (1L + random.nextInt(4));
        final ShardConfig config = new ShardConfig(base.config().segmentBytes(), base.config().indexIntervalBytes(),
            base.config().durability(), 1, retentionBytes, 0);
        final Path dir = Files.createTempDirectory("retention");
        try (ShardLog log = ShardLog.open(dir, config))
        {
            final List<Batches.Batch> written = fill(log, new Shape(config, base.batches() * 3, base.maxPayload(),
                base.maxRecords()), random);
            log.enforceRetention(System.currentTimeMillis());
            assertTrue(log.sizeBytes() <= retentionBytes || log.segmentCount() == 1,
                "within " + retentionBytes + " bytes, or down to the active segment: " + log.sizeBytes());
            final long earliest = log.earliestOffset();
            final List<Batches.Batch> kept = written.stream().filter(b -> b.baseOffset() >= earliest).toList();
            assertTrue(written.stream().anyMatch(b -> b.baseOffset() == earliest), "a segment starts on a batch");
            Batches.assertSame(kept, Batches.readAll(log, earliest, 10_000));
            if (earliest > 0)
            {
                assertEquals(ShardLog.OUT_OF_RANGE, log.read(earliest - 1, 100, new JournalView()));
            }
        }
        finally
        {
            RecoveryTest.deleteTree(dir);
        }
    }
}
