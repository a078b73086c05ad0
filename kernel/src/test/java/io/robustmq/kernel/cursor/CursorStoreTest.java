package io.robustmq.kernel.cursor;

import io.robustmq.kernel.support.Seeds;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cursor store on a real journal: operations against the model, what a close and a reopen keep,
 * checkpoints in between, the limits, back-pressure and deletions.
 */
class CursorStoreTest
{
    private static final String SMALL = """
        [storage]
        segment_bytes = 65536
        [storage.cursors]
        buffer_bytes = 131072
        checkpoint_bytes = 8192
        max_unacknowledged = 50
        max_metadata_bytes = 64
        """;

    @TempDir
    Path temp;

    static LongStream seeds()
    {
        return Seeds.stream(4);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void outOfOrderAcknowledgementsSurviveRestartsAndCheckpoints(final long seed) throws Exception
    {
        final Path dir = Files.createDirectories(temp.resolve("s" + seed));
        final CursorOps ops = new CursorOps(seed, 3, 4, 50);
        try (CursorFixture fixture = new CursorFixture(dir, SMALL))
        {
            for (int round = 0; round < 3; round++)
            {
                final String where = "seed " + seed + " round " + round;
                fixture.launch();
                assertEquals(ops.expectedStored(), CursorOps.actualStored(fixture.store), where + ": recovered");
                ops.restarted();
                fixture.durable.clear();
                final long acceptedBefore = ops.accepted;
                final long firstId = ops.operations + 1;
                for (int i = 0; i < 3_000; i++)
                {
                    ops.step(fixture.store, fixture.callbackId);
                    if (i % 250 == 0)
                    {
                        assertEquals(ops.expected(), CursorOps.actual(fixture.store), where + " step " + i);
                        // Let the writer catch up now and then, so that checkpoints fall between operations.
                        final long sofar = ops.accepted - acceptedBefore;
                        CursorFixture.await(() -> fixture.durable.size() == sofar, where + " step " + i + ": durable");
                    }
                }
                final long accepted = ops.accepted - acceptedBefore;
                CursorFixture.await(() -> fixture.durable.size() == accepted, where + ": every operation durable");
                final List<Long> told = new ArrayList<>(fixture.durable);
                assertEquals(ops.acceptedIds.subList(ops.acceptedIds.size() - (int)accepted, ops.acceptedIds.size()), told,
                    where + ": callbacks told in the order the operations were accepted");
                assertTrue(told.isEmpty() || told.get(0) >= firstId, where);
                assertTrue(fixture.store.checkpoints() >= 2, where + ": checkpoints taken: " + fixture.store.checkpoints());
                // Older generations go once the checkpoint is stored and, for interval durability, two
                // flush intervals later (by the store's clock, which the test moves).
                CursorFixture.await(() ->
                {
                    fixture.clock.advance(100);
                    return java.util.Arrays.stream(fixture.generations()).allMatch(g -> g >= fixture.store.generation());
                }, where + ": older generations deleted (the next one is prepared ahead)");
                assertEquals(fixture.store.generation(), fixture.generations()[0], where);
                assertTrue(fixture.errors.isEmpty(), where + ": " + fixture.errors);
                fixture.close();
            }
        }
    }

    /**
     * The store's writer parks for an hour when idle here, so each commit below becomes durable
     * only if queueing it woke the writer and the journal's report of its batch woke it again.
     */
    @Test
    void aWriterThatParksForAnHourIsWokenByEachOperationAndEachStoredBatch() throws Exception
    {
        try (CursorFixture fixture = new CursorFixture(temp, SMALL).launch(ctx -> ctx.idleStrategy(
            new io.robustmq.journal.engine.WakeableIdleStrategy(0, java.util.concurrent.TimeUnit.HOURS.toNanos(1)))))
        {
            final Cursor cursor = fixture.store.open("woken", "orders/0");
            for (int i = 1; i <= 200; i++)
            {
                assertEquals(Cursor.OK, cursor.commit(i, 1, null, fixture.callbackId, i));
                final int durable = i;
                CursorFixture.await(() -> fixture.durable.size() == durable, "commit " + i + " durable");
            }
            fixture.close();
        }
    }

    @Test
    void keepsTheCommittedOffsetLeaderEpochAndMetadata() throws Exception
    {
        try (CursorFixture fixture = new CursorFixture(temp, SMALL).launch())
        {
            final Cursor cursor = fixture.store.open("payments-consumers", "payments/3");
            assertEquals(0, cursor.committedOffset());
            assertEquals(Cursor.NO_LEADER_EPOCH, cursor.leaderEpoch());
            assertEquals("", cursor.metadata());
            assertEquals(Cursor.OK, cursor.commit(42, 7, "consumer-1 at 12:00 \u2713", fixture.callbackId, 1));
            assertEquals(Cursor.METADATA_TOO_LARGE, cursor.commit(43, 7, "x".repeat(65), CursorStore.NO_CALLBACK, 0));
            assertEquals(Cursor.INVALID_OFFSET, cursor.commit(-1, 7, null, CursorStore.NO_CALLBACK, 0));
            assertEquals(Cursor.OK, fixture.store.open("other", "payments/3").commit(5, 1, null, fixture.callbackId, 2));
            assertEquals(42, cursor.committedOffset(), "visible at once");
            CursorFixture.await(() -> fixture.durable.size() == 2, "both commits durable");
            fixture.close();

            fixture.launch();
            final Cursor reopened = fixture.store.find("payments-consumers", "payments/3");
            assertEquals(42, reopened.committedOffset());
            assertEquals(42, reopened.deliveredOffset());
            assertEquals(7, reopened.leaderEpoch());
            assertEquals("consumer-1 at 12:00 \u2713", reopened.metadata());
            assertEquals("", fixture.store.find("other", "payments/3").metadata(), "null metadata is empty");
            assertNull(fixture.store.find("payments-consumers", "payments/4"));
            assertEquals(List.of("other", "payments-consumers"), fixture.store.groups());

            assertEquals(Cursor.OK, reopened.commit(10, 8, "back", CursorStore.NO_CALLBACK, 0), "a reset, backwards");
            assertEquals(10, reopened.committedOffset());
            fixture.close();
            fixture.launch();
            assertEquals(10, fixture.store.find("payments-consumers", "payments/3").committedOffset());
            assertEquals("back", fixture.store.find("payments-consumers", "payments/3").metadata());
        }
    }

    @Test
    void refusesDeliveriesBeyondTheUnacknowledgedLimit() throws Exception
    {
        final String toml = SMALL.replace("max_unacknowledged = 50", "max_unacknowledged = 4");
        try (CursorFixture fixture = new CursorFixture(temp, toml).launch())
        {
            final Cursor queue = fixture.store.open("queue:orders", "orders");
            assertEquals(4, fixture.store.maxUnacknowledged());
            for (long offset = 0; offset < 4; offset++)
            {
                assertEquals(Cursor.OK, queue.delivered(offset, CursorStore.NO_CALLBACK, 0));
            }
            assertEquals(Cursor.TOO_MANY_UNACKNOWLEDGED, queue.delivered(4, CursorStore.NO_CALLBACK, 0));
            assertEquals(4, queue.deliveredOffset(), "a refused delivery changes nothing");
            assertEquals(Cursor.ALREADY_DELIVERED, queue.delivered(2, CursorStore.NO_CALLBACK, 0));
            assertEquals(Cursor.OK, queue.acknowledge(2, false, CursorStore.NO_CALLBACK, 0));
            assertEquals(Cursor.NOT_UNACKNOWLEDGED, queue.acknowledge(2, false, CursorStore.NO_CALLBACK, 0));
            assertEquals(Cursor.OK, queue.delivered(6, fixture.callbackId, 1), "5 skipped");
            assertEquals(0, queue.committedOffset());
            CursorFixture.await(() -> fixture.durable.contains(1L), "the delivery durable");
            fixture.close();

            fixture.launch();
            final Cursor recovered = fixture.store.find("queue:orders", "orders");
            final long[] unacknowledged = new long[8];
            assertEquals(4, recovered.unacknowledged(0, unacknowledged), "to be redelivered");
            assertArrayEquals(new long[] {0, 1, 3, 6}, java.util.Arrays.copyOf(unacknowledged, 4));
            assertTrue(recovered.isUnacknowledged(3));
            assertFalse(recovered.isUnacknowledged(5), "skipped");
            assertEquals(7, recovered.deliveredOffset());
            assertEquals(Cursor.TOO_MANY_UNACKNOWLEDGED, recovered.delivered(7, CursorStore.NO_CALLBACK, 0));
            assertEquals(Cursor.OK, recovered.acknowledge(3, true, CursorStore.NO_CALLBACK, 0), "multiple: 0, 1 and 3");
            assertEquals(6, recovered.committedOffset());
            assertEquals(1, recovered.unacknowledgedCount());
            assertEquals(Cursor.OK, recovered.acknowledge(6, false, CursorStore.NO_CALLBACK, 0));
            assertEquals(7, recovered.committedOffset());
        }
    }

    @Test
    void backPressureIsAResultAndChangesNothing() throws Exception
    {
        try (CursorFixture fixture = new CursorFixture(temp, SMALL).launch())
        {
            final Cursor cursor = fixture.store.open("group", "shard");
            fixture.shards.backPressure = true;
            long offset = 0;
            int result;
            while ((result = cursor.commit(offset + 1, 0, null, CursorStore.NO_CALLBACK, 0)) == Cursor.OK)
            {
                offset++;
                assertTrue(offset < 1_000_000, "the queue is bounded");
            }
            assertEquals(Cursor.BACK_PRESSURED, result);
            assertEquals(offset, cursor.committedOffset(), "the refused commit changed nothing");
            assertTrue(offset > 1000, "the queue held " + offset + " commits");
            fixture.shards.backPressure = false;
            final long next = offset + 1;
            CursorFixture.await(() -> cursor.commit(next, 0, null, fixture.callbackId, next) == Cursor.OK,
                "the writer drains the queue");
            CursorFixture.await(() -> fixture.durable.contains(next), "the retried commit durable");
            fixture.close();
            fixture.launch();
            assertEquals(next, fixture.store.find("group", "shard").committedOffset());
        }
    }

    @Test
    void aBatchTheEngineRefusesIsReportedAndStoredAgainByACheckpoint() throws Exception
    {
        try (CursorFixture fixture = new CursorFixture(temp, SMALL).launch())
        {
            final Cursor cursor = fixture.store.open("group", "shard");
            assertEquals(Cursor.OK, cursor.commit(1, 0, "before", fixture.callbackId, 1));
            CursorFixture.await(() -> fixture.durable.contains(1L), "the first commit durable");
            final long checkpoints = fixture.store.checkpoints();
            fixture.shards.refuse = true;
            assertEquals(Cursor.OK, cursor.commit(2, 0, "refused", fixture.callbackId, 2), "applied in memory");
            CursorFixture.await(() -> fixture.failed.contains(2L), "the refused commit reported failed");
            assertEquals(2, cursor.committedOffset(), "the state in memory stays");
            fixture.shards.refuse = false;
            CursorFixture.await(() -> fixture.store.checkpoints() > checkpoints, "a checkpoint stores the state again");
            assertEquals(List.of(1L), new ArrayList<>(fixture.durable));
            fixture.close();
            fixture.launch();
            assertEquals(2, fixture.store.find("group", "shard").committedOffset(), "the checkpoint kept it");
            assertEquals("refused", fixture.store.find("group", "shard").metadata());
        }
    }

    @Test
    void closeStoresWhatWasQueued() throws Exception
    {
        try (CursorFixture fixture = new CursorFixture(temp, SMALL).launch())
        {
            final Cursor cursor = fixture.store.open("group", "shard");
            for (long i = 0; i < 1_000; i++)
            {
                final long offset = i;
                assertEquals(Cursor.OK, CursorOps.retry(() -> cursor.commit(offset + 1, 0, null, fixture.callbackId, offset)));
            }
            fixture.close();
            assertEquals(1_000, fixture.durable.size(), "close waited for every record and told every callback");
            assertEquals(Cursor.CLOSED, cursor.commit(1_001, 0, null, CursorStore.NO_CALLBACK, 0), "closed");
            fixture.launch();
            assertEquals(1_000, fixture.store.find("group", "shard").committedOffset());
        }
    }

    @Test
    void deletesCursorsGroupsAndShards() throws Exception
    {
        try (CursorFixture fixture = new CursorFixture(temp, SMALL).launch())
        {
            final CursorStore store = fixture.store;
            for (final String group : List.of("g1", "g2"))
            {
                for (final String shard : List.of("s1", "s2", "s3"))
                {
                    assertEquals(Cursor.OK, store.open(group, shard).commit(7, 0, null, CursorStore.NO_CALLBACK, 0));
                }
            }
            store.open("g3", "s1");
            final Cursor g1s1 = store.find("g1", "s1");
            assertEquals(Cursor.OK, store.deleteShard("s1", fixture.callbackId, 1));
            assertTrue(g1s1.isDeleted());
            assertEquals(Cursor.CLOSED, g1s1.commit(8, 0, null, CursorStore.NO_CALLBACK, 0), "a deleted handle");
            assertEquals(List.of("g1", "g2"), store.groups());
            assertEquals(Cursor.OK, store.deleteGroup("g1", fixture.callbackId, 2));
            assertEquals(Cursor.OK, store.delete("g2", "s2", fixture.callbackId, 3));
            assertEquals(Cursor.OK, store.delete("g2", "nothing", fixture.callbackId, 4));
            assertEquals(List.of("s3"), store.cursors("g2").stream().map(Cursor::shard).toList());
            assertEquals(0, store.open("g1", "s2").committedOffset(), "a deleted cursor opens afresh");
            assertEquals(Cursor.OK, store.open("g1", "s2").commit(3, 0, null, fixture.callbackId, 5));
            CursorFixture.await(() -> fixture.durable.size() == 5, "every deletion durable");
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L), new ArrayList<>(fixture.durable));
            fixture.close();

            fixture.launch();
            assertEquals(List.of("g1", "g2"), fixture.store.groups());
            assertEquals(3, fixture.store.find("g1", "s2").committedOffset());
            assertEquals(7, fixture.store.find("g2", "s3").committedOffset());
            assertEquals(2, fixture.store.size());
        }
    }
}
