package io.robustmq.kernel.cursor;

import io.robustmq.kernel.support.Seeds;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node stopped in the middle of a checkpoint: the new generation's first {@code k} batches are
 * stored and nothing after them (what a SIGKILL leaves: the engine keeps a prefix of a shard), or
 * the whole checkpoint and more are stored but the older generations not yet deleted. The store,
 * launched again, must come back in a state the operations passed through, no earlier than the
 * last one reported durable, and keep no older generation once its own checkpoint is stored.
 */
class CursorCheckpointCrashTest
{
    private static final String CONFIG = """
        [storage]
        segment_bytes = 65536
        [storage.cursors]
        buffer_bytes = 1048576
        checkpoint_bytes = 1073741824
        checkpoint_interval_ms = 1000
        max_unacknowledged = 400
        """;

    @TempDir
    Path temp;

    static LongStream seeds()
    {
        return Seeds.stream(8);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void recoversAStopInTheMiddleOfACheckpoint(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final Path dir = Files.createDirectories(temp.resolve("s" + seed));
        final CursorOps ops = new CursorOps(seed, 8, 10, 400);
        // 0 or 1: the checkpoint cut short after that many of its batches (it takes several); else
        // stored whole, with what follows, but the older generations left.
        final int kept = random.nextInt(3) == 2 ? Integer.MAX_VALUE : random.nextInt(2);
        final String where = "seed " + seed + ", batches of the new generation kept " +
            (kept == Integer.MAX_VALUE ? "all, deletions lost" : kept);
        try (CursorFixture fixture = new CursorFixture(dir, CONFIG))
        {
            fixture.launch(ctx -> ctx.closeTimeoutMs(200));
            ops.spread(fixture.store, fixture.callbackId, 300);
            for (int i = 0; i < 2_000; i++)
            {
                ops.step(fixture.store, fixture.callbackId);
            }
            final long acceptedBefore = ops.accepted;
            CursorFixture.await(() -> fixture.durable.size() == acceptedBefore, where + ": the first operations durable");

            final long generation = fixture.store.generation();
            fixture.shards.freeze(generation + 1, kept);
            fixture.shards.ignoreDeletes = kept == Integer.MAX_VALUE;
            fixture.clock.advance(1_001);
            CursorFixture.await(() -> fixture.store.generation() == generation + 1, where + ": a checkpoint starts");

            final List<Map<String, String>> states = new ArrayList<>();
            final List<Long> ids = new ArrayList<>();
            states.add(ops.expectedStored());
            ids.add(ops.operations);
            for (int i = 0; i < 300; i++)
            {
                ops.step(fixture.store, fixture.callbackId);
                states.add(ops.expectedStored());
                ids.add(ops.operations);
            }
            fixture.crash();
            final Set<Long> durable = new HashSet<>(fixture.durable);
            int lastDurable = 0;
            for (int i = 0; i < ids.size(); i++)
            {
                if (durable.contains(ids.get(i)))
                {
                    lastDurable = i;
                }
            }

            fixture.launch(ctx -> ctx.closeTimeoutMs(200));
            final Map<String, String> recovered = CursorOps.actualStored(fixture.store);
            int match = -1;
            for (int i = states.size() - 1; i >= 0 && match < 0; i--)
            {
                if (states.get(i).equals(recovered))
                {
                    match = i;
                }
            }
            assertTrue(match >= 0, where + ": the recovered state is one the operations passed through");
            assertTrue(match >= lastDurable, where + ": recovered after operation " + match + ", but " + lastDurable +
                " was reported durable");
            if (kept == Integer.MAX_VALUE)
            {
                assertEquals(states.size() - 1, match, where + ": everything was stored");
            }
            else
            {
                assertEquals(0, lastDurable, where + ": nothing after the switch is reported while its checkpoint is not stored");
            }
            CursorFixture.await(() ->
            {
                fixture.clock.advance(100);
                return java.util.Arrays.stream(fixture.generations()).allMatch(g -> g >= fixture.store.generation());
            }, where + ": once the new checkpoint is stored, no older generation is left");
            assertEquals(fixture.store.generation(), fixture.generations()[0], where);
            final Map<String, String> before = CursorOps.actualStored(fixture.store);
            fixture.close();
            fixture.launch();
            assertEquals(before, CursorOps.actualStored(fixture.store), where + ": and it recovers from that one");
        }
    }
}
