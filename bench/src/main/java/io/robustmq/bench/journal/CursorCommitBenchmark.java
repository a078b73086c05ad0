package io.robustmq.bench.journal;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.cursor.KernelCursorStore;
import io.robustmq.kernel.storage.JournalService;
import io.robustmq.kernel.storage.NoTopicsMetadata;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorCallback;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
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
 * groups, each with its own cursor, on the Journal component as a node launches it with the default
 * settings ({@code interval} durability: a commit is durable once its batch is in the mapped
 * segment, forced every second). Each group has one commit outstanding at a time: it commits again
 * only once the store has reported the last one durable, as a consumer waits for its OffsetCommit
 * response. The writer packs the commits of every group waiting into one append. The metadata stays
 * the same from commit to commit (as a consumer's usually does), so a commit's record is 24 bytes.
 * <ul>
 *   <li>{@code commitDurable}: the groups are served by {@value #LOOPS} threads, {@value #GROUPS} /
 *       {@value #LOOPS} each, as a plugin's event loops serve their connections: the store's
 *       callback hands a completed commit to its loop's queue (waking the loop if it sleeps), and the
 *       loop commits that group's next offset. One operation is one commit made durable.</li>
 *   <li>{@code commitDurableThreadPerGroup}: each group is a thread of its own that parks until its
 *       commit is durable (as {@link GroupCommitBenchmark}'s producers do): on a small machine this
 *       mostly measures 64 thread wake-ups per batch, which event loops avoid.</li>
 * </ul>
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
    /** Concurrent groups. */
    public static final int GROUPS = 64;
    /** The threads that serve them in {@code commitDurable}, as event loops. */
    public static final int LOOPS = 2;

    /** The Journal component and its cursor store, and one callback per group, all registered first. */
    @State(Scope.Benchmark)
    public static class Store
    {
        Path dir;
        JournalService service;
        KernelCursorStore cursors;
        Waiter[] waiters;
        final AtomicInteger claimed = new AtomicInteger();
        final AtomicInteger loops = new AtomicInteger();

        @Setup(Level.Trial)
        public void launch()
        {
            dir = BenchFiles.newDirectory("cursor-commit-");
            service = JournalService.launch(
                ServerConfig.read(ConfigSource.load(null, Map.of(), new Properties())).storage(),
                dir.resolve("journal"), new SimpleMeterRegistry(), NoTopicsMetadata.create(), 1);
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

    /**
     * An event loop serving {@value #GROUPS} / {@value #LOOPS} groups: the store's callback queues each
     * completed commit (the group's index, in the low bits of the correlation id) and wakes the loop
     * if it waits.
     */
    @State(Scope.Thread)
    public static class Loop implements CursorCallback
    {
        private static final int INDEX_BITS = 8;

        private final ManyToOneConcurrentArrayQueue<Integer> completed = new ManyToOneConcurrentArrayQueue<>(GROUPS);
        private Cursor[] cursors;
        private long[] offsets;
        private int callbackId;
        private volatile Thread thread;
        private volatile boolean waiting;
        private volatile int failure;

        @Setup(Level.Trial)
        public void start(final Store store)
        {
            final int loop = store.loops.getAndIncrement();
            final int groups = GROUPS / LOOPS;
            cursors = new Cursor[groups];
            offsets = new long[groups];
            thread = Thread.currentThread();
            callbackId = store.cursors.register(this);
            for (int i = 0; i < groups; i++)
            {
                cursors[i] = store.cursors.open("loop-" + loop + "-group-" + i, "orders/" + (i % 8));
                offsets[i] = cursors[i].committedOffset();
                commit(i);
            }
        }

        long next()
        {
            Integer index;
            while ((index = completed.poll()) == null)
            {
                waiting = true;
                if (completed.isEmpty())
                {
                    LockSupport.park(this);
                }
                waiting = false;
            }
            if (failure != 0)
            {
                throw new IllegalStateException("commit failed: reason " + failure);
            }
            return commit(index);
        }

        private long commit(final int index)
        {
            final long next = ++offsets[index];
            int result;
            while ((result = cursors[index].commit(next, 1, "", callbackId, (next << INDEX_BITS) | index)) ==
                Cursor.BACK_PRESSURED)
            {
                Thread.yield();
            }
            if (result != Cursor.OK)
            {
                throw new IllegalStateException("commit refused: " + result);
            }
            return next;
        }

        @Override
        public void onDurable(final long correlationId)
        {
            // Indexes below 128 are cached Integers: nothing is allocated.
            completed.offer((int)(correlationId & ((1 << INDEX_BITS) - 1)));
            if (waiting)
            {
                LockSupport.unpark(thread);
            }
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            failure = reason;
            onDurable(correlationId);
        }
    }

    @Benchmark
    @Threads(LOOPS)
    public long commitDurable(final Store store, final Loop loop)
    {
        return loop.next();
    }

    @Benchmark
    @Threads(GROUPS)
    public long commitDurableThreadPerGroup(final Store store, final Group group)
    {
        return group.commitAndWait();
    }
}
