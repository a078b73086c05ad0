package io.robustmq.bench.journal;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;
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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link ShardLog#append} from its one writer thread, with segment rolls kept off the measured path.
 * One operation is one append of {@code batch} records of {@code recordSize} bytes (one frame of
 * {@code recordSize * batch} payload bytes, record count {@code batch}), followed by what the
 * durability mode asks of the writer:
 * <ul>
 *   <li>{@code none}: nothing;</li>
 *   <li>{@code interval}: {@link ShardLog#forceIfDue} with the time now, the flush interval being
 *       {@value #INTERVAL_FLUSH_MS} ms so that forces land inside the short iterations (the bytes
 *       forced per second, which is what costs, are the same at any interval);</li>
 *   <li>{@code always}: {@link ShardLog#force}: one fsync per append, so with a batch of 1, one
 *       fsync per record.</li>
 * </ul>
 * Payload bytes per second = ops/s x recordSize x batch; records per second = ops/s x batch.
 * <p>
 * Rolls: for {@code none} and {@code interval} the segment is as large as ShardLog allows
 * ({@value #SEGMENT_BYTES_PROP_NAME}, default 2 GiB less 4 KiB) and iterations are short (200 ms);
 * {@code always}, which writes little, keeps the default 64 MiB segment (a 2 GiB one would have the
 * kernel writing back 2 GiB of pre-touched zeros while the benchmark waits for its fsyncs). Before
 * each iteration, if what is left of the segment is less than half of it, or less than twice what the
 * last iteration wrote, the log is thrown away (its files truncated, so that the dirty pages are
 * dropped rather than written back, then closed and deleted) and a fresh one opened, with a new
 * pre-touched segment: all outside the measurement. An iteration that still rolls prints a line
 * starting with {@value #ROLL_WARNING}. What rolls cost is measured by
 * {@link JournalSustainedAppendBenchmark}.
 * <p>
 * Threading: the state is {@link Scope#Thread}, so JMH runs its set-up and tear-down on the
 * benchmark's own thread, which the log takes as its writer at the first append; closing, and
 * replacing the log between iterations, happen on that thread too.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 200, timeUnit = TimeUnit.MILLISECONDS)
@Measurement(time = 200, timeUnit = TimeUnit.MILLISECONDS)
public class JournalAppendBenchmark
{
    /** System property: the segment size, bytes. */
    public static final String SEGMENT_BYTES_PROP_NAME = "robustmq.bench.segment.bytes";
    /**
     * 2 GiB less one page: the largest segment ShardLog can use today (positions are ints, and
     * Segment's pre-touch loop overflows for a segment within a page of Integer.MAX_VALUE).
     */
    public static final int SEGMENT_BYTES_DEFAULT = Integer.MAX_VALUE - 4095;
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
    private Path dir;
    private ShardLog log;
    private long bytesAtIterationStart;
    private int segmentsAtIterationStart;
    private long lastIterationBytes;

    @Setup(Level.Trial)
    public void openLog()
    {
        mode = Durability.fromLabel(durability);
        final int segmentBytes = mode == Durability.ALWAYS ? ShardConfig.defaults(mode).segmentBytes() :
            Integer.getInteger(SEGMENT_BYTES_PROP_NAME, SEGMENT_BYTES_DEFAULT);
        config = new ShardConfig(segmentBytes, 4096, mode, INTERVAL_FLUSH_MS, 0, 0);
        length = recordSize * batch;
        payload = Records.payload(recordSize, batch);
        reopen();
    }

    @Setup(Level.Iteration)
    public void makeRoom()
    {
        final long free = config.segmentBytes() - log.sizeBytes();
        if (log.segmentCount() > 1 || free < Math.max(2 * lastIterationBytes, config.segmentBytes() / 2))
        {
            reopen();
        }
        bytesAtIterationStart = log.sizeBytes();
        segmentsAtIterationStart = log.segmentCount();
    }

    @TearDown(Level.Iteration)
    public void account()
    {
        lastIterationBytes = log.sizeBytes() - bytesAtIterationStart;
        if (log.segmentCount() != segmentsAtIterationStart)
        {
            System.out.println(ROLL_WARNING + " (" + lastIterationBytes + " bytes written, segment of " +
                config.segmentBytes() + "): shorten the iteration");
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
    }

    @Benchmark
    public long append()
    {
        final ShardLog log = this.log;
        final long baseOffset = log.append(payload, 0, length, batch, Records.TIMESTAMP, Records.FORMAT);
        if (mode == Durability.ALWAYS)
        {
            log.force();
        }
        else if (mode == Durability.INTERVAL)
        {
            log.forceIfDue(System.currentTimeMillis());
        }
        return baseOffset;
    }
}
