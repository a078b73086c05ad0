package io.robustmq.journal.engine;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;
import io.robustmq.journal.fs.FaultyFileLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An {@code interval} shard's periodic force, and the durable record of a deletion's new log start,
 * run on the journal's forcing thread: appends go on while the device is slow, the force records the
 * recovery point when it ends, and a force that fails fails the shard as a force on the writer would.
 */
@Timeout(60)
class IntervalForceTest
{
    private static final ShardConfig INTERVAL_1MS = new ShardConfig(64 * 1024, 4096, Durability.INTERVAL, 1, 0, 0);

    @TempDir
    Path dir;

    private final AppendOutcomes completion = new AppendOutcomes();

    private long append(final JournalShard shard, final int completionId, final long correlationId) throws Exception
    {
        return completion.append(shard, completionId, correlationId);
    }

    private static void awaitCondition(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(1);
        }
    }

    @Test
    void appendsGoOnWhileAnIntervalForceIsHeld() throws Exception
    {
        final FaultyFileLayer layer = new FaultyFileLayer();
        final Path shardDir = dir.resolve("slow");
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir).fileLayer(layer)))
        {
            final int id = journal.registerCompletion(completion);
            final JournalShard shard = journal.createShard("slow", INTERVAL_1MS);
            layer.holdForcesUnder(shardDir);
            assertEquals(0, append(shard, id, 0));
            awaitCondition(() -> layer.heldForces() > 0, "the interval force is held");

            // With the force on the writer, none of these would complete until it was released.
            for (long i = 1; i <= 100; i++)
            {
                assertEquals(i, append(shard, id, i), "append " + i + " while the force is held");
            }
            assertEquals(101, shard.durableOffset(), "an interval shard's appends are readable once written");
            layer.releaseForces();
        }
        try (ShardLog log = ShardLog.open(shardDir, INTERVAL_1MS))
        {
            assertEquals(101, log.nextOffset());
            assertEquals(0, log.recoveryReport().checkedBytes(), "the close recorded the recovery point");
        }
    }

    @Test
    void appendsGoOnWhileADeletionsRecordIsHeld() throws Exception
    {
        final FaultyFileLayer layer = new FaultyFileLayer();
        final ShardConfig small = new ShardConfig(8192, 4096, Durability.INTERVAL, 60_000, 0, 0);
        final Path shardDir = dir.resolve("queue");
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir).fileLayer(layer)))
        {
            final int id = journal.registerCompletion(completion);
            final JournalShard shard = journal.createShard("queue", small);
            for (long i = 0; i < 200; i++)
            {
                assertEquals(i, append(shard, id, i));
            }
            final long segments = segmentFiles(shardDir);
            assertTrue(segments > 2, "several segments: " + segments);
            layer.holdDurableWritesUnder(shardDir);
            final CompletableFuture<Long> deleted = shard.deleteBefore(150);
            awaitCondition(() -> layer.heldForces() > 0, "the log start offset's record is held");
            assertEquals(150, shard.earliestOffset(), "the offsets below are unreadable at once");
            for (long i = 200; i < 300; i++)
            {
                assertEquals(i, append(shard, id, i), "append " + i + " while the record is held");
            }
            // A repeated or smaller request while the record is held is not answered from memory.
            final CompletableFuture<Long> again = shard.deleteBefore(120);
            for (long i = 300; i < 310; i++)
            {
                assertEquals(i, append(shard, id, i), "the writer took the second request before this append");
            }
            assertTrue(!deleted.isDone(), "done only once the new start is durable");
            assertTrue(!again.isDone(), "a second request too");
            layer.releaseForces();
            assertEquals(150, deleted.get(30, TimeUnit.SECONDS));
            assertEquals(150, again.get(30, TimeUnit.SECONDS));
            awaitCondition(() -> !java.nio.file.Files.exists(shardDir.resolve("00000000000000000000.log")),
                "the first segment, all below the new start, deleted by the writer");
        }
        try (ShardLog log = ShardLog.open(shardDir, small))
        {
            assertEquals(150, log.earliestOffset(), "the new start was recorded");
            assertEquals(310, log.nextOffset());
        }
    }

    private static long segmentFiles(final Path shardDir)
    {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(shardDir))
        {
            return files.filter(f -> f.toString().endsWith(".log")).count();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    @Test
    void theCloseWaitsForAHeldIntervalForce() throws Exception
    {
        final FaultyFileLayer layer = new FaultyFileLayer();
        final Path shardDir = dir.resolve("slow");
        final Journal journal = Journal.launch(new Journal.Context().directory(dir).fileLayer(layer));
        final int id = journal.registerCompletion(completion);
        final JournalShard shard = journal.createShard("slow", INTERVAL_1MS);
        layer.holdForcesUnder(shardDir);
        assertEquals(0, append(shard, id, 0));
        awaitCondition(() -> layer.heldForces() > 0, "the interval force is held");
        final CompletableFuture<Void> closed = CompletableFuture.runAsync(journal::close);
        Thread.sleep(200);
        assertTrue(!closed.isDone(), "the close waits for the force it cannot finish without");
        layer.releaseForces();
        closed.get(30, TimeUnit.SECONDS);
        try (ShardLog log = ShardLog.open(shardDir, INTERVAL_1MS))
        {
            assertEquals(1, log.nextOffset());
        }
    }

    @Test
    void aFailedIntervalForceFailsTheShard() throws Exception
    {
        final FaultyFileLayer layer = new FaultyFileLayer();
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir).fileLayer(layer)))
        {
            final int id = journal.registerCompletion(completion);
            final JournalShard failing = journal.createShard("failing", INTERVAL_1MS);
            final JournalShard healthy = journal.createShard("healthy", INTERVAL_1MS);
            layer.failForcesUnder(dir.resolve("failing"));
            assertEquals(0, append(failing, id, 1), "an interval append completes once written");
            awaitCondition(failing::isFailed, "the failed force fails the shard");
            assertEquals(-AppendCompletion.IO_ERROR, append(failing, id, 2), "a failed shard takes no appends");
            assertEquals(0, append(healthy, id, 3), "the writer goes on with its other shards");
        }
    }
}
