package io.robustmq.journal.crash;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.JournalTool;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.ShardLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
        try (WriterProcess writer = WriterProcess.start(shard, seed, logs.resolve("writer-" + iteration + ".err")))
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
                    lines.add(nextLine(writer, deadline, where + ", waiting for ack " + wanted));
                }
            }
            else if (mode < 9)
            {
                kills.merge("after open", 1, Integer::sum);
                while (count(lines, "open ") == 0)
                {
                    lines.add(nextLine(writer, deadline, where + ", waiting for the open line"));
                }
                assertChildRuns(writer, random.nextInt(40), where);
            }
            else
            {
                kills.merge("after start", 1, Integer::sum);
                assertChildRuns(writer, random.nextInt(700), where);
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

        final Path killed = copyOf(shard, logs.resolve("killed"));
        try
        {
            if (!isEmpty(shard))
            {
                final Tool verify = verify();
                countStateLeft(verify);
                assertEquals(JournalTool.OK, verify.status(), where + ": journal-tool verify finds nothing wrong with a " +
                    "shard whose writer was killed (only notes on what recovery tidies up): " + verify);
            }
            recoverAndCheck(where, acks, nextBefore);
            final Tool after = verify();
            assertEquals(JournalTool.OK, after.status(), where + ": journal-tool verify after recovery and a clean close: " +
                after);
        }
        catch (final AssertionError | RuntimeException ex)
        {
            final Path evidence = copyOf(killed, Path.of("target", "crash-evidence", "seed-" + seed + "-iteration-" + iteration));
            throw new AssertionError(ex.getMessage() + "\nthe shard as the kill left it, before recovery: " +
                evidence.toAbsolutePath() + " (look with: scripts/journal-tool verify <dir>)", ex);
        }
    }

    /**
     * Tell from journal-tool's notes on the killed shard where the kill landed, to show what the
     * run covered.
     */
    private void countStateLeft(final Tool verify)
    {
        final String out = verify.out();
        final List<String> segments = out.lines().filter(line -> line.startsWith("segment ")).toList();
        final boolean lastSealed = !segments.isEmpty() && segments.get(segments.size() - 1).contains(": sealed, ");
        final String state = out.contains("a temporary file") ? "mid index write" :
            out.contains("while it was being created") ? "segment file created, not sized" :
            lastSealed ? "sealed, next segment not created" :
            out.contains("names ") && out.contains("a sealed segment") ? "new segment, checkpoint not moved" :
            out.contains("are not zero") ? "mid append" :
            "between appends";
        statesLeft.merge(state, 1, Integer::sum);
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
        final JournalView view = new JournalView();
        long offset = 0;
        while (true)
        {
            final int read = log.read(offset, 256 * 1024, view);
            if (read == 0)
            {
                return batches;
            }
            assertTrue(read > 0, where + ": read at offset " + offset + " failed: " + read + "; " + log.recoveryReport());
            try
            {
                int position = view.offset();
                final int end = view.offset() + view.length();
                while (position < end)
                {
                    final long base = BatchFrames.baseOffset(view.buffer(), position);
                    assertEquals(offset, base, where + ": offsets are dense");
                    final CrashBatches.Batch expected = CrashBatches.at(seed, base);
                    final byte[] payload = new byte[BatchFrames.payloadLength(view.buffer(), position)];
                    view.buffer().getBytes(BatchFrames.payloadOffset(position), payload);
                    if (BatchFrames.recordCount(view.buffer(), position) != expected.recordCount() ||
                        BatchFrames.maxTimestamp(view.buffer(), position) != expected.timestamp() ||
                        BatchFrames.format(view.buffer(), position) != expected.format() ||
                        !Arrays.equals(expected.payload(), payload))
                    {
                        fail(where + ": the batch at offset " + base + " is not the one written: " + payload.length +
                            " bytes read, " + expected.payload().length + " written; " + log.recoveryReport());
                    }
                    batches.add(expected);
                    offset = expected.nextOffset();
                    position += FrameDescriptor.alignedLength(BatchFrames.frameLength(view.buffer(), position));
                }
                assertEquals(offset, view.nextOffset(), where);
            }
            finally
            {
                view.release();
            }
        }
    }

    private static String nextLine(final WriterProcess writer, final long deadline, final String what) throws Exception
    {
        final String line = writer.nextLine(deadline);
        if (line == null)
        {
            fail(what + ": nothing from pid " + writer.pid() + " within " + ITERATION_DEADLINE_MS + " ms; stderr: " +
                writer.stderr());
        }
        if (line.equals(WriterProcess.END_OF_OUTPUT))
        {
            fail(what + ": the writer exited on its own; stderr: " + writer.stderr());
        }
        return line;
    }

    /**
     * Let the child run for a while: wait for it to exit, which it must not do.
     */
    private static void assertChildRuns(final WriterProcess writer, final long millis, final String where) throws Exception
    {
        if (writer.exitsWithin(millis))
        {
            fail(where + ": the writer exited on its own with status " + writer.exitValue() + "; stderr: " + writer.stderr());
        }
    }

    /**
     * @return {@code to}, now a copy of the files of {@code from}, replacing what it held.
     */
    private static Path copyOf(final Path from, final Path to) throws IOException
    {
        if (Files.exists(to))
        {
            try (Stream<Path> old = Files.list(to))
            {
                for (final Path file : old.toList())
                {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    private static boolean isEmpty(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.findAny().isEmpty();
        }
    }

    private static int count(final List<String> lines, final String prefix)
    {
        return (int)lines.stream().filter(line -> line.startsWith(prefix)).count();
    }

    private record Tool(int status, String out, String err)
    {
        @Override
        public String toString()
        {
            return "status " + status + "\n" + out + err;
        }
    }

    private Tool verify()
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = JournalTool.run(new String[]{"verify", shard.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Tool(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
