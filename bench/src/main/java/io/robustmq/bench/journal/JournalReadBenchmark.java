package io.robustmq.bench.journal;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.Durability;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;
import org.agrona.DirectBuffer;
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

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@link ShardLog#read} of a log pre-filled (before the trial, in 64 MiB segments, the default) with
 * {@code records} records of {@code recordSize} bytes in batches of {@code batch}. One operation reads
 * the whole log from offset 0, in views of at most {@value #MAX_READ_BYTES} bytes (a typical fetch),
 * and walks every frame of every view:
 * <ul>
 *   <li>{@code walk}: reads each frame's header (base offset, record count, payload length), as a
 *       zero-copy consumer that hands the view's memory to the network does;</li>
 *   <li>{@code copy}: also copies each payload out, into a buffer of the view's size, as a consumer
 *       that delivers into its own buffers does.</li>
 * </ul>
 * Payload bytes per second = ops/s x records x recordSize; records per second = ops/s x records.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class JournalReadBenchmark
{
    /** The most one read returns, bytes. */
    public static final int MAX_READ_BYTES = 1024 * 1024;

    @Param({"100", "1024"})
    public int recordSize;

    @Param({"1", "64"})
    public int batch;

    @Param({"262144"})
    public int records;

    @Param({"walk", "copy"})
    public String consume;

    private Path dir;
    private ShardLog log;
    private final JournalView view = new JournalView();
    private UnsafeBuffer scratch;
    private boolean copy;
    private long end;

    @Setup(Level.Trial)
    public void fillLog()
    {
        if (records % batch != 0)
        {
            throw new IllegalArgumentException("records must be a multiple of batch: " + records + ", " + batch);
        }
        copy = "copy".equals(consume);
        scratch = new UnsafeBuffer(ByteBuffer.allocateDirect(MAX_READ_BYTES + recordSize * batch + 64));
        dir = BenchFiles.newDirectory("journal-read-");
        log = ShardLogs.open(dir, ShardConfig.defaults(Durability.NONE));
        final UnsafeBuffer payload = Records.payload(recordSize, batch);
        for (int i = 0; i < records / batch; i++)
        {
            log.append(payload, 0, recordSize * batch, batch, Records.TIMESTAMP, Records.FORMAT);
        }
        end = log.nextOffset();
    }

    @TearDown(Level.Trial)
    public void deleteLog()
    {
        log = ShardLogs.discard(log, dir);
    }

    @Benchmark
    public long readAll()
    {
        final ShardLog log = this.log;
        final JournalView view = this.view;
        long offset = 0;
        long sum = 0;
        while (offset < end)
        {
            final int length = log.read(offset, MAX_READ_BYTES, view);
            if (length <= 0)
            {
                throw new IllegalStateException("read at " + offset + " returned " + length);
            }
            sum += walk(view.buffer(), view.offset(), view.offset() + length);
            offset = view.nextOffset();
            view.release();
        }
        return sum;
    }

    private long walk(final DirectBuffer buffer, final int start, final int limit)
    {
        long sum = 0;
        int position = start;
        int scratchPosition = 0;
        while (position < limit)
        {
            final int payloadLength = BatchFrames.payloadLength(buffer, position);
            sum += BatchFrames.baseOffset(buffer, position) + BatchFrames.recordCount(buffer, position) + payloadLength;
            if (copy)
            {
                scratch.putBytes(scratchPosition, buffer, BatchFrames.payloadOffset(position), payloadLength);
                scratchPosition += payloadLength;
            }
            position += FrameDescriptor.alignedLength(BatchFrames.frameLength(buffer, position));
        }
        return sum;
    }
}
