package io.robustmq.bench.journal;

import io.robustmq.journal.Durability;
import io.robustmq.journal.SegmentPreparer;
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
 * {@link ShardLog#append} as a shard of the journal engine runs: the default configuration (64 MiB
 * segments, 1 s flush interval) and a {@link SegmentPreparer}, so that segment rolls happen on the
 * measured path, with whatever they cost the writer thread (forcing the full segment, taking the
 * next one that the preparer made ready, or creating it if it is not ready), and the preparer's
 * background work (pre-touching the next segment, sealing the last) competes for the CPUs. Retention keeps
 * {@value #RETENTION_BYTES} bytes (enforced between iterations, by the writer). The operation is
 * {@link JournalAppendBenchmark}'s; bytes per second = ops/s x recordSize x batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class JournalSustainedAppendBenchmark
{
    /** Bytes of segments kept between iterations. */
    public static final long RETENTION_BYTES = 256L * 1024 * 1024;

    @Param({"1024"})
    public int recordSize;

    @Param({"1", "64"})
    public int batch;

    @Param({"none", "interval"})
    public String durability;

    private Durability mode;
    private UnsafeBuffer payload;
    private int length;
    private Path dir;
    private SegmentPreparer preparer;
    private ShardLog log;

    @Setup(Level.Trial)
    public void openLog()
    {
        mode = Durability.fromLabel(durability);
        final ShardConfig defaults = ShardConfig.defaults(mode);
        final ShardConfig config = new ShardConfig(defaults.segmentBytes(), defaults.indexIntervalBytes(), mode,
            defaults.flushIntervalMs(), RETENTION_BYTES, 0);
        length = recordSize * batch;
        payload = Records.payload(recordSize, batch);
        dir = BenchFiles.newDirectory("journal-sustained-");
        preparer = new SegmentPreparer(Throwable::printStackTrace);
        log = ShardLogs.open(dir, config, preparer);
    }

    @TearDown(Level.Iteration)
    public void enforceRetention()
    {
        log.enforceRetention(System.currentTimeMillis());
    }

    @TearDown(Level.Trial)
    public void closeLog()
    {
        log = ShardLogs.discard(log, dir);
        if (preparer != null)
        {
            preparer.close();
            preparer = null;
        }
    }

    @Benchmark
    public long append()
    {
        final ShardLog log = this.log;
        final long baseOffset = log.append(payload, 0, length, batch, Records.TIMESTAMP, Records.FORMAT);
        if (mode == Durability.INTERVAL)
        {
            log.forceIfDue(System.currentTimeMillis());
        }
        return baseOffset;
    }
}
