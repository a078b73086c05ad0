package io.robustmq.bench.journal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.cursor.KernelCursorStore;
import io.robustmq.kernel.storage.JournalService;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorCallback;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The cursor store: consumer-group commits (Kafka's OffsetCommit) from {@value #GROUPS} concurrent
 * groups, each its own thread and its own cursor, on the Journal component as a node launches it
 * with the default settings ({@code interval} durability: a commit is durable once its batch is in
 * the mapped segment, forced every second). One operation is one commit, and the group waits for its
 * durable callback (parked, as {@link GroupCommitBenchmark}'s producers wait) before the next, as an
 * OffsetCommit response waits for it: the writer packs the commits of every group waiting into one
 * append. The metadata stays the same from commit to commit (as a consumer's usually does), so a
 * commit's record is 24 bytes.
 * <p>
 * A variant whose groups do not wait is left out on purpose: with 64 threads on a few cores and
 * operations of tens of nanoseconds, JMH's per-thread throughput sum is dominated by how the threads
 * were scheduled, not by the store; the store's own counter ({@code records} in the per-iteration
 * line) is the honest measure of what its writer takes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class CursorCommitBenchmark
{
    /** Concurrent groups, one thread each. */
    public static final int GROUPS = 64;

    /** The Journal component and its cursor store, and one callback per group, all registered first. */
    @State(Scope.Benchmark)
    public static class Store
    {
        Path dir;
        JournalService service;
        KernelCursorStore cursors;
        Waiter[] waiters;
        final AtomicInteger claimed = new AtomicInteger();

        @Setup(Level.Trial)
        public void launch()
        {
            dir = BenchFiles.newDirectory("cursor-commit-");
            service = JournalService.launch(
                ServerConfig.read(ConfigSource.load(null, Map.of(), new Properties())).storage(),
                dir.resolve("journal"), new SimpleMeterRegistry());
            cursors = service.cursors();
            waiters = new Waiter[GROUPS];
            for (int i = 0; i < waiters.length; i++)
            {
                waiters[i] = new Waiter();
                waiters[i].callbackId = cursors.register(waiters[i]);
            }
        }

        @TearDown(Level.Iteration)
        public void report()
        {
            System.out.printf("robustmq-bench: cursor store so far: %d records, %d checkpoints, %d cursors%n",
                cursors.recordsAppended(), cursors.checkpoints(), cursors.size());
        }

        @TearDown(Level.Trial)
        public void close()
        {
            if (service != null)
            {
                service.close();
                service = null;
            }
            BenchFiles.delete(dir);
        }
    }

    /** What the writer tells one group: it unparks the group's thread. */
    static final class Waiter implements CursorCallback
    {
        int callbackId;
        volatile Thread thread;
        volatile long durable;
        volatile int failure;

        @Override
        public void onDurable(final long correlationId)
        {
            durable = correlationId;
            LockSupport.unpark(thread);
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            failure = reason;
            durable = correlationId;
            LockSupport.unpark(thread);
        }
    }

    /** One group: its cursor and its callback. */
    @State(Scope.Thread)
    public static class Group
    {
        private Cursor cursor;
        private Waiter waiter;
        private long offset;

        @Setup(Level.Trial)
        public void claim(final Store store)
        {
            final int index = store.claimed.getAndIncrement();
            waiter = store.waiters[index];
            waiter.thread = Thread.currentThread();
            cursor = store.cursors.open("group-" + index, "orders/" + (index % 8));
            offset = cursor.committedOffset();
        }

        long commitAndWait()
        {
            final long next = ++offset;
            final Waiter waiter = this.waiter;
            int result;
            while ((result = cursor.commit(next, 1, "", waiter.callbackId, next)) == Cursor.BACK_PRESSURED)
            {
                Thread.yield();
            }
            if (result != Cursor.OK)
            {
                throw new IllegalStateException("commit refused: " + result);
            }
            while (waiter.durable != next)
            {
                LockSupport.park(this);
            }
            if (waiter.failure != 0)
            {
                throw new IllegalStateException("commit failed: reason " + waiter.failure);
            }
            return next;
        }
    }

    @Benchmark
    @Threads(GROUPS)
    public long commitDurable(final Store store, final Group group)
    {
        return group.commitAndWait();
    }
}
