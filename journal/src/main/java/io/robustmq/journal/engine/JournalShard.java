package io.robustmq.journal.engine;

import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.FrameStamper;
import io.robustmq.journal.IntervalForcer;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;

/**
 * A shard of the journal, as producers and readers use it. Appends go to the shard's writer
 * through its ring buffer and complete later; reads go straight to the log, from any thread.
 */
public final class JournalShard
{
    /** {@link #append} result: the request is on its way to the writer. */
    public static final int SUBMITTED = 0;
    /** {@link #append} result: the writer's buffer is full; try again later, or slow the producer. */
    public static final int BACK_PRESSURED = -1;
    /** {@link #append} result: the batch can never be stored: larger than a segment or the buffer. */
    public static final int TOO_LARGE = -2;
    /** {@link #append} result: the shard was deleted or the journal closed. */
    public static final int CLOSED = -3;

    private static final TailListener[] NO_LISTENERS = new TailListener[0];

    private final String name;
    private final int id;
    private final ShardLog log;
    private final ManyToOneRingBuffer ring;
    private volatile int maxPayload;
    private int segmentBytesWanted;
    private final java.util.function.Supplier<AppendCompletion[]> completions;
    private final java.util.function.Consumer<Runnable> writerCommands;
    private final Runnable wakeWriter;
    private final IntervalForcer forcer;
    private final ThreadLocal<RingChecksum> payloadChecksums;
    private volatile TailListener[] tailListeners = NO_LISTENERS;
    private volatile FrameStamper[] stampers = new FrameStamper[0];
    private volatile boolean closed;
    boolean dirty;

    JournalShard(
        final String name,
        final int id,
        final ShardLog log,
        final ManyToOneRingBuffer ring,
        final java.util.function.Supplier<AppendCompletion[]> completions,
        final java.util.function.Consumer<Runnable> writerCommands,
        final Runnable wakeWriter,
        final ThreadLocal<RingChecksum> payloadChecksums,
        final IntervalForcer forcer)
    {
        this.forcer = forcer;
        this.wakeWriter = wakeWriter;
        this.payloadChecksums = payloadChecksums;
        this.writerCommands = writerCommands;
        this.completions = completions;
        this.name = name;
        this.id = id;
        this.log = log;
        this.ring = ring;
        // An empty active segment smaller than the configured size (left by a size change and a
        // crash) must hold the largest batch too.
        this.maxPayload = Math.min(Math.min(log.config().maxPayloadBytes(),
            log.activeSegmentCapacity() - io.robustmq.journal.FrameDescriptor.HEADER_LENGTH),
            ring.maxMsgLength() - AppendDescriptor.HEADER_LENGTH);
        this.segmentBytesWanted = log.config().segmentBytes();
    }

    /**
     * @return the shard's name, also its directory's.
     */
    public String name()
    {
        return name;
    }

    int id()
    {
        return id;
    }

    ShardLog log()
    {
        return log;
    }

    /**
     * After the log's segment size changed: the largest batch is the smaller of what the old and the
     * new size hold (an empty active segment of the old size must still hold it), until a restart.
     */
    void limitPayload(final int maxPayloadBytes)
    {
        maxPayload = Math.min(maxPayload, maxPayloadBytes);
    }

    /**
     * @return the segment size last asked for ({@link Journal#segmentBytes}); under the journal's lock.
     */
    int segmentBytesWanted()
    {
        return segmentBytesWanted;
    }

    void segmentBytesWanted(final int bytes)
    {
        segmentBytesWanted = bytes;
    }

    /**
     * Replace the shard's retention limits; the writer applies them on its next retention pass.
     * Any thread.
     *
     * @param bytes size limit; 0: none.
     * @param ms    age limit; 0: none.
     */
    public void retention(final long bytes, final long ms)
    {
        log.retention(bytes, ms);
    }

    /**
     * @return the size limit in force; 0: none.
     */
    public long retentionBytes()
    {
        return log.retentionBytes();
    }

    /**
     * @return the age limit in force; 0: none.
     */
    public long retentionMs()
    {
        return log.retentionMs();
    }

    /**
     * @return how the shard's log is kept (its retention as created: see {@link #retention}).
     */
    public ShardConfig config()
    {
        return log.config();
    }

    /**
     * @return the largest payload one append may carry.
     */
    public int maxPayloadBytes()
    {
        return maxPayload;
    }

