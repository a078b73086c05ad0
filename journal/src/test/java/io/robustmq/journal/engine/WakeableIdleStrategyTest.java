package io.robustmq.journal.engine;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The idle strategy's parks are an hour long here, so every step below that completes within the
 * test's timeout was made by a wake: a lost one stalls the test and fails it.
 */
@Timeout(60)
class WakeableIdleStrategyTest
{
    private static final long HOUR_NS = TimeUnit.HOURS.toNanos(1);

    @TempDir
    Path dir;

    /**
     * Spin until the condition holds; fail if it does not within 20 s (a park lasts an hour here).
     */
    private static void await(final java.util.function.BooleanSupplier condition)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("not woken within 20 s");
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void noWakeIsLostBetweenAWorkerAndItsProducer() throws Exception
    {
        final WakeableIdleStrategy idle = new WakeableIdleStrategy(0, HOUR_NS);
        final AtomicLong queued = new AtomicLong();
        final AtomicLong taken = new AtomicLong();
        final int rounds = 20_000;
        final Thread worker = new Thread(() ->
        {
            while (taken.get() < rounds)
            {
                final long available = queued.get();
                final int work = (int)(available - taken.get());
                taken.set(available);
                idle.idle(work);
            }
        }, "wakeable-worker");
        worker.setDaemon(true);
        worker.start();
        for (int i = 1; i <= rounds; i++)
        {
            queued.set(i);
            idle.wake();
            final long round = i;
            await(() -> taken.get() >= round);
        }
        worker.join();
        assertEquals(rounds, taken.get());
    }

    @Test
    void aWakeBeforeTheParkMakesItReturnAtOnce()
    {
        final WakeableIdleStrategy idle = new WakeableIdleStrategy(0, HOUR_NS);
        idle.wake();
        idle.idle(0);
        idle.wake();
        idle.idle();
    }

    @Test
    void refusesANegativeSpinCountOrAnEmptyPark()
    {
        assertThrows(IllegalArgumentException.class, () -> new WakeableIdleStrategy(-1, HOUR_NS));
        assertThrows(IllegalArgumentException.class, () -> new WakeableIdleStrategy(0, 0));
    }

    @Test
    void appendsAndCommandsWakeTheJournalWriter() throws Exception
    {
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)
            .idleStrategy(() -> new WakeableIdleStrategy(0, HOUR_NS))))
        {
            final JournalShard shard = journal.createShard("woken",
                new ShardConfig(64 * 1024, 1024, Durability.NONE, 1000, 0, 0));
            final AtomicLong last = new AtomicLong(-1);
            final int completionId = journal.registerCompletion(new AppendCompletion()
            {
                @Override
                public void onAppended(final long correlationId, final long baseOffset)
                {
                    last.set(baseOffset);
                }

                @Override
                public void onFailed(final long correlationId, final int reason)
                {
                    last.set(-2);
                }
            });
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < 2_000; i++)
            {
                assertEquals(JournalShard.SUBMITTED, shard.append(payload, 0, 64, 1, i, 7, completionId, i));
                final long offset = i;
                await(() -> last.get() == offset);
            }
            // A command (here: deleting the shard) runs on the writer's thread, woken by it.
            journal.deleteShard("woken");
            assertEquals(null, journal.shard("woken"));
        }
    }
}
