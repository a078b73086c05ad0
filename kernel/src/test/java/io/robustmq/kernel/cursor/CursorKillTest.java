package io.robustmq.kernel.cursor;

import io.robustmq.kernel.support.Seeds;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.robustmq.kernel.storage.JournalService;
import io.robustmq.kernel.storage.NoTopicsMetadata;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL in the middle of a stream of cursor operations: a child JVM ({@link CursorCrashChild})
 * commits, delivers and acknowledges on a few cursors as fast as it can and prints each operation
 * reported durable; the test kills it after a random number of those lines, launches the Journal
 * component on the same directory as a restarted node would, and checks that every operation
 * reported durable is there: each commit cursor at or past its last reported commit (with that
 * commit's metadata and epoch), each reported delivery below the delivered mark, each reported
 * acknowledgement acknowledged. Small checkpoints (every 16 KiB of records) make kills fall in the middle
 * of checkpoints too. Each run goes on from where the last one was recovered.
 * <p>
 * Replay the same choices with {@code -Dtest=CursorKillTest -Dtest.seed=N} (the moment of each kill
 * still varies with timing).
 */
class CursorKillTest
{
    private static final int KILLS = 4;
    private static final int THREADS = 3;
    private static final long RUN_DEADLINE_MS = 15_000;

    @TempDir
    Path dir;

    private final long[] committed = new long[THREADS];
    private final List<Set<Long>> delivered = new ArrayList<>();
    private final List<Set<Long>> acknowledged = new ArrayList<>();

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyOperationReportedDurableSurvivesSigkill() throws Exception
    {
        final long seed = Seeds.stream(1).findFirst().orElseThrow();
        final Random random = new Random(seed);
        for (int t = 0; t < THREADS; t++)
        {
            delivered.add(new HashSet<>());
            acknowledged.add(new HashSet<>());
        }
        long reported = 0;
        final StringBuilder summary = new StringBuilder("CursorKillTest seed " + seed + ":");
        for (int kill = 0; kill < KILLS; kill++)
        {
            final String where = "seed " + seed + " kill " + kill;
            final int target = 500 + random.nextInt(8_000);
            final Path output = dir.resolve("run-" + kill + ".out");
            final Process child = start(seed + kill, output);
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RUN_DEADLINE_MS);
            int lines = 0;
            while (lines < target && System.nanoTime() < deadline && child.isAlive())
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                lines = countDurable(output);
            }
            assertTrue(child.isAlive(), where + ": the child died on its own: " + tail(output));
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS), where + ": the child is gone");
            assertEquals(137, child.exitValue(), where + ": killed by SIGKILL");
            reported += read(output);
            summary.append(" kill ").append(kill).append(" after ").append(countDurable(output)).append(" reports;");
            summary.append(check(where));
        }
        System.out.println(summary + " " + reported + " reports in all");
        assertTrue(reported > 0, summary.toString());
    }

    private Process start(final long seed, final Path output) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("test.jvmFlags", "").split("\\s+"))
        {
            if (!flag.isBlank())
            {
                command.add(flag);
            }
        }
        command.addAll(List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
            "-cp", System.getProperty("java.class.path"), CursorCrashChild.class.getName(),
            dir.toString(), Long.toString(seed), Integer.toString(THREADS)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static int countDurable(final Path output) throws Exception
    {
        int count = 0;
        for (final String line : Files.readAllLines(output, StandardCharsets.ISO_8859_1))
        {
            if (line.startsWith("d ") && line.endsWith(" ."))
            {
                count++;
            }
        }
        return count;
    }

    /**
     * @return the reports read.
     */
    private long read(final Path output) throws Exception
    {
        long count = 0;
        for (final String line : Files.readAllLines(output, StandardCharsets.ISO_8859_1))
        {
            if (!line.startsWith("d ") || !line.endsWith(" ."))
            {
                continue;
            }
            final long correlation = Long.parseLong(line.substring(2, line.length() - 2));
            final int thread = (int)(correlation >>> 48);
            final int kind = (int)((correlation >>> 44) & 0xF);
            final long offset = correlation & CursorCrashChild.OFFSET_MASK;
            switch (kind)
            {
                case CursorCrashChild.COMMIT -> committed[thread] = Math.max(committed[thread], offset);
                case CursorCrashChild.DELIVERED -> delivered.get(thread).add(offset);
                case CursorCrashChild.ACKNOWLEDGED -> acknowledged.get(thread).add(offset);
                default -> throw new AssertionError("a report of kind " + kind + ": " + line);
            }
            count++;
        }
        return count;
    }

    private String check(final String where) throws Exception
    {
        try (JournalService service = JournalService.launch(CursorCrashChild.config(dir), dir.resolve("journal"),
            new SimpleMeterRegistry(), NoTopicsMetadata.create(), 1))
        {
            final CursorStore store = service.cursors();
            int unacknowledged = 0;
            for (int t = 0; t < THREADS; t++)
            {
                final Cursor commits = store.find("kafka-" + t, "topic/" + t);
                if (committed[t] > 0)
                {
                    final long offset = commits.committedOffset();
                    assertTrue(offset >= committed[t], where + ": thread " + t + " committed " + committed[t] +
                        ", recovered " + offset);
                    assertEquals("m" + offset, commits.metadata(), where + ": the metadata of that commit");
                    assertEquals((int)(offset % 7), commits.leaderEpoch(), where + ": the epoch of that commit");
                }
                final Cursor queue = store.find("amqp-" + t, "queue/" + t);
                for (final long offset : delivered.get(t))
                {
                    assertTrue(offset < queue.deliveredOffset(), where + ": delivery " + offset + " of thread " + t);
                }
                for (final long offset : acknowledged.get(t))
                {
                    assertFalse(queue.isUnacknowledged(offset), where + ": acknowledgement " + offset + " of thread " + t);
                    assertTrue(offset < queue.deliveredOffset(), where + ": acknowledgement " + offset + " of thread " + t);
                }
                unacknowledged += queue == null ? 0 : queue.unacknowledgedCount();
            }
            return " recovered, " + unacknowledged + " unacknowledged to redeliver, the restart checkpointed into generation " +
                service.cursors().generation();
        }
    }

    private static String tail(final Path output) throws Exception
    {
        final List<String> lines = Files.readAllLines(output, StandardCharsets.ISO_8859_1);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }
}
