package io.robustmq.bench.journal;

import io.robustmq.journal.Durability;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The journal writer's part of an append, as the journal engine's writer does it: {@link ShardLog#append}
 * with the payload CRC already computed (the engine's producers compute it on their own thread as they
 * copy the batch into the writer's ring; see {@code JournalShard.append}), so one operation is the
 * writer's copy of {@code recordSize * batch} payload bytes into the mapped segment, the frame header
 * (its header CRC over 28 bytes included) and the publication, then what the durability mode asks of
 * the writer:
 * <ul>
 *   <li>{@code none}: nothing;</li>
 *   <li>{@code interval}: {@link ShardLog#forceIfDue} with the time now, the flush interval being
 *       {@value #INTERVAL_FLUSH_MS} ms so that forces land inside the iterations (the bytes forced per
 *       second, which is what costs, are the same at any interval);</li>
 *   <li>{@code always}: {@link ShardLog#force}: one fsync per append, so with a batch of 1, one fsync
 *       per record.</li>
 * </ul>
 * The producer's CRC is a separate cost, on another thread: {@link FrameCrcBenchmark} measures it.
 * Payload bytes per second = ops/s x recordSize x batch; records per second = ops/s x batch.
 * <p>
 * Kept outside the measurement: segment rolls, creating and pre-touching segments, and the kernel's
 * write-back of them. Each benchmark method invocation makes {@value #APPENDS_PER_INVOCATION} appends
 * (JMH counts each as one operation, and times only the invocation). Before an invocation (JMH's
 * {@link Level#Invocation} set-up, not timed), if the segment has less room than that, the log is
 * thrown away (its files truncated, so the kernel drops their dirty pages instead of writing them back)
 * and a fresh one opened, with a new pre-touched segment of {@link #segmentBytes} bytes:
 * {@value #MIN_SEGMENT_BYTES}, or twice an invocation's frames if more. So no append ever rolls, and the dirty
 * pages of a segment stay far below the kernel's background write-back threshold: the flusher threads
 * do not write pre-touched pages back while appends run (which write-protects them, so that every
 * append to a new page then takes a fault). An iteration that still rolls prints a line starting with
 * {@value #ROLL_WARNING}. What rolls and write-back cost is measured by
 * {@link JournalSustainedAppendBenchmark}.
 * <p>
 * Threading: the state is {@link Scope#Thread}, so JMH runs its set-up and tear-down on the
 * benchmark's own thread, which the log takes as its writer at the first append; closing, and
 * replacing the log, happen on that thread too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class JournalAppendBenchmark
{
    /** Appends per benchmark method invocation: each is one operation. */
    public static final int APPENDS_PER_INVOCATION = 1024;
    /**
     * The smallest segment: 256 MiB, so that a segment is replaced (outside the measurement) only every
     * few hundred invocations, yet its dirty pages stay far below the kernel's background write-back
     * threshold (10% of the available memory by default: about 2.3 GB on the 23 GiB machine of
     * docs/benchmarks.md, where the 2 GiB segments used before crossed it).
     */
    public static final int MIN_SEGMENT_BYTES = 256 * 1024 * 1024;
    /** The flush interval of the {@code interval} mode, ms. */
    public static final long INTERVAL_FLUSH_MS = 100;
    /** Printed (to the fork's output, which JMH shows) when a segment rolled inside an iteration. */
    public static final String ROLL_WARNING = "robustmq-bench: WARNING: segment roll in a measured iteration";

    @Param({"100", "1024"})
    public int recordSize;

    @Param({"1", "64"})
    public int batch;

    @Param({"none", "interval", "always"})
    public String durability;

    private Durability mode;
    private ShardConfig config;
    private UnsafeBuffer payload;
    private int length;
    private long payloadCrc;
    private long invocationBytes;
    private Path dir;
    private ShardLog log;
    private int segmentsAtIterationStart;

    /**
     * @param payloadBytes payload bytes per append.
     * @return the segment size the append benchmarks (and their baselines) use:
     * {@value #MIN_SEGMENT_BYTES}, or twice the frames of one invocation if more, rounded up to a page.
     */
    public static int segmentBytes(final int payloadBytes)
    {
        final long frames = 2L * APPENDS_PER_INVOCATION *
            FrameDescriptor.alignedLength(FrameDescriptor.frameLength(payloadBytes));
        return (int)Math.max(MIN_SEGMENT_BYTES, (frames + 4095) & ~4095L);
    }

    @Setup(Level.Trial)
    public void openLog()
    {
        mode = Durability.fromLabel(durability);
        length = recordSize * batch;
        config = new ShardConfig(segmentBytes(length), 4096, mode, INTERVAL_FLUSH_MS, 0, 0);
        payload = Records.payload(recordSize, batch);
        payloadCrc = Records.payloadCrc(payload, length);
        invocationBytes = (long)APPENDS_PER_INVOCATION *
            FrameDescriptor.alignedLength(FrameDescriptor.frameLength(length));
        reopen();
    }

    @Setup(Level.Invocation)
    public void makeRoom()
    {
        if (log.segmentCount() > 1 || config.segmentBytes() - log.sizeBytes() < invocationBytes)
        {
            reopen();
        }
    }

    @Setup(Level.Iteration)
    public void markIteration()
    {
        segmentsAtIterationStart = log.segmentCount();
    }

    @TearDown(Level.Iteration)
    public void checkRolls()
    {
        if (log.segmentCount() != segmentsAtIterationStart)
        {
            System.out.println(ROLL_WARNING + " (segment of " + config.segmentBytes() + " bytes)");
        }
    }

    @TearDown(Level.Trial)
    public void closeLog()
    {
        log = ShardLogs.discard(log, dir);
    }

    private void reopen()
    {
        closeLog();
        dir = BenchFiles.newDirectory("journal-append-");
        log = ShardLogs.open(dir, config);
        segmentsAtIterationStart = log.segmentCount();
    }

    @Benchmark
    @OperationsPerInvocation(APPENDS_PER_INVOCATION)
    public long append()
    {
        final ShardLog log = this.log;
        final UnsafeBuffer payload = this.payload;
        final int length = this.length;
        final int batch = this.batch;
        final long payloadCrc = this.payloadCrc;
        final Durability mode = this.mode;
        long baseOffset = 0;
        for (int i = 0; i < APPENDS_PER_INVOCATION; i++)
        {
            baseOffset = log.append(payload, 0, length, batch, Records.TIMESTAMP, Records.FORMAT, 0, payloadCrc,
                null, 0);
            if (mode == Durability.ALWAYS)
            {
                log.force();
            }
            else if (mode == Durability.INTERVAL)
            {
                log.forceIfDue(System.currentTimeMillis());
            }
        }
        return baseOffset;
    }
}
