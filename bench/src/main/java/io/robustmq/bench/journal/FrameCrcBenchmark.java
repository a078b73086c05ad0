package io.robustmq.bench.journal;

import io.robustmq.journal.FrameDescriptor;
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
 * One part of an append on its own: the CRC32C the writer computes over each frame (the frame
 * from its CRC field's end: {@value #COVERED_HEADER_BYTES} header bytes and the payload), the way
 * the journal computes it ({@link CRC32C#update(ByteBuffer)} on a direct buffer). One operation is
 * one frame of one record; bytes per second = ops/s x recordSize. Set beside
 * {@link RawMappedCopyBenchmark} it shows how much of {@link JournalAppendBenchmark}'s time the CRC
 * takes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class FrameCrcBenchmark
{
    /** Header bytes a frame's CRC covers. */
    public static final int COVERED_HEADER_BYTES = FrameDescriptor.HEADER_LENGTH - FrameDescriptor.CRC_COVERED_OFFSET;

    @Param({"100", "1024"})
    public int recordSize;

    private final CRC32C crc = new CRC32C();
    private ByteBuffer frame;
    private int length;

    @Setup(Level.Trial)
    public void prepare()
    {
        length = COVERED_HEADER_BYTES + recordSize;
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
