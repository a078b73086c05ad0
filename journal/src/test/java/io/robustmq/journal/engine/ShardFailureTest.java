package io.robustmq.journal.engine;

import io.robustmq.journal.Durability;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.fs.FaultyFileLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What an I/O error does to an {@code always} shard: the appends whose force failed fail, their
 * batches never become readable (the durable offset does not move), the shard refuses every later
 * append, and the writer goes on serving its other shards.
 */
@Timeout(60)
class ShardFailureTest
{
    @TempDir
    Path dir;

    private final AppendOutcomes completion = new AppendOutcomes();

    private long append(final JournalShard shard, final int completionId, final long correlationId) throws Exception
    {
        return completion.append(shard, completionId, correlationId);
    }

    @Test
    void aFailedForceFailsItsAppendsAndStopsOnlyItsShard() throws Exception
    {
        final FaultyFileLayer layer = new FaultyFileLayer();
        final ShardConfig always = new ShardConfig(64 * 1024, 4096, Durability.ALWAYS, 1000, 0, 0);
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir).fileLayer(layer)))
        {
            final int id = journal.registerCompletion(completion);
            final JournalShard failing = journal.createShard("failing", always);
            final JournalShard healthy = journal.createShard("healthy", always);
            assertEquals(0, append(failing, id, 1));
            assertEquals(1, failing.durableOffset());

            layer.failForcesUnder(dir.resolve("failing"));
            assertEquals(-AppendCompletion.IO_ERROR, append(failing, id, 2));
            assertTrue(failing.isFailed());
            assertEquals(1, failing.durableOffset(), "a batch whose force failed is not durable");
            assertEquals(2, failing.nextOffset(), "though it was written");
            final JournalView view = new JournalView();
            assertEquals(0, failing.read(1, 1 << 20, 100, view), "and no reader sees it");
            assertFalse(view.isHeld());
            assertTrue(failing.read(0, 1 << 20, 100, view) > 0, "what was durable before is still read");
            assertEquals(1, view.nextOffset());
            view.release();

            layer.failForcesUnder(null);
            assertEquals(-AppendCompletion.IO_ERROR, append(failing, id, 3), "a failed shard takes no appends");
            assertEquals(0, append(healthy, id, 4), "the writer goes on with its other shards");
            assertEquals(1, healthy.durableOffset());
        }
    }
}
