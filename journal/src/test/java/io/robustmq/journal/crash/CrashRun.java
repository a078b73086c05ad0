package io.robustmq.journal.crash;

import io.robustmq.journal.RecoveryReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A crash test's run: its seed, its iterations (each starts a child, kills it and checks what it
 * left), and what they covered, for the summary line: how the kills came, the state each left the
 * shard in (as journal-tool tells it), and what recovery did about it.
 */
final class CrashRun
{
    /**
     * One iteration of a run.
     */
    @FunctionalInterface
    interface Iteration
    {
        void run(int iteration) throws Exception;
    }

    /**
     * The checks of a shard after a kill.
     */
    @FunctionalInterface
    interface AfterKill
    {
        /**
         * @param verify what journal-tool said about the shard as the kill left it, or null if the
         *               kill left no segment to look at.
         */
        void check(KilledShard.Verify verify) throws Exception;
    }

    private final long seed;
    private final Map<String, Integer> kills = new TreeMap<>();
    private final Map<String, Integer> statesLeft = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    private int truncations;
    private long zeroedBytes;

    /**
     * A run whose seed is {@code -Dtest.seed}, else the time.
     */
    CrashRun()
    {
        final String fixed = System.getProperty("test.seed");
        seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
    }

    /**
     * @return the run's seed: every random choice of the run follows from it.
     */
    long seed()
    {
        return seed;
    }

    /**
     * Run the iterations in order, from 0.
     *
     * @param iterations how many.
     * @param iteration  one of them.
     * @return how long they took, in ms.
     */
    long iterate(final int iterations, final Iteration iteration) throws Exception
    {
        final long started = System.nanoTime();
        for (int i = 0; i < iterations; i++)
        {
            iteration.run(i);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /**
     * @param how how a kill came ({@link WriterProcess#killAtRandomMoment}).
     */
    void killed(final String how)
    {
        kills.merge(how, 1, Integer::sum);
    }

    /**
     * After a kill: copy the shard as the kill left it, let journal-tool look at it, and run the
     * checks (which recover it); if any fails, keep the copy under {@link KilledShard#EVIDENCE}.
     *
     * @param shard     the shard's directory, which the kill may have left missing.
     * @param scratch   where to copy it.
     * @param iteration the iteration, to name the evidence.
     * @param prefix    to name the evidence apart from other tests'.
     * @param check     the checks.
     */
    void afterKill(final Path shard, final Path scratch, final int iteration, final String prefix, final AfterKill check)
        throws Exception
    {
        final Path killed = Files.isDirectory(shard) ? KilledShard.copy(shard, scratch) : null;
        KilledShard.keepingEvidence(killed, prefix + "seed-" + seed + "-iteration-" + iteration, () ->
        {
            final KilledShard.Verify verify = KilledShard.holdsLog(shard) ? KilledShard.verify(shard) : null;
            if (verify != null)
            {
                statesLeft.merge(verify.stateLeft(), 1, Integer::sum);
            }
            check.check(verify);
        });
    }

    /**
     * Check what recovery did after a kill: it may cut a torn tail and zero what follows, but a
     * kill is no reason to set anything aside, so it must quarantine nothing and leave no corrupt
     * range.
     *
     * @param report what opening the shard found.
     * @param where  names the run and iteration.
     */
    void recovered(final RecoveryReport report, final String where)
    {
        assertEquals(List.of(), report.quarantined(), where + ": nothing quarantined: " + report);
        assertEquals(List.of(), report.corruptRanges(), where + ": no corrupt range: " + report);
        if (report.truncatedAt() >= 0)
        {
            truncations++;
            notes.add(where + ": recovery cut the tail at " + report.truncatedAt() + " (" + report.truncationReason() + ")");
        }
        zeroedBytes += report.zeroedBytes();
    }

    /**
     * @return the kills, by how they came.
     */
    String kills()
    {
        return kills.toString();
    }

    @Override
    public String toString()
    {
        return "recovery cut " + truncations + " tails, zeroed " + zeroedBytes + " bytes; states the kills left " +
            statesLeft + (notes.isEmpty() ? "" : "; " + String.join("; ", notes));
    }
}
