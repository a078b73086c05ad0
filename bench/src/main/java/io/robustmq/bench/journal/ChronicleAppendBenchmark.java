package io.robustmq.bench.journal;

import net.openhft.chronicle.bytes.BytesStore;
import net.openhft.chronicle.queue.ChronicleQueue;
import net.openhft.chronicle.queue.ExcerptAppender;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * The peer: Chronicle Queue (open edition, default settings: daily roll cycle, binary wire) appending
 * the same records as {@link JournalAppendBenchmark}, one excerpt per record, with raw bytes
 * ({@link ExcerptAppender#writeBytes(BytesStore)}), from a single appender. One operation writes
 * {@code batch} excerpts of {@code recordSize} bytes; bytes per second = ops/s x recordSize x batch.
 * Like the journal it does not fsync; unlike the journal it maps its file in chunks and touches
 * fresh pages as it goes (the open edition has no pre-toucher), which is part of what it costs.
 * <p>
 * Kept outside the measurement, under {@link JournalAppendBenchmark}'s conditions: each invocation makes
 * {@value JournalAppendBenchmark#APPENDS_PER_INVOCATION} operations (JMH times only the invocation), and
 * before an invocation (not timed), once the queue has taken as many payload bytes as a journal segment
 * of the benchmark holds ({@link JournalAppendBenchmark#segmentBytes}), it is closed and deleted (so its
 * dirty pages are dropped, not written back) and a fresh queue opened in a fresh directory, as the
 * journal benchmark moves to a fresh segment: neither pays for the kernel writing back what it left
 * dirty.
 * <p>
 * Its fork gets Chronicle's own flags (jvmArgsPrepend, so that scripts/bench's
 * {@code -jvmArgsAppend} with the project's flags does not replace them), analytics switched off
 * (and chronicle-analytics is not on the class path at all: the root pom excludes it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
@Fork(jvmArgsPrepend = {
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.disk.monitor.disable=true",
    "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED",
    "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
    "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED"})
public class ChronicleAppendBenchmark
{
    @Param({"100", "1024"})
    public int recordSize;

    @Param({"1", "64"})
    public int batch;

    private BytesStore<?, ?> record;
    private long queueBytes;
    private long invocationBytes;
    private long writtenBytes;
    private Path dir;
    private ChronicleQueue queue;
    private ExcerptAppender appender;

    @Setup(Level.Trial)
    public void prepareRecord()
    {
        record = BytesStore.wrap(Records.payload(recordSize, 1).byteBuffer().limit(recordSize).slice());
        queueBytes = JournalAppendBenchmark.segmentBytes(recordSize * batch);
        invocationBytes = (long)JournalAppendBenchmark.APPENDS_PER_INVOCATION * recordSize * batch;
        openQueue();
    }

    @Setup(Level.Invocation)
    public void makeRoom()
    {
        if (writtenBytes + invocationBytes > queueBytes)
        {
            closeQueue();
            openQueue();
        }
    }

    private void openQueue()
    {
        dir = BenchFiles.newDirectory("chronicle-");
        queue = ChronicleQueue.singleBuilder(dir).build();
        appender = queue.createAppender();
        writtenBytes = 0;
    }

    @TearDown(Level.Trial)
    public void closeQueue()
    {
        if (appender != null)
        {
            appender.close();
            appender = null;
        }
        if (queue != null)
        {
            queue.close();
            queue = null;
        }
        BenchFiles.delete(dir);
        dir = null;
    }

    @Benchmark
    @OperationsPerInvocation(JournalAppendBenchmark.APPENDS_PER_INVOCATION)
    public long append()
    {
        final ExcerptAppender appender = this.appender;
        final BytesStore<?, ?> record = this.record;
        final int excerpts = JournalAppendBenchmark.APPENDS_PER_INVOCATION * batch;
        for (int i = 0; i < excerpts; i++)
        {
            appender.writeBytes(record);
        }
        writtenBytes += invocationBytes;
        return appender.lastIndexAppended();
    }
}
