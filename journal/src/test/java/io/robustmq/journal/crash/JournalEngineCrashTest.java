package io.robustmq.journal.crash;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.JournalTool;
import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.engine.Journal;
import io.robustmq.journal.engine.JournalShard;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Crash test through the engine: a child JVM ({@link CrashingProducers}) runs a {@link Journal}
 * with producer threads appending concurrently to a shard with durability {@code always}, and
 * prints each append the engine acknowledges ({@code AppendCompletion.onAppended}, after the group
 * force). The test SIGKILLs it after a random number of acks (or a random delay after it opened the
 * journal, or after it started), relaunches the journal on the same root as a restarted node
 * would, and checks that every acknowledged append is there at its acknowledged offset, byte for
 * byte; that offsets are dense from 0 and every batch is one a producer wrote, each producer's in
 * its order and none twice; that nothing past the last valid batch is served; that recovery
 * quarantined nothing and left no corrupt range; and that it kept what the last recovery served.
 * Each child carries on the same root, so each recovery runs on top of the earlier ones.
 * <p>
 * It also checks that group commit happened: across the run, the forces that acknowledged appends
 * are fewer than the appends they acknowledged, and the writers made fewer forces than appends
 * (the child prints, with each ack, the writer's count of forces, which numbers the force that
 * made the append durable, and of appends).
 * <p>
 * The seed is printed and in every failure; replay the same choices with
 * {@code mvn -pl journal test -Dtest=JournalEngineCrashTest -Dtest.seed=N} (the moments of the
 * kills, and which producer gets which offset, still vary with timing). When a check fails, the
 * shard as the kill left it, before recovery touched it, is kept under
 * {@code journal/target/crash-evidence/}.
 */
class JournalEngineCrashTest
{
    private static final int KILLS = 24;
    private static final long ITERATION_DEADLINE_MS = 20_000;
    private static final int MAX_PRODUCERS = 6;

    @TempDir
    Path root;
    @TempDir
    Path logs;

    private final CrashRun run = new CrashRun();
    private final long seed = run.seed();
    private final List<Stored> stored = new ArrayList<>();
    private boolean shardExists;
    private long acknowledged;
    private long unacknowledgedKept;
    private long ackingForces;
    private long forces;
    private long appends;
    private int largestGroup;
    private int killsOvertakingSeals;
    private int mostSealsOvertaken;

    /**
     * A batch where the log holds it.
     *
     * @param name        who wrote it.
     * @param baseOffset  its base offset.
     * @param recordCount its records.
     */
    private record Stored(ProducerBatches.Name name, long baseOffset, int recordCount)
    {
        long nextOffset()
        {
            return baseOffset + recordCount;
        }
    }

    /**
     * An acknowledgement the child printed.
     *
     * @param name        the append it acknowledges.
     * @param baseOffset  the offset the engine gave it.
     * @param recordCount its records.
     * @param force       the number of the force after which the engine acknowledged it.
     * @param appends     appends the child's writer had made by then.
     */
    private record Ack(ProducerBatches.Name name, long baseOffset, int recordCount, long force, long appends)
    {
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void everyAcknowledgedAppendSurvivesSigkill() throws Exception
    {
        final long millis = run.iterate(KILLS, this::runAndKill);
        final String summary = "JournalEngineCrashTest seed " + seed + ": " + KILLS + " kills " + run.kills() + " in " +
            millis + " ms; " + acknowledged + " appends acknowledged after " + ackingForces + " forces (" +
            String.format("%.1f", acknowledged / (double)Math.max(1, ackingForces)) + " a force, at most " + largestGroup +
            "; the writers had made " + forces + " forces for " + appends + " appends by their last acks); " + stored.size() + " batches in the log (" + unacknowledgedKept + " kept without an ack), next offset " +
            nextOffset() + "; " + killsOvertakingSeals + " kills left sealed segments without an index (at most " +
            mostSealsOvertaken + "); " + run;
        System.out.println(summary);
        assertTrue(acknowledged > 0, summary);
        assertTrue(ackingForces < acknowledged, "group commit: appends share forces: " + summary);
        assertTrue(forces < appends, "group commit: fewer forces than appends: " + summary);
    }

