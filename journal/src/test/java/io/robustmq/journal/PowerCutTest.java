package io.robustmq.journal;

import io.robustmq.journal.fs.SimulatedDisk;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a power cut does to a shard with durability {@code always}: every batch whose force returned
 * must be recovered, byte for byte, and nothing but a prefix of what was appended may be served.
 * <p>
 * Each round drives a shard on a {@link SimulatedDisk} (appends, forces, the preparer's tasks,
 * clean restarts, in a seeded random order, with small segments so that it rolls often) and cuts
 * the power at a random file operation: everything not forced is dropped, page by page at random,
 * and unsynced renames, creations and deletions with it. A quarter of the rounds cut the power
 * again while the restart recovers. Then the shard is opened on what the device kept and checked.
 * <p>
 * A failure names the round's seed; replay it alone with {@code -Dpowercut.seed=N}, or the whole run
 * with {@code -Dtest.seed=N}.
 */
final class PowerCutTest
{
    private static final int ROUNDS = 1_000;
    private static final Path DIR = Path.of("/journal/shard");
    private static final ShardConfig CONFIG = new ShardConfig(16 * 1024, 512, Durability.ALWAYS, 1000, 0, 0);

    @Test
    void everyForcedBatchSurvivesAPowerCut()
    {
        final String one = System.getProperty("powercut.seed");
        if (one != null)
        {
            round(Long.parseLong(one));
            return;
        }
        Seeds.stream(ROUNDS).forEach(PowerCutTest::round);
    }

    private static void round(final long seed)
    {
        try
        {
            runRound(seed);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            throw new AssertionError("power-cut round with seed " + seed + " (replay: -Dpowercut.seed=" + seed + "): " +
                ex.getMessage(), ex);
        }
    }

    private static void runRound(final long seed)
    {
        final Random random = new Random(seed);
        final SimulatedDisk disk = new SimulatedDisk(new Random(random.nextLong()), 1 + random.nextInt(400));
        final List<Batches.Batch> written = new ArrayList<>();
        int forced = 0;
        final List<Throwable> errors = new ArrayList<>();
        SegmentPreparer preparer = SegmentPreparer.manual(errors::add);
        ShardLog log = null;
        try
        {
            log = ShardLog.open(DIR, CONFIG, preparer, disk);
            for (int step = 0; step < 200; step++)
            {
                final int action = random.nextInt(100);
                if (action < 60)
                {
                    written.add(Batches.append(log, written.size(), random.nextInt(3000), 1 + random.nextInt(3), step));
                }
                else if (action < 85)
                {
                    log.force();
                    forced = written.size();
                }
                else if (action < 97)
                {
                    preparer.runTasks(1 + random.nextInt(2));
                }
                else
                {
                    log.close();
                    forced = written.size();
                    preparer.close();
                    preparer = SegmentPreparer.manual(errors::add);
                    log = ShardLog.open(DIR, CONFIG, preparer, disk);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            if (!disk.isCut())
            {
                throw ex;
            }
        }
        for (final Throwable error : errors)
        {
            if (!disk.isCut() || !isPowerCut(error))
            {
                throw new AssertionError("the preparer failed: " + error, error);
            }
        }

        SimulatedDisk restarted = disk.afterPowerCut(new Random(random.nextLong()),
            random.nextInt(4) == 0 ? 1 + random.nextInt(40) : Long.MAX_VALUE);
        try
        {
            ShardLog.open(DIR, CONFIG, null, restarted).close();
        }
        catch (final RuntimeException ex)
        {
            if (!restarted.isCut())
            {
                throw ex;
            }
            restarted = restarted.afterPowerCut(new Random(random.nextLong()), Long.MAX_VALUE);
        }
        restarted.disarm();

        try (ShardLog recovered = ShardLog.open(DIR, CONFIG, null, restarted))
        {
            final List<Batches.Batch> read = Batches.readAll(recovered, recovered.earliestOffset(), 64 * 1024);
            assertTrue(read.size() >= forced, "recovered " + read.size() + " batches, " + forced + " were forced; " +
                recovered.recoveryReport());
            assertTrue(read.size() <= written.size(), "recovered " + read.size() + " batches, only " +
                written.size() + " were appended");
            Batches.assertSame(written.subList(0, read.size()), read);
            assertEquals(read.isEmpty() ? 0 : read.get(read.size() - 1).nextOffset(), recovered.nextOffset());
            assertEquals(0, recovered.earliestOffset());
            assertTrue(recovered.recoveryReport().corruptRanges().isEmpty(),
                "a power cut is not damage: " + recovered.recoveryReport());
            Batches.append(recovered, 9999, 100, 1, 0);
            recovered.force();
        }
        try (ShardLog reopened = ShardLog.open(DIR, CONFIG, null, restarted))
        {
            assertTrue(reopened.recoveryReport().isClean(), "a clean close reopens clean: " + reopened.recoveryReport());
        }
        if (written.isEmpty() && forced > 0)
        {
            fail("unreachable");
        }
    }

    private static boolean isPowerCut(final Throwable error)
    {
        for (Throwable cause = error; cause != null; cause = cause.getCause())
        {
            if (cause instanceof SimulatedDisk.PowerCut)
            {
                return true;
            }
        }
        return false;
    }
}
