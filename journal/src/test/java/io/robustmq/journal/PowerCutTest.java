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

    /**
     * What the shard must hold: the batches appended and not truncated away, how many of them (from
     * the first) were forced, and the log start offset.
     */
    private record Model(List<Batches.Batch> batches, int forced, long logStart)
    {
        Model appended(final Batches.Batch batch)
        {
            final List<Batches.Batch> grown = new ArrayList<>(batches);
            grown.add(batch);
            return new Model(grown, forced, logStart);
        }

        Model allForced()
        {
            return new Model(batches, batches.size(), logStart);
        }

        Model truncatedTo(final long offset)
        {
            int kept = 0;
            while (kept < batches.size() && batches.get(kept).nextOffset() <= offset)
            {
                kept++;
            }
            return new Model(new ArrayList<>(batches.subList(0, kept)), kept, logStart);
        }

        Model deletedBefore(final long offset)
        {
            return new Model(batches, forced, Math.max(logStart, offset));
        }

        long next()
        {
            return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).nextOffset();
        }

        long forcedNext()
        {
            return forced == 0 ? 0 : batches.get(forced - 1).nextOffset();
        }

        /**
         * @return why the recovered shard does not match, or null if it does.
         */
        String mismatch(final ShardLog recovered)
        {
            if (recovered.earliestOffset() != logStart)
            {
                return "earliest offset " + recovered.earliestOffset() + ", expected " + logStart;
            }
            final List<Batches.Batch> read = Batches.readAll(recovered, logStart, 64 * 1024);
            int first = 0;
            while (first < batches.size() && batches.get(first).nextOffset() <= logStart)
            {
                first++;
            }
            if (read.size() < forced - first)
            {
                return "recovered " + read.size() + " batches from " + logStart + ", " + (forced - first) +
                    " were forced; " + recovered.recoveryReport();
            }
            if (read.size() > batches.size() - first)
            {
                return "recovered " + read.size() + " batches, only " + (batches.size() - first) + " were appended";
            }
            try
            {
                Batches.assertSame(batches.subList(first, first + read.size()), read);
            }
            catch (final AssertionError ex)
            {
                return ex.getMessage();
            }
            final long end = read.isEmpty() ? Math.max(logStart, first == 0 ? 0 : batches.get(first - 1).nextOffset()) :
                read.get(read.size() - 1).nextOffset();
            if (recovered.nextOffset() != end && !(read.isEmpty() && recovered.nextOffset() >= logStart &&
                recovered.nextOffset() <= next()))
            {
                return "next offset " + recovered.nextOffset() + ", expected " + end;
            }
            return null;
        }
    }

    private static void runRound(final long seed)
    {
        final Random random = new Random(seed);
        final SimulatedDisk disk = new SimulatedDisk(new Random(random.nextLong()), 1 + random.nextInt(400));
        Model model = new Model(List.of(), 0, 0);
        Model alternative = null;
        final List<Throwable> errors = new ArrayList<>();
        SegmentPreparer preparer = SegmentPreparer.manual(errors::add);
        try
        {
            ShardLog log = ShardLog.open(DIR, CONFIG, preparer, disk);
            for (int step = 0; step < 200; step++)
            {
                final int action = random.nextInt(100);
                assertEquals(model.next(), log.nextOffset(), "the model follows the log");
                if (action < 58)
                {
                    model = model.appended(Batches.append(log, step, random.nextInt(3000), 1 + random.nextInt(3), step));
                }
                else if (action < 80)
                {
                    log.force();
                    model = model.allForced();
                }
                else if (action < 90)
                {
                    preparer.runTasks(1 + random.nextInt(2));
                }
                else if (action < 94)
                {
                    final long offset = log.earliestOffset() + (long)(random.nextDouble() *
                        (log.nextOffset() - log.earliestOffset() + 1));
                    final Model truncated = model.truncatedTo(offset);
                    if (truncated.next() < model.logStart())
                    {
                        try
                        {
                            log.truncateTo(offset);
                            fail("a truncation into a batch below the log start offset is refused");
                        }
                        catch (final IllegalArgumentException expected)
                        {
                            model = model.allForced();
                        }
                        continue;
                    }
                    alternative = model;
                    model = truncated;
                    assertEquals(model.next(), log.truncateTo(offset));
                    alternative = null;
                }
                else if (action < 97)
                {
                    assertTrue(model.forcedNext() <= log.durableOffset(), "forced to " + model.forcedNext() +
                        ", durable offset " + log.durableOffset() + " at step " + step);
                    final long offset = model.logStart() + (long)(random.nextDouble() *
                        (model.forcedNext() - model.logStart() + 1));
                    alternative = model;
                    model = model.deletedBefore(offset);
                    log.deleteBefore(offset);
                    alternative = null;
                }
                else
                {
                    log.close();
                    model = model.allForced();
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
            final String mismatch = model.mismatch(recovered);
            if (mismatch != null)
            {
                final String otherMismatch = alternative == null ? mismatch : alternative.mismatch(recovered);
                if (otherMismatch != null)
                {
                    fail(alternative == null ? mismatch : "as after the operation the cut interrupted: " + mismatch +
                        "; as before it: " + otherMismatch);
                }
            }
            assertTrue(recovered.recoveryReport().corruptRanges().isEmpty(),
                "a power cut is not damage: " + recovered.recoveryReport());
            Batches.append(recovered, 9999, 100, 1, 0);
            recovered.force();
        }
        try (ShardLog reopened = ShardLog.open(DIR, CONFIG, null, restarted))
        {
            assertTrue(reopened.recoveryReport().isClean(), "a clean close reopens clean: " + reopened.recoveryReport());
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
