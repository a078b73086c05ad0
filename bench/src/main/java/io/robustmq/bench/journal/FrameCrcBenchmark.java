package io.robustmq.bench.journal;

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
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * The producer's part of an append on its own: the payload CRC32C that the journal engine's producers
 * compute on their own thread as they copy a batch into the writer's ring ({@code JournalShard.append},
 * {@code RingChecksum}: {@link CRC32C#update(ByteBuffer)} over a direct buffer), which
 * {@link JournalAppendBenchmark} takes as given. One operation is the CRC of one payload of
 * {@code recordSize} bytes; bytes per second = ops/s x recordSize. Set beside
 * {@link JournalAppendBenchmark} it gives the cost of an append on both threads together:
 * 1 / (1 / append + 1 / crc32c) appends per second on one core.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class FrameCrcBenchmark
{
    @Param({"100", "1024"})
    public int recordSize;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer frame;
    private int length;

    @Setup(Level.Trial)
    public void prepare()
    {
        length = recordSize;
        frame = Records.payload(length, 1).byteBuffer().duplicate();
    }

    @Benchmark
    public long crc32c()
    {
        final ByteBuffer frame = this.frame;
        frame.limit(length).position(0);
        crc.reset();
        crc.update(frame);
        return crc.getValue();
    }
}
