package io.robustmq.bench.journal;

import org.agrona.IoUtil;
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

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The hardware ceiling for the journal writer's appends, under {@link JournalAppendBenchmark}'s
 * conditions: the same payloads copied ({@code UnsafeBuffer.putBytes}, as the journal copies), back to
 * back and with nothing else (no header, CRC or publication), into a file of the journal benchmark's
 * segment size ({@link JournalAppendBenchmark#segmentBytes}), mapped and pre-touched. One operation
 * copies {@code recordSize * batch} bytes; bytes per second = ops/s x recordSize x batch.
 * <p>
 * Kept outside the measurement, as for the journal: each invocation makes
 * {@value JournalAppendBenchmark#APPENDS_PER_INVOCATION} copies (each one operation; JMH times only the
 * invocation), and before an invocation (not timed), if the file has less room than that, it is thrown
 * away (truncated, so its dirty pages are dropped, unmapped and deleted) and a fresh one created,
 * mapped and pre-touched. So the copies land in freshly touched pages of a new file, as the journal's
 * appends land in a new segment: no page fault, write-back or fsync is measured, and both draw their
 * pages from the kernel the same way.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class RawMappedCopyBenchmark
{
    @Param({"100", "1024"})
    public int recordSize;

    @Param({"1", "64"})
    public int batch;

    private Path dir;
    private MappedByteBuffer mapped;
    private UnsafeBuffer file;
    private UnsafeBuffer payload;
    private int capacity;
    private int length;
    private int position;

    @Setup(Level.Trial)
    public void prepare() throws IOException
    {
        length = recordSize * batch;
        capacity = JournalAppendBenchmark.segmentBytes(length);
        payload = Records.payload(recordSize, batch);
        mapFile();
    }

    @Setup(Level.Invocation)
    public void makeRoom() throws IOException
    {
        if (capacity - position < (long)JournalAppendBenchmark.APPENDS_PER_INVOCATION * length)
        {
            unmapFile();
            mapFile();
        }
    }

    private void mapFile() throws IOException
    {
        dir = BenchFiles.newDirectory("raw-copy-");
        final Path path = dir.resolve("raw.data");
        try (RandomAccessFile raf = new RandomAccessFile(path.toFile(), "rw"))
        {
            raf.setLength(capacity);
            mapped = raf.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, capacity);
        }
        file = new UnsafeBuffer(mapped);
        for (long i = 0; i < capacity; i += 4096)
        {
            file.putByte((int)i, (byte)0);
        }
        position = 0;
    }

    @TearDown(Level.Trial)
    public void unmapFile() throws IOException
    {
        if (mapped != null)
        {
            // Drop the dirty pages instead of writing them back: truncate, then unmap.
            try (RandomAccessFile raf = new RandomAccessFile(dir.resolve("raw.data").toFile(), "rw"))
            {
                raf.setLength(0);
            }
            IoUtil.unmap(mapped);
            mapped = null;
        }
        BenchFiles.delete(dir);
    }

    @Benchmark
    @OperationsPerInvocation(JournalAppendBenchmark.APPENDS_PER_INVOCATION)
    public int copy()
    {
        final UnsafeBuffer file = this.file;
        final UnsafeBuffer payload = this.payload;
        final int length = this.length;
        int position = this.position;
        for (int i = 0; i < JournalAppendBenchmark.APPENDS_PER_INVOCATION; i++)
        {
            file.putBytes(position, payload, 0, length);
            position += length;
        }
        this.position = position;
        return position;
    }
}
