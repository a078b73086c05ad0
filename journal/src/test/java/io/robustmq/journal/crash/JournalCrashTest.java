package io.robustmq.journal.crash;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.JournalTool;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.ShardLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crash test: a child JVM ({@link CrashingWriter}) appends with durability {@code always} and
 * acknowledges each batch once it is forced; the test SIGKILLs it at a random moment, opens the
 * shard as a restarted node would, and checks that every acknowledged batch is there, byte for byte,
 * that offsets are dense, and that nothing past the last valid batch is served. Then the next child
 * carries on from where the recovered log ends, on the same directory, so each recovery runs on
 * top of the earlier ones.
 * <p>
 * The kill comes after a random number of acknowledgements (the child is then in its next append,
 * force or roll), a random delay after the child opened the shard, or a random delay after it was
 * started (sometimes before or while it opens the shard). The seed is printed and in every failure;
 * replay the same choices with {@code mvn -pl journal test -Dtest=JournalCrashTest -Dtest.seed=N}
 * (the moments of the kills still vary with timing). When a check fails, the shard as the kill left
 * it, before recovery touched it, is kept under {@code journal/target/crash-evidence/}.
 */
class JournalCrashTest
{
    private static final int KILLS = 24;
    private static final long ITERATION_DEADLINE_MS = 20_000;

    @TempDir
    Path shard;
    @TempDir
    Path logs;

    private long seed;
    private final List<CrashBatches.Batch> durable = new ArrayList<>();
    private final Map<String, Integer> kills = new HashMap<>();
    private long acknowledged;
    private long unacknowledgedKept;
    private int truncations;
    private long zeroedBytes;
    private final Map<String, Integer> statesLeft = new HashMap<>();
    private final List<String> notes = new ArrayList<>();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAcknowledgedBatchSurvivesSigkill() throws Exception
    {
        final String fixed = System.getProperty("test.seed");
        seed = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        final long started = System.nanoTime();
        for (int iteration = 0; iteration < KILLS; iteration++)
        {
            runAndKill(iteration);
        }
        final long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        System.out.println("JournalCrashTest seed " + seed + ": " + KILLS + " kills " + kills + " in " + millis + " ms; " +
            acknowledged + " batches acknowledged, " + durable.size() + " in the log (" + unacknowledgedKept +
            " kept without an ack), next offset " + (durable.isEmpty() ? 0 : durable.get(durable.size() - 1).nextOffset()) +
            "; recovery cut " + truncations + " tails, zeroed " + zeroedBytes + " bytes; states the kills left " + statesLeft +
            (notes.isEmpty() ? "" : "; " + String.join("; ", notes)));
    }

