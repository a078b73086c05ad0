package io.robustmq.bench.journal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.engine.Journal;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.storage.NoTopicsMetadata;
import io.robustmq.kernel.storage.StorageAdapter;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Serving a fetch: a journal shard read into a loopback TCP socket, against {@code sendfile} of the same
 * segment file into the same kind of socket. The shard is a kernel private shard opened through the
 * plugin API ({@code new StorageAdapter(...).forKernel().openPrivate("fetch")}, on a running
 * {@link Journal}), filled before the trial with {@code batches} batches of {@code batchBytes} payload
 * bytes (16 KiB: the Kafka producer's default batch size; 16 records each), all in its first segment
 * (a kernel private shard's default segment is 8 MiB). A thread of its
 * own drains the other end of the connection into a 1 MiB buffer, in both cases. One operation sends
 * every batch's payload once, {@code batches x batchBytes} bytes (the report's MB/s):
 * <ul>
 *   <li>{@code fetch}: from the earliest offset to the end, {@link Shard#read} of at most
 *       {@value #MAX_READ_BYTES} bytes (Kafka's default max.partition.fetch.bytes), then for each batch
 *       of the view {@link ShardView#retainedPayload()} (a read-only buffer over the mapped segment,
 *       holding it), the view released, the payloads written with one gathering write
 *       ({@link SocketChannel#write(ByteBuffer[])}, repeated until all is sent) and each buffer
 *       released: what a plugin does to answer a fetch, less the protocol's own headers;</li>
 *   <li>{@code sendfile}: {@link FileChannel#transferTo} of the segment file's frames, from 0 to the end
 *       of the last frame, to the socket (sendfile(2): no copy through user space). It sends the frame
 *       headers too, 48 bytes a batch (0.3% more bytes than {@code fetch}), in as few calls as the
 *       kernel takes.</li>
 * </ul>
 * Both use blocking sockets with the kernel's default buffer sizes; what is still in flight when an
 * iteration ends is not waited for (a few MiB, against gigabytes an iteration).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class FetchBenchmark
{
    /** The most one read returns, bytes. */
    public static final int MAX_READ_BYTES = 1024 * 1024;
    /** The largest number of batches one read can return. */
    private static final int MAX_BATCHES_PER_READ = 1024;

    @Param({"16384"})
    public int batchBytes;

    @Param({"448"})
    public int batches;

    private Path dir;
    private Journal journal;
    private StorageAdapter adapter;
    private Shard shard;
    private ShardView view;
    private FileChannel segment;
    private long segmentFrames;
    private ServerSocketChannel server;
    private SocketChannel sender;
    private Thread drainer;
    private final AtomicLong drained = new AtomicLong();
    private final ByteBuf[] payloads = new ByteBuf[MAX_BATCHES_PER_READ];
    private final ByteBuffer[] buffers = new ByteBuffer[MAX_BATCHES_PER_READ];
    private long earliest;
    private long end;

    @Setup(Level.Trial)
    public void fillShard() throws IOException, InterruptedException
    {
        dir = BenchFiles.newDirectory("fetch-");
        journal = Journal.launch(new Journal.Context().directory(dir.resolve("journal")).writers(1)
            .errorHandler(Throwable::printStackTrace));
        adapter = new StorageAdapter(ServerConfig.read(ConfigSource.load(null, Map.of(), new Properties())).storage(),
            journal, NoTopicsMetadata.create(), 1);
        shard = adapter.forKernel().openPrivate("fetch");
        fill(adapter.forKernel().register(new Filled()));
        view = shard.newView();
        earliest = shard.earliestOffset();
        end = shard.durableOffset();
        openSegment();
        connect();
    }

    private void fill(final int callbackId) throws InterruptedException
    {
        final ByteBuf batch = Unpooled.wrappedBuffer(Records.payload(batchBytes, 1).byteBuffer());
        final int recordsPerBatch = 16;
        for (int i = 0; i < batches; i++)
        {
            int result;
            while ((result = shard.append(batch.duplicate(), recordsPerBatch, Records.TIMESTAMP, Records.FORMAT,
                callbackId, i)) == Shard.BACK_PRESSURED)
            {
                Thread.sleep(1);
            }
            if (result != Shard.SUBMITTED)
            {
                throw new IllegalStateException("append refused: " + result);
            }
        }
        final long expected = (long)batches * recordsPerBatch;
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (shard.durableOffset() - shard.earliestOffset() < expected)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the shard did not take " + batches + " batches in 30 s");
            }
            Thread.sleep(1);
        }
    }

    private void openSegment() throws IOException
    {
        final List<Path> logs;
        try (Stream<Path> files = Files.walk(dir.resolve("journal")))
        {
            logs = files.filter(path -> path.getFileName().toString().endsWith(".log")).collect(Collectors.toList());
        }
        if (logs.size() != 1)
        {
            throw new IllegalStateException("expected the shard in one segment, found " + logs);
        }
        segment = FileChannel.open(logs.get(0), StandardOpenOption.READ);
        segmentFrames = (long)batches * FrameDescriptor.alignedLength(FrameDescriptor.frameLength(batchBytes));
    }

    private void connect() throws IOException
    {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        sender = SocketChannel.open(server.getLocalAddress());
        final SocketChannel receiver = server.accept();
        drainer = new Thread(() -> drain(receiver), "fetch-drainer");
        drainer.setDaemon(true);
        drainer.start();
    }

    private void drain(final SocketChannel receiver)
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1024 * 1024);
        try (receiver)
        {
            int read;
            while ((read = receiver.read(buffer.clear())) >= 0)
            {
                drained.addAndGet(read);
            }
        }
        catch (final IOException ignored)
        {
            // The sender closed: the trial is over.
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException, InterruptedException
    {
        if (sender != null)
        {
            sender.close();
            drainer.join(10_000);
            server.close();
        }
        if (view != null)
        {
            view.release();
        }
        if (segment != null)
        {
            segment.close();
        }
        if (adapter != null)
        {
            adapter.close();
        }
        if (journal != null)
        {
            journal.close();
        }
        BenchFiles.delete(dir);
    }

    @Benchmark
    public long fetch() throws IOException
    {
        final Shard shard = this.shard;
        final ShardView view = this.view;
        final ByteBuf[] payloads = this.payloads;
        final ByteBuffer[] buffers = this.buffers;
        long offset = earliest;
        long sent = 0;
        while (offset < end)
        {
            final int read = shard.read(offset, MAX_READ_BYTES, Integer.MAX_VALUE, view);
            if (read <= 0)
            {
                throw new IllegalStateException("read at " + offset + " returned " + read);
            }
            int count = 0;
            long bytes = 0;
            while (view.next())
            {
                final ByteBuf payload = view.retainedPayload();
                payloads[count] = payload;
                buffers[count] = payload.nioBuffer();
                bytes += payload.readableBytes();
                count++;
            }
            offset = view.nextOffset();
            view.release();
            writeFully(buffers, count, bytes);
            for (int i = 0; i < count; i++)
            {
                payloads[i].release();
                payloads[i] = null;
                buffers[i] = null;
            }
            sent += bytes;
        }
        return sent;
    }

    private void writeFully(final ByteBuffer[] buffers, final int count, final long bytes) throws IOException
    {
        long written = 0;
        int first = 0;
        while (written < bytes)
        {
            written += sender.write(buffers, first, count - first);
            while (first < count && !buffers[first].hasRemaining())
            {
                first++;
            }
        }
    }

    @Benchmark
    public long sendfile() throws IOException
    {
        final FileChannel segment = this.segment;
        final long frames = segmentFrames;
        long position = 0;
        while (position < frames)
        {
            position += segment.transferTo(position, frames - position, sender);
        }
        return position;
    }

    /** Appends to fill the shard: nothing to do, the set-up waits for the durable offset. */
    private static final class Filled implements AppendCallback
    {
        @Override
        public void onAppended(final long correlationId, final long baseOffset)
        {
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            System.err.println("robustmq-bench: fetch fill: append " + correlationId + " failed: " + reason);
        }
    }
}
