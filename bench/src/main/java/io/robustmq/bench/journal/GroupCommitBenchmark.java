package io.robustmq.bench.journal;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;
import io.robustmq.journal.engine.AppendCompletion;
import io.robustmq.journal.engine.Journal;
import io.robustmq.journal.engine.JournalShard;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Durability {@code always}: what group commit buys. One operation is one record of
 * {@code recordSize} bytes appended and stored durably (forced to the device) before the producer
 * goes on; bytes per second = ops/s x recordSize (ops summed over the producer threads).
 * <ul>
 *   <li>{@code fsyncEach}: one thread appends straight to a {@link ShardLog} and forces after each
 *       record: one fsync per record, the baseline;</li>
 *   <li>{@code groupCommit}: {@value #PRODUCERS} producers submit to one shard of a {@link Journal}
 *       (one writer agent), each with one record in flight: it submits its next record once the
 *       last one is durable, as a client waits for its acknowledgement. The producers are served
 *       by {@value #LOOPS} threads, {@value #PRODUCERS} / {@value #LOOPS} each, as the broker's event
 *       loops serve connections: the writer's completion hands the producer's index to its loop's
 *       queue (waking the loop if it waits), and the loop submits that producer's next record. The
 *       writer forces once per duty cycle for every append it took (group commit);</li>
 *   <li>{@code groupCommitThreadPerProducer}: the same {@value #PRODUCERS} producers, each a thread
 *       of its own that parks until its record is durable: on a small machine this mostly measures
 *       {@value #PRODUCERS} thread wake-ups per force, which event loops avoid;</li>
 *   <li>{@code oneProducer}: the same journal with a single such producer, to show what the
 *       hand-off to the writer costs when nothing is shared.</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class GroupCommitBenchmark
{
    /** Concurrent producers of {@link #groupCommit} and {@link #groupCommitThreadPerProducer}. */
    public static final int PRODUCERS = 64;
    /** The threads that serve them in {@link #groupCommit}, as event loops. */
    public static final int LOOPS = 2;

    /** The records, shared by every benchmark here. */
    @State(Scope.Benchmark)
    public static class Records
    {
        @Param({"1024"})
        public int recordSize;

        UnsafeBuffer payload;

        @Setup(Level.Trial)
        public void prepare()
        {
            payload = io.robustmq.bench.journal.Records.payload(recordSize, 1);
        }
    }

    /**
     * A running journal with one {@code always} shard, shared by the producers, and one completion
     * per producer, every one registered before any producer appends (registering while another
     * producer appends races the writer's per-cycle copy of the completion table: see
     * docs/benchmarks.md).
     */
    @State(Scope.Benchmark)
    public static class Engine
    {
        Path dir;
        Journal journal;
        JournalShard shard;
        Completion[] completions;
        Loop.Completions[] loopCompletions;
        final AtomicInteger claimed = new AtomicInteger();
        final AtomicInteger loops = new AtomicInteger();

        @Setup(Level.Trial)
        public void launch()
        {
            dir = BenchFiles.newDirectory("group-commit-");
            journal = Journal.launch(new Journal.Context().directory(dir).writers(1)
                .errorHandler(Throwable::printStackTrace));
            shard = journal.createShard("bench", ShardConfig.defaults(Durability.ALWAYS));
            completions = new Completion[PRODUCERS];
            for (int i = 0; i < PRODUCERS; i++)
            {
                completions[i] = new Completion();
                completions[i].completionId = journal.registerCompletion(completions[i]);
            }
            loopCompletions = new Loop.Completions[LOOPS];
            for (int i = 0; i < LOOPS; i++)
            {
                loopCompletions[i] = new Loop.Completions();
                loopCompletions[i].completionId = journal.registerCompletion(loopCompletions[i]);
            }
        }

        @TearDown(Level.Iteration)
        public void report()
        {
            final long appends = journal.appends();
            final long forces = journal.forces();
            System.out.printf("robustmq-bench: group commit so far: %d appends, %d forces, %.1f appends per force%n",
                appends, forces, forces == 0 ? 0.0 : (double)appends / forces);
        }

        @TearDown(Level.Trial)
        public void close()
        {
            if (journal != null)
            {
                journal.close();
                journal = null;
            }
            BenchFiles.delete(dir);
        }
    }

    /** What the writer tells one producer: it unparks the producer's thread. */
    static final class Completion implements AppendCompletion
    {
        int completionId;
        volatile Thread thread;
        volatile long completed;
        volatile int failure;

        @Override
        public void onAppended(final long correlationId, final long baseOffset)
        {
            completed = correlationId;
            LockSupport.unpark(thread);
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            failure = reason;
            completed = correlationId;
            LockSupport.unpark(thread);
        }
    }

    /** One producer: submits a record and parks until the writer completes it. */
    @State(Scope.Thread)
    public static class Producer
    {
        private Completion completion;
        private long correlationId;

        @Setup(Level.Trial)
        public void claim(final Engine engine)
        {
            completion = engine.completions[engine.claimed.getAndIncrement()];
            completion.thread = Thread.currentThread();
        }

        long appendAndWait(final JournalShard shard, final UnsafeBuffer payload, final int length)
        {
            final Completion completion = this.completion;
            final long id = ++correlationId;
            int result;
            while ((result = shard.append(payload, 0, length, 1, io.robustmq.bench.journal.Records.TIMESTAMP,
                io.robustmq.bench.journal.Records.FORMAT, completion.completionId, id)) == JournalShard.BACK_PRESSURED)
            {
                Thread.yield();
            }
            if (result != JournalShard.SUBMITTED)
            {
                throw new IllegalStateException("append refused: " + result);
            }
            while (completion.completed != id)
            {
                LockSupport.park(this);
            }
            if (completion.failure != 0)
            {
                throw new IllegalStateException("append failed: reason " + completion.failure);
            }
            return id;
        }
    }

    /**
     * An event loop serving {@value #PRODUCERS} / {@value #LOOPS} producers, each with one record in
     * flight: the correlation id carries the producer's index in its low bits.
     */
    @State(Scope.Thread)
    public static class Loop
    {
        private static final int INDEX_BITS = 8;

        private Completions completions;
        private JournalShard shard;
        private UnsafeBuffer payload;
        private int length;
        private long[] sequences;

        /**
         * What the writer tells a loop: it queues the producer's index and wakes the loop if it waits,
         * once per wait (as a Netty event loop is woken once, however many tasks are queued to it).
         */
        static final class Completions implements AppendCompletion
        {
            private final ManyToOneConcurrentArrayQueue<Integer> completed =
                new ManyToOneConcurrentArrayQueue<>(PRODUCERS);
            int completionId;
            volatile Thread thread;
            final AtomicBoolean waiting = new AtomicBoolean();
            volatile int failure;

            @Override
            public void onAppended(final long correlationId, final long baseOffset)
            {
                // Indexes below 128 are cached Integers: nothing is allocated.
                completed.offer((int)(correlationId & ((1 << INDEX_BITS) - 1)));
                if (waiting.get() && waiting.compareAndSet(true, false))
                {
                    LockSupport.unpark(thread);
                }
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                failure = reason;
                onAppended(correlationId, -1);
            }
        }

        @Setup(Level.Trial)
        public void start(final Records records, final Engine engine)
        {
            completions = engine.loopCompletions[engine.loops.getAndIncrement()];
            completions.thread = Thread.currentThread();
            shard = engine.shard;
            payload = records.payload;
            length = records.recordSize;
            sequences = new long[PRODUCERS / LOOPS];
            for (int i = 0; i < sequences.length; i++)
            {
                submit(i);
            }
        }

        /** Wait for one of this loop's records to be durable, then submit that producer's next. */
        long next()
        {
            final Completions completions = this.completions;
            Integer index;
            while ((index = completions.completed.poll()) == null)
            {
                completions.waiting.set(true);
                if (completions.completed.isEmpty())
                {
                    LockSupport.park(this);
                }
                completions.waiting.set(false);
            }
            if (completions.failure != 0)
            {
                throw new IllegalStateException("append failed: reason " + completions.failure);
            }
            return submit(index);
        }

        private long submit(final int index)
        {
            final long sequence = ++sequences[index];
            int result;
            while ((result = shard.append(payload, 0, length, 1, io.robustmq.bench.journal.Records.TIMESTAMP,
                io.robustmq.bench.journal.Records.FORMAT, completions.completionId, (sequence << INDEX_BITS) | index)) ==
                JournalShard.BACK_PRESSURED)
            {
                Thread.yield();
            }
            if (result != JournalShard.SUBMITTED)
            {
                throw new IllegalStateException("append refused: " + result);
            }
            return sequence;
        }
    }

    /** A log of its own for the one-fsync-per-record baseline, written by the benchmark thread. */
    @State(Scope.Thread)
    public static class DirectLog
    {
        Path dir;
        ShardLog log;

        @Setup(Level.Trial)
        public void open()
        {
            dir = BenchFiles.newDirectory("fsync-each-");
            log = ShardLogs.open(dir, ShardConfig.defaults(Durability.ALWAYS));
        }

        @TearDown(Level.Trial)
        public void close()
        {
            log = ShardLogs.discard(log, dir);
        }
    }

    @Benchmark
    @Threads(1)
    public long fsyncEach(final Records records, final DirectLog direct)
    {
        final long baseOffset = direct.log.append(records.payload, 0, records.recordSize, 1,
            io.robustmq.bench.journal.Records.TIMESTAMP, io.robustmq.bench.journal.Records.FORMAT);
        direct.log.force();
        return baseOffset;
    }

    @Benchmark
    @Threads(LOOPS)
    public long groupCommit(final Engine engine, final Loop loop)
    {
        return loop.next();
    }

    @Benchmark
    @Threads(PRODUCERS)
    public long groupCommitThreadPerProducer(final Records records, final Engine engine, final Producer producer)
    {
        return producer.appendAndWait(engine.shard, records.payload, records.recordSize);
    }

    @Benchmark
    @Threads(1)
    public long oneProducer(final Records records, final Engine engine, final Producer producer)
    {
        return producer.appendAndWait(engine.shard, records.payload, records.recordSize);
    }
}
