package io.robustmq.bench.journal;

import org.agrona.IoUtil;
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

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The hardware ceiling for the journal's appends: the same payloads copied, back to back and with
 * nothing else, into a file of the journal benchmark's segment size, mapped and pre-touched before
 * the trial. At the end of the file the copy wraps around to its start, so every page stays
 * resident and dirty: no page fault, no write-back wait, no fsync is ever measured.
 * <p>
 * One operation copies {@code recordSize * batch} bytes; bytes per second = ops/s x recordSize x
 * batch.
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
    private int length;
    private int wrapAt;
    private int position;

    @Setup(Level.Trial)
    public void mapFile() throws IOException
    {
        final int capacity = Integer.getInteger(JournalAppendBenchmark.SEGMENT_BYTES_PROP_NAME,
            JournalAppendBenchmark.SEGMENT_BYTES_DEFAULT);
        length = recordSize * batch;
        payload = Records.payload(recordSize, batch);
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
        wrapAt = capacity - length;
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
    public int copy()
    {
        int position = this.position;
        if (position > wrapAt)
        {
            position = 0;
        }
        file.putBytes(position, payload, 0, length);
        this.position = position + length;
        return position;
    }
}