    private void runAndKill(final int iteration) throws Exception
    {
        final String where = "seed " + seed + " iteration " + iteration;
        final Random random = new Random(seed * 31 + iteration);
        final int producers = 3 + random.nextInt(MAX_PRODUCERS - 2);
        final long nextBefore = nextOffset();
        final List<String> lines = new ArrayList<>();
        try (WriterProcess child = WriterProcess.start(CrashingProducers.class,
            logs.resolve("producers-" + iteration + ".err"), root.toString(), Long.toString(seed),
            Integer.toString(iteration), Integer.toString(producers)))
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ITERATION_DEADLINE_MS);
            run.killed(child.killAtRandomMoment(random, 7, () -> 1 + random.nextInt(random.nextBoolean() ? 20 : 300),
                deadline, where, lines));
            parseAndCheck(lines, iteration, producers, nextBefore, where + " (" + producers + " producers)", child);
        }
    }

    private void parseAndCheck(
        final List<String> lines,
        final int iteration,
        final int producers,
        final long nextBefore,
        final String where,
        final WriterProcess child) throws Exception
    {
        final List<Ack> acks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++)
        {
            final String[] words = lines.get(i).split(" ");
            if (i == 0 && words[0].equals("open"))
            {
                assertEquals("open " + nextBefore + " " + (shardExists ? "clean" : "created"), lines.get(i),
                    where + ": the child opened the journal the test closed");
            }
            else if (words[0].equals("ack") && words.length == 8 && words[7].equals("."))
            {
                final ProducerBatches.Name name = new ProducerBatches.Name(iteration, Integer.parseInt(words[1]),
                    Long.parseLong(words[2]));
                final Ack ack = new Ack(name, Long.parseLong(words[3]), Integer.parseInt(words[4]), Long.parseLong(words[5]),
                    Long.parseLong(words[6]));
                assertTrue(name.producer() < producers && ack.baseOffset() >= nextBefore && ack.force() > 0 &&
                    ack.appends() >= ack.force() &&
                    ack.recordCount() == ProducerBatches.recordCount(seed, iteration, name.producer(), name.sequence()),
                    where + ": a well-formed ack: " + lines.get(i));
                acks.add(ack);
            }
            else if (!(words[0].equals("ack") && i == lines.size() - 1))
            {
                fail(where + ": the child wrote '" + lines.get(i) + "' (line " + i + "); stderr: " + child.stderr());
            }
        }
        countGroups(acks);
        acknowledged += acks.size();

        final Path shard = root.resolve(CrashingProducers.SHARD);
        run.afterKill(shard, logs.resolve("killed"), iteration, "engine-", verify ->
        {
            if (verify != null)
            {
                sealsOvertaken(verify, where);
                assertEquals(JournalTool.OK, verify.status(), where + ": journal-tool verify finds nothing wrong with a " +
                    "shard whose writer was killed (only notes on what recovery tidies up, such as the index files of " +
                    "the segments the kill left unsealed): " + verify);
            }
            relaunchAndCheck(where, iteration, acks, nextBefore);
            if (shardExists)
            {
                final KilledShard.Verify after = KilledShard.verify(shard);
                assertEquals(JournalTool.OK, after.status(), where + ": journal-tool verify after recovery and a clean " +
                    "close: " + after);
            }
        });
    }

    /**
     * The engine seals a segment it rolled past (forces it, writes its index file) on a background
     * thread, in roll order, so a kill may leave the newest sealed segments without an index file;
     * recovery rebuilds them from the frames (which the roll forced). journal-tool verify notes each
     * ({@code index: missing}). Check that it finds no problem and that the segments without an index
     * are the newest sealed ones: the seals the kill overtook.
     *
     * @return how many sealed segments the kill left without an index file.
     */
    private int sealsOvertaken(final KilledShard.Verify verify, final String where)
    {
        final List<String> problems = verify.out().lines().filter(line -> line.startsWith("PROBLEM ")).toList();
        final List<String> sealed = verify.out().lines()
            .filter(line -> line.startsWith("segment ") && line.contains(": sealed, ")).toList();
        int unsealed = 0;
        for (final String line : sealed)
        {
            if (line.contains(" entries"))
            {
                assertEquals(0, unsealed, where + ": only the newest sealed segments lack an index file: " + verify);
            }
            else
            {
                unsealed++;
                final String segment = line.substring("segment ".length(), line.indexOf(".log:"));
                assertTrue(verify.out().lines().anyMatch(note -> note.startsWith("note: " + segment + ".index: missing: ")),
                    where + ": segment " + segment + " has no index: " + verify);
            }
        }
        assertEquals(List.of(), problems, where + ": journal-tool finds no problem, only notes for the missing index " +
            "files of the newest sealed segments: " + verify);
        if (unsealed > 0)
        {
            killsOvertakingSeals++;
            mostSealsOvertaken = Math.max(mostSealsOvertaken, unsealed);
        }
        return unsealed;
    }

    /**
     * Acks that print the same force number were made durable by the same force. The last ack of a
     * child tells how many forces and appends its writer had made by then.
     */
    private void countGroups(final List<Ack> acks)
    {
        final Map<Long, Integer> perForce = new HashMap<>();
        long childForces = 0;
        long childAppends = 0;
        for (final Ack ack : acks)
        {
            final int size = perForce.merge(ack.force(), 1, Integer::sum);
            largestGroup = Math.max(largestGroup, size);
            childForces = Math.max(childForces, ack.force());
            childAppends = Math.max(childAppends, ack.appends());
        }
        ackingForces += perForce.size();
        forces += childForces;
        appends += childAppends;
    }

    private void relaunchAndCheck(final String where, final int iteration, final List<Ack> acks, final long nextBefore)
    {
        try (Journal journal = Journal.launch(new Journal.Context().directory(root).ringBufferBytes(64 * 1024)))
        {
            final JournalShard shard = journal.shard(CrashingProducers.SHARD);
            if (shard == null)
            {
                assertTrue(!shardExists && acks.isEmpty(), where + ": no shard after the kill, yet " + acks.size() +
                    " acks" + (shardExists ? " and the last relaunch found it" : ""));
                return;
            }
            shardExists = true;
            assertEquals(CrashBatches.CONFIG, shard.config(), where + ": the shard keeps its settings");
            final RecoveryReport report = shard.recoveryReport();
            run.recovered(report, where);

            final String context = where + "; " + report;
            final List<Stored> read = readAll(shard, iteration, context);
            final long next = read.isEmpty() ? 0 : read.get(read.size() - 1).nextOffset();
            assertEquals(next, shard.nextOffset(), context + ": the next offset is the end of the last batch read");

            assertTrue(read.size() >= stored.size() && read.subList(0, stored.size()).equals(stored), context + ": the log " +
                "kept what the last recovery served: " + stored.size() + " batches to offset " + nextBefore + ", now " +
                read.size() + " to " + next);
            final Map<ProducerBatches.Name, Stored> byName = new HashMap<>();
            read.forEach(batch -> byName.put(batch.name(), batch));
            for (final Ack ack : acks)
            {
                final Stored batch = byName.get(ack.name());
                assertNotNull(batch, context + ": the acknowledged append of " + ack.name() + " at offset " +
                    ack.baseOffset() + " is in the log, which ends at " + next);
                assertEquals(new Stored(ack.name(), ack.baseOffset(), ack.recordCount()), batch, context +
                    ": the acknowledged append is where the ack said");
            }
            unacknowledgedKept += read.size() - stored.size() - acks.size();
            stored.clear();
            stored.addAll(read);
        }
    }

    /**
     * Read the whole shard: offsets dense from 0, every batch one a producer of this run wrote, byte
     * for byte, each producer's batches in the order it submitted them from its first, none twice.
     */
    private List<Stored> readAll(final JournalShard shard, final int iteration, final String where)
    {
        final List<Stored> batches = new ArrayList<>();
        final Map<Long, Long> nextSequence = new HashMap<>();
        KilledShard.readAll((offset, view) -> shard.read(offset, 256 * 1024, Integer.MAX_VALUE, view), (buffer, position) ->
        {
            final long base = BatchFrames.baseOffset(buffer, position);
            final int payloadOffset = BatchFrames.payloadOffset(position);
            final int payloadLength = BatchFrames.payloadLength(buffer, position);
            if (ProducerBatches.seedOf(buffer, payloadOffset, payloadLength) != seed)
            {
                fail(where + ": the batch at offset " + base + " (" + payloadLength + " bytes) names no producer of seed " + seed);
            }
            final ProducerBatches.Name name = ProducerBatches.nameOf(buffer, payloadOffset);
            assertTrue(name.iteration() >= 0 && name.iteration() <= iteration && name.producer() >= 0 &&
                name.producer() < MAX_PRODUCERS, where + ": the batch at offset " + base + " names a producer: " + name);
            final long producerKey = (long)name.iteration() << 32 | name.producer();
            final long expectedSequence = nextSequence.getOrDefault(producerKey, 0L);
            assertEquals(expectedSequence, name.sequence(), where + ": the batch at offset " + base + " is the next of " +
                "its producer's (" + name + ")");
            nextSequence.put(producerKey, expectedSequence + 1);
            final ProducerBatches.Batch expected = ProducerBatches.of(seed, name);
            KilledShard.assertBatch(buffer, position, expected.recordCount(), expected.timestamp(), expected.format(),
                expected.payload(), name.toString(), where);
            batches.add(new Stored(name, base, expected.recordCount()));
        }, where);
        return batches;
    }

    private long nextOffset()
    {
        return stored.isEmpty() ? 0 : stored.get(stored.size() - 1).nextOffset();
    }
}