    /**
     * Submit a batch. It is copied before this returns; the completion registered under
     * {@code completionId} is told its base offset once it is stored as the shard's durability
     * promises. Any thread may call this; it never blocks.
     *
     * @param payload       the batch's bytes.
     * @param offset        where they start.
     * @param length        how many.
     * @param recordCount   records in the batch, at least 1.
     * @param maxTimestamp  largest record timestamp, epoch ms.
     * @param format        the payload's format tag, 0..65535.
     * @param completionId  from {@link Journal#registerCompletion}.
     * @param correlationId handed back to the completion.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED}, {@link #TOO_LARGE} or {@link #CLOSED}.
     */
    public int append(
        final DirectBuffer payload,
        final int offset,
        final int length,
        final int recordCount,
        final long maxTimestamp,
        final int format,
        final int completionId,
        final long correlationId)
    {
        if (recordCount < 1 || format < 0 || format > 0xFFFF || length < 0)
        {
            throw new IllegalArgumentException("record count must be positive, format 0..65535, length not negative");
        }
        if (completionId < 0 || completionId >= completions.get().length)
        {
            throw new IllegalArgumentException("unknown completion id " + completionId);
        }
        if (closed)
        {
            return CLOSED;
        }
        if (length > maxPayload)
        {
            return TOO_LARGE;
        }
        final int index = ring.tryClaim(AppendDescriptor.APPEND_MSG_TYPE_ID, AppendDescriptor.HEADER_LENGTH + length);
        if (index == RingBuffer.INSUFFICIENT_CAPACITY)
        {
            return BACK_PRESSURED;
        }
        final FrameStamper stamper = stamper(format);
        final int stamped = stamper == null ? 0 : Math.min(stamper.stampedBytes(), length);
        final AtomicBuffer buffer = ring.buffer();
        buffer.putInt(index + AppendDescriptor.SHARD_ID_OFFSET, id);
        buffer.putInt(index + AppendDescriptor.RECORD_COUNT_OFFSET, recordCount);
        buffer.putLong(index + AppendDescriptor.MAX_TIMESTAMP_OFFSET, maxTimestamp);
        buffer.putLong(index + AppendDescriptor.CORRELATION_ID_OFFSET, correlationId);
        buffer.putInt(index + AppendDescriptor.COMPLETION_ID_OFFSET, completionId);
        buffer.putInt(index + AppendDescriptor.FORMAT_OFFSET, format);
        buffer.putBytes(index + AppendDescriptor.HEADER_LENGTH, payload, offset, length);
        buffer.putInt(index + AppendDescriptor.PAYLOAD_CRC_OFFSET,
            payloadChecksums.get().compute(index + AppendDescriptor.HEADER_LENGTH + stamped, length - stamped));
        buffer.putInt(index + AppendDescriptor.STAMPED_LENGTH_OFFSET, stamped);
        ring.commit(index);
        wakeWriter.run();
        return SUBMITTED;
    }

    /**
     * Give the shard its stamping hook for a payload format: its writer calls it as each batch of
     * that format gets its offset (see {@link FrameStamper}). Set it once, before the first append
     * of the format.
     *
     * @param format  the payload format, 0..65535.
     * @param stamper the hook.
     * @throws IllegalStateException if the format has one already.
     */
    public synchronized void stamper(final int format, final FrameStamper stamper)
    {
        if (format < 0 || format > 0xFFFF)
        {
            throw new IllegalArgumentException("format must be 0..65535: " + format);
        }
        if (stamper.stampedBytes() < 0 || stamper.stampedBytes() > FrameDescriptor.MAX_STAMPED_LENGTH)
        {
            throw new IllegalArgumentException("a stamper may rewrite 0.." + FrameDescriptor.MAX_STAMPED_LENGTH +
                " bytes, not " + stamper.stampedBytes());
        }
        final FrameStamper[] current = stampers;
        if (format < current.length && current[format] != null)
        {
            throw new IllegalStateException("shard " + name + " has a stamper for format " + format + " already");
        }
        final FrameStamper[] grown = Arrays.copyOf(current, Math.max(current.length, format + 1));
        grown[format] = stamper;
        stampers = grown;
    }

    /**
     * @param format a payload format.
     * @return the shard's stamping hook for it, or null.
     */
    FrameStamper stamper(final int format)
    {
        final FrameStamper[] current = stampers;
        return format < current.length ? current[format] : null;
    }

    /**
     * Read whole batches from the one holding an offset, below the {@link #durableOffset()}: only
     * what is stored as the shard's durability promises; see {@link ShardLog#read}.
     *
     * @param offset     first offset wanted.
     * @param maxBytes   stop before a batch that would take the view over this.
     * @param maxRecords stop once the view holds this many records from {@code offset} on.
     * @param view       filled in; release it when done.
     * @return bytes read, 0 if nothing is there yet, or {@link ShardLog#OUT_OF_RANGE} or
     * {@link ShardLog#CORRUPT}.
     */
    public int read(final long offset, final int maxBytes, final int maxRecords, final JournalView view)
    {
        return log.read(offset, maxBytes, maxRecords, log.durableOffset(), view);
    }

