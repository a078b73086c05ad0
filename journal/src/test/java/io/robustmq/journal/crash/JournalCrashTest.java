package io.robustmq.journal.crash;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.JournalTool;
import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.ShardLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
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

    private final CrashRun run = new CrashRun();
    private final long seed = run.seed();
    private final List<CrashBatches.Batch> durable = new ArrayList<>();
    private long acknowledged;
    private long unacknowledgedKept;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyAcknowledgedBatchSurvivesSigkill() throws Exception
    {
        final long millis = run.iterate(KILLS, this::runAndKill);
        System.out.println("JournalCrashTest seed " + seed + ": " + KILLS + " kills " + run.kills() + " in " + millis +
            " ms; " + acknowledged + " batches acknowledged, " + durable.size() + " in the log (" + unacknowledgedKept +
            " kept without an ack), next offset " + (durable.isEmpty() ? 0 : durable.get(durable.size() - 1).nextOffset()) +
            "; " + run);
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
            final List<String> lines = new ArrayList<>();
            run.killed(writer.killAtRandomMoment(random, 6, () -> 1 + random.nextInt(40), deadline, where, lines));
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

        run.afterKill(shard, logs.resolve("killed"), iteration, "", verify ->
        {
            if (verify != null)
            {
                assertEquals(JournalTool.OK, verify.status(), where + ": journal-tool verify finds nothing wrong with a " +
                    "shard whose writer was killed (only notes on what recovery tidies up): " + verify);
            }
            recoverAndCheck(where, acks, nextBefore);
            final KilledShard.Verify after = KilledShard.verify(shard);
            assertEquals(JournalTool.OK, after.status(), where + ": journal-tool verify after recovery and a clean close: " +
                after);
        });
    }

    private void recoverAndCheck(final String where, final List<long[]> acks, final long nextBefore)
    {
        try (ShardLog log = ShardLog.open(shard, CrashBatches.CONFIG))
        {
            final RecoveryReport report = log.recoveryReport();
            run.recovered(report, where);

            final List<CrashBatches.Batch> read = readAll(log, where + "; " + report);
            final long next = read.isEmpty() ? 0 : read.get(read.size() - 1).nextOffset();
            assertEquals(next, log.nextOffset(), where + ": the next offset is the end of the last batch read");

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
     * Read the whole log, checking that offsets are dense from 0, that nothing is served past the
     * last batch, and that every batch is the one the writer appends at its offset, byte for byte.
     */
    private List<CrashBatches.Batch> readAll(final ShardLog log, final String where)
    {
        final List<CrashBatches.Batch> batches = new ArrayList<>();
        KilledShard.readAll((offset, view) -> log.read(offset, 256 * 1024, view), (buffer, position) ->
        {
            final CrashBatches.Batch expected = CrashBatches.at(seed, BatchFrames.baseOffset(buffer, position));
            KilledShard.assertBatch(buffer, position, expected.recordCount(), expected.timestamp(), expected.format(),
                expected.payload(), "the writer", where);
            batches.add(expected);
        }, where);
        return batches;
    }
}