    private void runAndKill(final int iteration) throws Exception
    {
        final String where = "seed " + seed + " iteration " + iteration;
        final Random random = new Random(seed * 31 + iteration);
        final long nextBefore = durable.isEmpty() ? 0 : durable.get(durable.size() - 1).nextOffset();
        final List<long[]> acks = new ArrayList<>();
        String opened = null;
        try (WriterProcess writer = WriterProcess.start(CrashingWriter.class,
            logs.resolve("writer-" + iteration + ".err"), shard.toString(), Long.toString(seed)))
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ITERATION_DEADLINE_MS);
            final int mode = random.nextInt(10);
            final List<String> lines = new ArrayList<>();
            if (mode < 6)
            {
                final int wanted = 1 + random.nextInt(40);
                kills.merge("after acks", 1, Integer::sum);
                while (count(lines, "ack ") < wanted)
                {
                    lines.add(writer.awaitLine(deadline, where + ", waiting for ack " + wanted));
                }
            }
            else if (mode < 9)
            {
                kills.merge("after open", 1, Integer::sum);
                while (count(lines, "open ") == 0)
                {
                    lines.add(writer.awaitLine(deadline, where + ", waiting for the open line"));
                }
                writer.keepsRunningFor(random.nextInt(40), where);
            }
            else
            {
                kills.merge("after start", 1, Integer::sum);
                writer.keepsRunningFor(random.nextInt(700), where);
            }
            lines.addAll(writer.kill());
            assertEquals(137, writer.exitValue(), where + ": the writer died of the SIGKILL, not on its own: " +
                writer.stderr());
            for (final String line : lines)
            {
                final String[] words = line.split(" ");
                if (words[0].equals("open"))
                {
                    opened = line;
                }
                else if (words[0].equals("ack") && words.length == 4 && words[3].equals("."))
                {
                    acks.add(new long[]{Long.parseLong(words[1]), Long.parseLong(words[2])});
                }
                else if (!words[0].equals("ack"))
                {
                    fail(where + ": the writer wrote '" + line + "'; stderr: " + writer.stderr());
                }
            }
        }
        if (opened != null)
        {
            assertEquals("open " + nextBefore + " clean", opened, where + ": the writer opened the log the test closed");
        }
        acknowledged += acks.size();

        final Path killed = KilledShard.copy(shard, logs.resolve("killed"));
        try
        {
            if (!KilledShard.isEmpty(shard))
            {
                final KilledShard.Verify verify = KilledShard.verify(shard);
                statesLeft.merge(verify.stateLeft(), 1, Integer::sum);
                assertEquals(JournalTool.OK, verify.status(), where + ": journal-tool verify finds nothing wrong with a " +
                    "shard whose writer was killed (only notes on what recovery tidies up): " + verify);
            }
            recoverAndCheck(where, acks, nextBefore);
            final KilledShard.Verify after = KilledShard.verify(shard);
            assertEquals(JournalTool.OK, after.status(), where + ": journal-tool verify after recovery and a clean close: " +
                after);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            final Path evidence = KilledShard.keepAsEvidence(killed, "seed-" + seed + "-iteration-" + iteration);
            throw new AssertionError(ex.getMessage() + "\nthe shard as the kill left it, before recovery: " +
                evidence + " (look with: scripts/journal-tool verify <dir>)", ex);
        }
    }

    private void recoverAndCheck(final String where, final List<long[]> acks, final long nextBefore)
    {
        try (ShardLog log = ShardLog.open(shard, CrashBatches.CONFIG))
        {
            final RecoveryReport report = log.recoveryReport();
            assertEquals(List.of(), report.quarantined(), where + ": nothing quarantined: " + report);
            assertEquals(List.of(), report.corruptRanges(), where + ": no corrupt range: " + report);
            if (report.truncatedAt() >= 0)
            {
                truncations++;
                notes.add(where + ": recovery cut the tail at " + report.truncatedAt() + " (" + report.truncationReason() + ")");
            }
            zeroedBytes += report.zeroedBytes();

            final List<CrashBatches.Batch> read = readAll(log, where);
            final long next = read.isEmpty() ? 0 : read.get(read.size() - 1).nextOffset();
            assertEquals(next, log.nextOffset(), where + ": the next offset is the end of the last batch read");
            final JournalView view = new JournalView();
            assertEquals(0, log.read(next, 1 << 20, view), where + ": nothing is served at the next offset");
            assertEquals(ShardLog.OUT_OF_RANGE, log.read(next + 1, 1 << 20, view), where + ": nor past it");

            assertTrue(read.size() >= durable.size() && next >= nextBefore, where + ": the log kept what the last " +
                "recovery served: " + durable.size() + " batches to offset " + nextBefore + ", now " + read.size() +
                " to " + next + "; " + report);
            final Map<Long, Integer> counts = new HashMap<>();
            read.forEach(batch -> counts.put(batch.baseOffset(), batch.recordCount()));
            for (final long[] ack : acks)
            {
                assertEquals(Integer.valueOf((int)ack[1]), counts.get(ack[0]), where + ": acknowledged batch at offset " +
                    ack[0] + " (" + ack[1] + " records) is in the log, which ends at " + next + "; " + report);
            }
            unacknowledgedKept += read.stream().filter(batch -> batch.baseOffset() >= nextBefore).count() - acks.size();
            durable.clear();
            durable.addAll(read);
        }
    }

    /**
     * Read the whole log, checking that offsets are dense from 0 and that every batch is the one the
     * writer appends at its offset, byte for byte.
     */
    private List<CrashBatches.Batch> readAll(final ShardLog log, final String where)
    {
        final List<CrashBatches.Batch> batches = new ArrayList<>();
        final String context = where + "; " + log.recoveryReport();
        KilledShard.readAll((offset, view) -> log.read(offset, 256 * 1024, view), (buffer, position) ->
        {
            final long base = BatchFrames.baseOffset(buffer, position);
            final CrashBatches.Batch expected = CrashBatches.at(seed, base);
            final byte[] payload = KilledShard.payload(buffer, position);
            if (BatchFrames.recordCount(buffer, position) != expected.recordCount() ||
                BatchFrames.maxTimestamp(buffer, position) != expected.timestamp() ||
                BatchFrames.format(buffer, position) != expected.format() ||
                !Arrays.equals(expected.payload(), payload))
            {
                fail(context + ": the batch at offset " + base + " is not the one written: " + payload.length +
                    " bytes read, " + expected.payload().length + " written");
            }
            batches.add(expected);
        }, context);
        return batches;
    }

    private static int count(final List<String> lines, final String prefix)
    {
        return (int)lines.stream().filter(line -> line.startsWith(prefix)).count();
    }
}