    /**
     * @return the oldest offset kept.
     */
    public long earliestOffset()
    {
        return log.earliestOffset();
    }

    /**
     * @return the offset the next record will get.
     */
    public long nextOffset()
    {
        return log.nextOffset();
    }

    /**
     * @return the offset below which every batch is stored as the shard's durability promises.
     */
    public long durableOffset()
    {
        return log.durableOffset();
    }

    /**
     * @return true once an I/O error stopped the shard: it refuses appends until the node restarts.
     */
    public boolean isFailed()
    {
        return log.isFailed();
    }

    /**
     * @param timestamp epoch ms.
     * @return the first batch whose largest timestamp is at least this, or -1.
     */
    public long offsetForTimestamp(final long timestamp)
    {
        return log.offsetForTimestamp(timestamp);
    }

    /**
     * Remove every batch that holds an offset at or past a given one, on the shard's writer thread;
     * see {@link ShardLog#truncateTo}. Appends submitted before it may land before or after it.
     *
     * @param offset where the log is to end, at most.
     * @return completes with the next offset after the truncation, on the writer's thread.
     */
    public CompletableFuture<Long> truncateTo(final long offset)
    {
        return onWriter(() -> log.truncateTo(offset));
    }

    /**
     * Make the offsets below a given one unreadable and delete the segments they leave empty: the
     * writer takes it, the journal's forcing thread records the new start durably, and the writer
     * then deletes the segments (a command it is woken for); see {@link ShardLog#deleteBefore(long, IntervalForcer,
     * java.util.function.BiConsumer)}. The writer never waits for the device meanwhile.
     *
     * @param offset the new earliest offset, at most the durable offset.
     * @return completes with the earliest offset once the new start is durable, on the forcing
     * thread (or the writer's).
     */
    public CompletableFuture<Long> deleteBefore(final long offset)
    {
        return onWriterLater(done -> log.deleteBefore(offset, forcer, (earliest, failure) ->
        {
            if (failure != null)
            {
                done.completeExceptionally(failure);
                return;
            }
            // The segments below go on the writer, which this wakes.
            writerCommands.accept(() ->
            {
                if (!closed)
                {
                    log.dropRecordedHead();
                }
            });
            done.complete(earliest);
        }));
    }

    private CompletableFuture<Long> onWriter(final java.util.function.LongSupplier operation)
    {
        return onWriterLater(done -> done.complete(operation.getAsLong()));
    }

    /**
     * Start an operation on the writer's thread that completes its future itself, there or later.
     */
    private CompletableFuture<Long> onWriterLater(final java.util.function.Consumer<CompletableFuture<Long>> operation)
    {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        if (closed)
        {
            done.completeExceptionally(new IllegalStateException("shard " + name + " is closed"));
            return done;
        }
        writerCommands.accept(() ->
        {
            if (closed)
            {
                done.completeExceptionally(new IllegalStateException("shard " + name + " is closed"));
                return;
            }
            try
            {
                operation.accept(done);
            }
            catch (final RuntimeException ex)
            {
                done.completeExceptionally(ex);
            }
        });
        return done;
    }

    /**
     * @return what opening the shard found and repaired.
     */
    public io.robustmq.journal.RecoveryReport recoveryReport()
    {
        return log.recoveryReport();
    }

    /**
     * @return bytes of frames kept.
     */
    public long sizeBytes()
    {
        return log.sizeBytes();
    }

    /**
     * @param listener woken after appends.
     */
    public synchronized void addTailListener(final TailListener listener)
    {
        final TailListener[] current = tailListeners;
        final TailListener[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = listener;
        tailListeners = grown;
    }

    /**
     * @param listener no longer woken.
     */
    public synchronized void removeTailListener(final TailListener listener)
    {
        final TailListener[] current = tailListeners;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == listener)
            {
                final TailListener[] shrunk = new TailListener[current.length - 1];
                System.arraycopy(current, 0, shrunk, 0, i);
                System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
                tailListeners = shrunk;
                return;
            }
        }
    }

    void notifyTail()
    {
        final long next = log.durableOffset();
        for (final TailListener listener : tailListeners)
        {
            listener.onAppend(this, next);
        }
    }

    boolean isClosed()
    {
        return closed;
    }

    void markClosed()
    {
        closed = true;
    }
}
