package io.robustmq.journal;

import io.robustmq.journal.codecs.BatchHeaderEncoder;
import io.robustmq.journal.codecs.MessageHeaderEncoder;
import io.robustmq.journal.fs.FileLayer;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One shard's log: a directory of segments, appended to by one writer thread and read by any
 * number of threads without locks.
 * <p>
 * Threading: {@link #append}, {@link #force}, {@link #forceIfDue}, {@link #enforceRetention} and
 * {@link #close} belong to the writer (an {@link IntervalForcer} may do its interval forces), the first thread that appends (checked). The reads,
 * {@link #read}, {@link #offsetForTimestamp}, {@link #earliestOffset}, {@link #nextOffset} and
 * {@link #durableOffset}, may be called from any thread: they see every batch whose append has
 * returned.
 * <p>
 * Durability: {@link #force} forces, in order, every segment written since the last force, makes
 * the directory's new names durable, and only then records the recovery point (the checkpoint) and
 * moves {@link #durableOffset()}. A failure on the way (an I/O error) leaves the log
 * {@link #isFailed() failed}: it takes no more appends, and its durable offset stays where it was.
 */
public final class ShardLog implements AutoCloseable
{
    /** Attempts to retain a segment that stays in the segment array before a read gives up on it. */
    private static final int MAX_RETAIN_ATTEMPTS = 100_000;

    /** {@link #append} result: the payload is larger than a segment can hold. */
    public static final long TOO_LARGE = -1;
    /** {@link #append} result: the shard's stamping hook refused the batch; see {@link #lastRefusal()}. */
    public static final long REFUSED = -2;
    /** {@link #append} argument: the producer did not compute the payload CRC. */
    public static final long NO_PAYLOAD_CRC = -1;
    /** {@link #read} result: the offset is below the earliest or above the next offset. */
    public static final int OUT_OF_RANGE = -1;
    /** {@link #read} result: the offset is in a range recovery could not vouch for. */
    public static final int CORRUPT = -2;

    private final FileLayer layer;
    private final Path dir;
    private volatile ShardConfig config;
    /** The retention limits in force: the config's, until {@link #retention} replaces them. */
    private volatile long retentionBytes;
    private volatile long retentionMs;
    private final RecoveryReport recoveryReport;
    private volatile List<CorruptRange> corruptRanges;
    private Checkpoint checkpoint;
    private final SegmentPreparer preparer;
    private final SegmentPreparer.Slot nextSegment;
    private volatile Segment[] segments;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final BatchHeaderEncoder batchEncoder = new BatchHeaderEncoder();
    private final CRC32C crc = new CRC32C();
    private volatile long durableOffset;
    private volatile long logStartOffset;
    private volatile Throwable failure;
    private Segment active;
    private Segment[] rolled = new Segment[4];
    private int rolledCount;
    private boolean directoryChanged;
    private Thread writer;
    private int lastRefusal;
    private long lastForceMs;
    private final IntervalForce intervalForce;
    /** The log start offset file, written by the writer or the forcing thread. */
    private final LogStartRecord startRecord;
    /**
     * Records handed to the forcing thread and not finished; never locked while a record is written
     * (the writer counts one in without waiting for the device).
     */
    private final PendingWork startOffsetRecords = new PendingWork();
    /** Writer only: segments below this were dropped. */
    private long droppedBelow;
    /** Retirements handed to the preparer and not finished. */
    private final PendingWork pendingRetires = new PendingWork();
    private boolean closed;

    private ShardLog(
        final FileLayer layer,
        final Path dir,
        final ShardConfig config,
        final ShardRecovery.Result recovered,
        final Checkpoint checkpoint,
        final SegmentPreparer preparer,
        final long logStartOffset)
    {
        this.logStartOffset = logStartOffset;
        this.startRecord = new LogStartRecord(layer, dir, logStartOffset);
        this.intervalForce = new IntervalForce(this, layer, dir);
        this.droppedBelow = logStartOffset;
        this.layer = layer;
        this.preparer = preparer;
        this.nextSegment = preparer == null ? null : preparer.slot(layer, dir, config.segmentBytes(), config.fileAllocation());
        this.dir = dir;
        this.config = config;
        this.retentionBytes = config.retentionBytes();
        this.retentionMs = config.retentionMs();
        this.recoveryReport = recovered.report();
        this.corruptRanges = recovered.report().corruptRanges();
        this.checkpoint = checkpoint;
        this.segments = recovered.segments().toArray(new Segment[0]);
        this.active = segments[segments.length - 1];
        this.durableOffset = active.nextOffset();
    }

    /**
     * Open a shard's log, creating the directory if needed and recovering what is there.
     *
     * @param dir    the shard's directory.
     * @param config how the log is kept.
     * @return the open log.
     * @throws JournalException if the directory cannot be opened.
     */
    public static ShardLog open(final Path dir, final ShardConfig config)
    {
        return open(dir, config, null);
    }

    /**
     * Open a shard's log whose next segments are made ready in the background.
     *
     * @param dir      the shard's directory.
     * @param config   how the log is kept.
     * @param preparer prepares next segments off the writer's path; null: the writer creates them
     *                 when it rolls.
     * @return the open log.
     * @throws JournalException if the directory cannot be opened.
     */
    public static ShardLog open(final Path dir, final ShardConfig config, final SegmentPreparer preparer)
    {
        return open(dir, config, preparer, FileLayer.SYSTEM);
    }

    /**
     * Open a shard's log through a file layer.
     *
     * @param dir      the shard's directory.
     * @param config   how the log is kept.
     * @param preparer prepares next segments off the writer's path; null: the writer creates them
     *                 when it rolls.
     * @param layer    the file operations to use.
     * @return the open log.
     * @throws JournalException if the directory cannot be opened.
     */
    public static ShardLog open(
        final Path dir, final ShardConfig config, final SegmentPreparer preparer, final FileLayer layer)
    {
        try
        {
            layer.createDirectories(dir);
            final ShardRecovery.Result recovered = new ShardRecovery(layer, dir, config).recover();
            final Checkpoint checkpoint = Checkpoint.open(layer, dir);
            final ShardLog log = new ShardLog(layer, dir, config, recovered, checkpoint, preparer,
                LogStartOffset.read(layer, dir));
            log.writeCheckpoint();
            log.dropSegmentsBelow(log.logStartOffset);
            return log;
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot open shard " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return the shard's directory.
     */
    public Path directory()
    {
        return dir;
    }

    /**
     * @return how the log is kept.
     */
    public ShardConfig config()
    {
        return config;
    }

    /**
     * Make the segments this log creates from now on {@code bytes} long; those that exist keep their
     * size (each segment's size is its file's). The largest batch follows the new size: appends
     * larger than it are refused, and (see {@link #append}) so is one that an empty active segment of
     * the old size cannot hold. Writer only (an append and the roll it causes must see one size);
     * the next roll creates the new size, and a segment prepared at the old size is dropped so
     * that the next one is prepared at the new.
     *
     * @param bytes the new segment size, as {@link ShardConfig} accepts it.
     * @return the configuration in force now.
     * @throws IllegalArgumentException if {@link ShardConfig} refuses the size.
     */
    public ShardConfig segmentBytes(final int bytes)
    {
        final ShardConfig current = config;
        final ShardConfig resized = new ShardConfig(bytes, current.indexIntervalBytes(), current.durability(),
            current.flushIntervalMs(), current.retentionBytes(), current.retentionMs());
        config = resized;
        if (nextSegment != null)
        {
            nextSegment.capacity(bytes);
            final Segment.Prepared stale = nextSegment.take();
            if (stale != null)
            {
                stale.discard();
            }
        }
        return resized;
    }

    /**
     * Writer only, or before the writer starts.
     *
     * @return the size of the segment appends go to now.
     */
    public int activeSegmentCapacity()
    {
        return active.capacity();
    }

    /**
     * Replace the retention limits; the writer's next {@link #enforceRetention} applies them. Any
     * thread.
     *
     * @param bytes size limit; 0: none.
     * @param ms    age limit; 0: none.
     */
    public void retention(final long bytes, final long ms)
    {
        if (bytes < 0 || ms < 0)
        {
            throw new IllegalArgumentException("retention not negative: " + bytes + " bytes, " + ms + " ms");
        }
        retentionBytes = bytes;
        retentionMs = ms;
    }

    /**
     * @return the size limit in force; 0: none.
     */
    public long retentionBytes()
    {
        return retentionBytes;
    }

    /**
     * @return the age limit in force; 0: none.
     */
    public long retentionMs()
    {
        return retentionMs;
    }

    /**
     * @return what opening the log found.
     */
    public RecoveryReport recoveryReport()
    {
        return recoveryReport;
    }

    /**
     * Writer only: append a batch. It is readable when this returns; it is durable per the shard's
     * {@link Durability} once the writer forces ({@link #force}, {@link #forceIfDue}). Its payload
     * CRC is computed here; producers that hand batches over through the journal's writers compute
     * it on their own thread instead (see the other {@code append}).
     *
     * @param payload       the batch's bytes.
     * @param offset        where they start.
     * @param length        how many.
     * @param recordCount   records in the batch, at least 1; the next batch's base offset is this
     *                      batch's plus this.
     * @param maxTimestamp  the largest record timestamp in the batch, epoch ms.
     * @param format        the payload's format tag, 0..65535.
     * @return the batch's base offset, or {@link #TOO_LARGE}.
     */
    public long append(
        final DirectBuffer payload,
        final int offset,
        final int length,
        final int recordCount,
        final long maxTimestamp,
        final int format)
    {
        return append(payload, offset, length, recordCount, maxTimestamp, format, 0, NO_PAYLOAD_CRC, null, 0);
    }

    /**
     * Writer only: append a batch whose payload CRC the producer computed, through a stamping hook.
     *
     * @param payload       the batch's bytes.
     * @param offset        where they start.
     * @param length        how many.
     * @param recordCount   records in the batch, at least 1.
     * @param maxTimestamp  the largest record timestamp in the batch, epoch ms.
     * @param format        the payload's format tag, 0..65535.
     * @param stampedLength the payload prefix the producer left out of its CRC: the stamper's
     *                      {@link FrameStamper#stampedBytes()} (at most the length), or 0.
     * @param payloadCrc    the CRC32C of the payload after that prefix, or {@link #NO_PAYLOAD_CRC}
     *                      to have it computed here.
     * @param stamper       the shard's hook for the format, or null.
     * @param appendTimeMs  the writer's clock, for the stamper.
     * @return the batch's base offset, {@link #TOO_LARGE}, or {@link #REFUSED} (the stamper refused
     * it: see {@link #lastRefusal()}).
     */
    public long append(
        final DirectBuffer payload,
        final int offset,
        final int length,
        final int recordCount,
        final long maxTimestamp,
        final int format,
        final int stampedLength,
        final long payloadCrc,
        final FrameStamper stamper,
        final long appendTimeMs)
    {
        checkWriter();
        if (failure != null)
        {
            throw new JournalException("shard " + dir + " failed earlier and takes no appends until it is reopened: " +
                failure.getMessage(), failure);
        }
        if (recordCount < 1 || format < 0 || format > 0xFFFF || length < 0)
        {
            throw new IllegalArgumentException("record count must be positive, format 0..65535, length not negative");
        }
        if (length > config.maxPayloadBytes())
        {
            return TOO_LARGE;
        }
        final int aligned = FrameDescriptor.alignedLength(FrameDescriptor.frameLength(length));
        Segment segment = active;
        if (segment.limit() + aligned > segment.capacity())
        {
            if (segment.isEmpty())
            {
                // An empty segment of a smaller size than the shard's new one: a roll would need a
                // second segment at the same offset.
                return TOO_LARGE;
            }
            segment = roll();
        }
        final int position = segment.limit();
        final long baseOffset = segment.nextOffset();
        final int payloadAt = BatchFrames.payloadOffset(position);
        final UnsafeBuffer buffer = segment.buffer();
        buffer.putBytes(payloadAt, payload, offset, length);
        int stamped = stamper == null ? 0 : Math.min(stamper.stampedBytes(), length);
        long crc = stamped == stampedLength ? payloadCrc : NO_PAYLOAD_CRC;
        if (stamper == null && stampedLength != 0)
        {
            stamped = 0;
            crc = NO_PAYLOAD_CRC;
        }
        if (crc == NO_PAYLOAD_CRC)
        {
            crc = BatchFrames.crc(segment.writerView(), this.crc, payloadAt + stamped, length - stamped) & 0xFFFF_FFFFL;
        }
        if (stamper != null)
        {
            final int verdict = stamper.stamp(buffer, payloadAt, length, baseOffset, recordCount, appendTimeMs);
            if (verdict != FrameStamper.ACCEPT)
            {
                buffer.setMemory(payloadAt, length, (byte)0);
                lastRefusal = verdict;
                return REFUSED;
            }
        }
        final int frameLength = BatchFrames.writeHeader(buffer, segment.writerView(), this.crc, headerEncoder,
            batchEncoder, position, baseOffset, maxTimestamp, recordCount, format, length, stamped, (int)crc);
        buffer.putIntRelease(position + FrameDescriptor.FRAME_LENGTH_OFFSET, frameLength);
        segment.published(aligned, recordCount, maxTimestamp, config.indexIntervalBytes());
        if (config.durability() != Durability.ALWAYS)
        {
            durableOffset = segment.nextOffset();
        }
        if (nextSegment != null && !nextSegment.isRequested() && segment.limit() > segment.capacity() >> 1)
        {
            preparer.request(nextSegment);
        }
        return baseOffset;
    }

    /**
     * Writer only.
     *
     * @return the reason the stamper gave for the last {@link #REFUSED} append.
     */
    public int lastRefusal()
    {
        return lastRefusal;
    }

    private Segment roll()
    {
        final Segment sealed = active;
        try
        {
            if (preparer == null)
            {
                sealed.seal();
            }
            final Segment.Prepared prepared = nextSegment != null ? nextSegment.take() : null;
            final Segment next;
            if (prepared != null && prepared.capacity() == config.segmentBytes())
            {
                next = Segment.fromPrepared(dir, sealed.nextOffset(), prepared,
                    ShardRecovery.maxIndexEntries(prepared.capacity(), config.indexIntervalBytes()));
            }
            else
            {
                if (prepared != null)
                {
                    prepared.discard();
                }
                next = Segment.create(layer, dir, sealed.nextOffset(), config.segmentBytes(), config.fileAllocation(),
                    ShardRecovery.maxIndexEntries(config.segmentBytes(), config.indexIntervalBytes()));
            }
            final Segment[] current = segments;
            final Segment[] grown = Arrays.copyOf(current, current.length + 1);
            grown[current.length] = next;
            segments = grown;
            active = next;
            directoryChanged = true;
            keepUntilForced(sealed);
            if (preparer != null)
            {
                preparer.seal(sealed);
            }
            return next;
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot roll shard " + dir + " at offset " + sealed.nextOffset() + ": " +
                ex.getMessage(), ex);
        }
    }

    private void keepUntilForced(final Segment sealed)
    {
        int kept = 0;
        for (int i = 0; i < rolledCount; i++)
        {
            if (!rolled[i].isForced())
            {
                rolled[kept++] = rolled[i];
            }
        }
        Arrays.fill(rolled, kept, rolledCount, null);
        rolledCount = kept;
        if (rolledCount == rolled.length)
        {
            rolled = Arrays.copyOf(rolled, rolled.length * 2);
        }
        rolled[rolledCount++] = sealed;
    }

    /**
     * Writer only: force every appended batch to the device: each segment rolled past since the last
     * force, in order, then the active one; then the directory, if segments were created in it;
     * then record the recovery point and move the durable offset. On an I/O error the log is
     * failed (see {@link #isFailed()}) and the error thrown.
     *
     * @return true if there was anything to force.
     * @throws JournalException if a force fails.
     */
    public boolean force()
    {
        checkWriter();
        intervalForce.await();
        if (failure != null)
        {
            throw new JournalException("shard " + dir + " failed earlier: " + failure.getMessage(), failure);
        }
        try
        {
            boolean forced = false;
            for (int i = 0; i < rolledCount; i++)
            {
                final Segment segment = rolled[i];
                rolled[i] = null;
                if (segment.tryRetain())
                {
                    try
                    {
                        forced |= segment.force();
                    }
                    finally
                    {
                        segment.release();
                    }
                }
            }
            rolledCount = 0;
            forced |= active.force();
            if (directoryChanged)
            {
                layer.syncDirectory(dir);
                directoryChanged = false;
                forced = true;
            }
            if (forced)
            {
                writeCheckpoint();
            }
            durableOffset = active.nextOffset();
            return forced;
        }
        catch (final IOException | UncheckedIOException | JournalException ex)
        {
            failure = ex;
            throw new JournalException("cannot force shard " + dir + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Writer only: the log cannot go on (an append or a force failed): refuse appends from now on.
     *
     * @param cause why.
     */
    public void fail(final Throwable cause)
    {
        if (failure == null)
        {
            failure = cause;
        }
    }

    /**
     * @return true once an I/O error stopped the log: it takes no appends until it is reopened, and
     * its durable offset no longer moves.
     */
    public boolean isFailed()
    {
        return failure != null;
    }

    /**
     * @return the offset below which every batch is stored as the shard's durability promises: for
     * {@link Durability#ALWAYS}, forced to the device; otherwise written. Readers that must only see
     * acknowledged data read below it.
     */
    public long durableOffset()
    {
        return durableOffset;
    }

    /**
     * Writer only: for {@link Durability#INTERVAL}, force when the flush interval has passed.
     *
     * @param nowMs the time now, in ms.
     * @return true if it forced.
     */
    public boolean forceIfDue(final long nowMs)
    {
        if (config.durability() != Durability.INTERVAL || nowMs - lastForceMs < config.flushIntervalMs())
        {
            return false;
        }
        lastForceMs = nowMs;
        return force();
    }

    /**
     * Writer only: for {@link Durability#INTERVAL}, when the flush interval has passed, hand a force
     * to a forcing thread instead of doing it here: what the writer appended so far is forced and
     * recorded as the recovery point there, while the writer goes on appending. Nothing is handed
     * over while the shard's last force there is still running, nor when there is nothing to force;
     * if the forcer's queue is full, the force is done here.
     *
     * @param nowMs  the time now, in ms.
     * @param forcer the forcing thread.
     * @return true if a force was handed over or done.
     * @throws JournalException if the log failed earlier, or a force done here fails.
     */
    public boolean forceIfDue(final long nowMs, final IntervalForcer forcer)
    {
        checkWriter();
        if (config.durability() != Durability.INTERVAL || nowMs - lastForceMs < config.flushIntervalMs() ||
            intervalForce.isBusy())
        {
            return false;
        }
        if (failure != null)
        {
            throw new JournalException("shard " + dir + " failed earlier: " + failure.getMessage(), failure);
        }
        lastForceMs = nowMs;
        if (rolledCount == 0 && !directoryChanged && active.isForced())
        {
            return false;
        }
        intervalForce.take(rolled, rolledCount, active, directoryChanged);
        Arrays.fill(rolled, 0, rolledCount, null);
        rolledCount = 0;
        directoryChanged = false;
        if (!forcer.submit(intervalForce))
        {
            intervalForce.run();
        }
        return true;
    }

    /**
     * Writer only: the last force handed to the forcer has finished (true at once if none was).
     */
    boolean isIntervalForceDone()
    {
        return !intervalForce.isBusy();
    }

    /**
     * @return the recovery point's file, for a force running elsewhere ({@link IntervalForce}); the
     * writer replaces it only after waiting for that force.
     */
    Checkpoint checkpoint()
    {
        return checkpoint;
    }

    private void writeCheckpoint()
    {
        intervalForce.await();
        checkpoint.write(active.baseOffset(), active.nextOffset(), active.limit());
    }

    /**
     * Writer only: make every offset below a given one unreadable (Kafka's DeleteRecords; a queue's
     * consumed head), durably, and delete the segments that hold nothing at or past it (never the
     * active one). The new log start offset is recorded durably before anything is deleted, so a
     * crash leaves the offsets below it gone or, before it returns, still there: never torn.
     *
     * @param offset the new earliest offset: at most the durable offset.
     * @return the earliest offset now.
     * @throws IllegalArgumentException if the offset is past the durable offset.
     * @throws JournalException         if it cannot be recorded.
     */
    public long deleteBefore(final long offset)
    {
        checkWriter();
        if (offset <= durableEarliestOffset())
        {
            return earliestOffset();
        }
        if (offset > durableOffset)
        {
            throw new IllegalArgumentException("cannot delete below " + offset + ": past the durable offset " +
                durableOffset + " of shard " + dir);
        }
        try
        {
            startRecord.write(offset);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot record the log start offset of " + dir + ": " + ex.getMessage(), ex);
        }
        logStartOffset = Math.max(logStartOffset, offset);
        dropSegmentsBelow(offset);
        droppedBelow = Math.max(droppedBelow, offset);
        return earliestOffset();
    }

    /**
     * @return the earliest offset a restart would find: the log start offset recorded durably, or
     * the first segment's base if retention went further.
     */
    private long durableEarliestOffset()
    {
        return Math.max(startRecord.recorded(), segments[0].baseOffset());
    }

    /**
     * Writer only: {@link #deleteBefore(long)} with its durable record written on a forcing thread,
     * so that the writer does not wait for the device (two forces: the file and its directory). The
     * offsets below are unreadable at once; {@code done} is told once the new start is durable (on
     * the forcing thread), or why it could not be recorded; the segments that hold nothing at or past
     * it are deleted by the writer afterwards ({@link #dropRecordedHead}). A crash before
     * {@code done} leaves the offsets below it gone or still there, never torn. A record that fails
     * fails the log (the start already moved in memory), as a failed force does.
     *
     * @param offset the new earliest offset: at most the durable offset.
     * @param forcer the forcing thread; if its queue is full, the record is written here.
     * @param done   told the earliest offset once the new start is durable, or the failure.
     * @throws IllegalArgumentException if the offset is past the durable offset.
     */
    public void deleteBefore(final long offset, final IntervalForcer forcer,
        final java.util.function.BiConsumer<Long, Throwable> done)
    {
        checkWriter();
        if (offset <= durableEarliestOffset())
        {
            // Only what is durable answers at once: a start set in memory and still being recorded
            // is answered by the record queued behind it (the forcing thread runs them in order).
            done.accept(durableEarliestOffset(), null);
            return;
        }
        if (offset > durableOffset)
        {
            throw new IllegalArgumentException("cannot delete below " + offset + ": past the durable offset " +
                durableOffset + " of shard " + dir);
        }
        logStartOffset = Math.max(logStartOffset, offset);
        startOffsetRecords.add();
        final Runnable record = () ->
        {
            Throwable failure = null;
            try
            {
                final Throwable earlier = this.failure;
                if (earlier != null)
                {
                    throw new JournalException("shard " + dir + " failed earlier: " + earlier.getMessage(), earlier);
                }
                startRecord.write(offset);
            }
            catch (final IOException | RuntimeException ex)
            {
                // The start already moved in memory: the log cannot go on as if it were recorded.
                fail(ex);
                failure = new JournalException("cannot record the log start offset of " + dir + ": " +
                    ex.getMessage(), ex);
            }
            finally
            {
                startOffsetRecords.done();
            }
            done.accept(failure == null ? Math.max(offset, startRecord.recorded()) : null, failure);
        };
        if (!forcer.submit(record))
        {
            record.run();
        }
    }

    /**
     * Writer only: delete the segments below the last start offset recorded on the forcing thread.
     *
     * @return true if it dropped any.
     */
    public boolean dropRecordedHead()
    {
        final long recorded = startRecord.recorded();
        if (recorded <= droppedBelow || closed)
        {
            return false;
        }
        checkWriter();
        droppedBelow = recorded;
        dropSegmentsBelow(recorded);
        return true;
    }


    private void dropSegmentsBelow(final long offset)
    {
        final Segment[] current = segments;
        int below = 0;
        while (below < current.length - 1 && current[below].nextOffset() <= offset)
        {
            below++;
        }
        if (below > 0)
        {
            segments = Arrays.copyOfRange(current, below, current.length);
            retire(current, below);
        }
    }

    /**
     * Writer only: remove every batch that holds an offset at or past a given one, so that the log
     * ends where that batch began (a replica discarding a divergent tail). Everything is forced
     * first; the truncation is then recorded durably before any file changes, and finished by
     * recovery if a crash interrupts it: the shard is found as it was or truncated, never torn.
     * Readers holding views of removed batches keep reading them until they release the views.
     *
     * @param offset no batch holding this offset, or a later one, is kept: at least the earliest
     *               offset, at most the next offset.
     * @return the next offset now: where the last batch kept ends, at most {@code offset}.
     * @throws IllegalArgumentException if the offset is out of range.
     * @throws JournalException         if the files cannot be changed; the log is then failed.
     */
    public long truncateTo(final long offset)
    {
        checkWriter();
        if (offset < earliestOffset() || offset > nextOffset())
        {
            throw new IllegalArgumentException("cannot truncate shard " + dir + " to " + offset + ": it holds " +
                earliestOffset() + " to " + nextOffset());
        }
        force();
        startOffsetRecords.await();
        pendingRetires.await();
        if (offset == nextOffset())
        {
            return offset;
        }
        final JournalView holding = new JournalView();
        if (read(offset, 0, 1, holding) > 0)
        {
            final long batchBase = holding.firstOffset();
            holding.release();
            if (batchBase < logStartOffset)
            {
                throw new IllegalArgumentException("cannot truncate shard " + dir + " to " + offset + ": the batch " +
                    "holding it starts at " + batchBase + ", below the log start offset " + logStartOffset);
            }
        }
        final Segment[] old = segments;
        try
        {
            ShardTruncation.writeIntent(layer, dir, offset);
            for (final Segment segment : old)
            {
                segment.abandon();
            }
            checkpoint.close();
            ShardTruncation.apply(layer, dir, offset);
            final ShardRecovery.Result recovered = new ShardRecovery(layer, dir, config).recoverSegments();
            checkpoint = Checkpoint.open(layer, dir);
            corruptRanges = recovered.report().corruptRanges();
            segments = recovered.segments().toArray(new Segment[0]);
            active = segments[segments.length - 1];
            durableOffset = active.nextOffset();
            writeCheckpoint();
        }
        catch (final IOException | UncheckedIOException ex)
        {
            failure = ex;
            throw new JournalException("cannot truncate shard " + dir + " to " + offset + ": " + ex.getMessage(), ex);
        }
        Arrays.fill(rolled, null);
        rolledCount = 0;
        directoryChanged = false;
        for (final Segment segment : old)
        {
            segment.release();
        }
        dropSegmentsBelow(logStartOffset);
        return nextOffset();
    }

    /**
     * Writer only: delete whole segments, oldest first, while the log is over its retention size, or
     * while the oldest's newest record is older than its retention time. The active segment is kept.
     *
     * @param nowMs the time now, epoch ms.
     * @return segments deleted.
     */
    public int enforceRetention(final long nowMs)
    {
        checkWriter();
        Segment[] current = segments;
        final long retentionBytes = this.retentionBytes;
        final long retentionMs = this.retentionMs;
        long totalBytes = 0;
        for (final Segment segment : current)
        {
            totalBytes += segment.limit();
        }
        int deleted = 0;
        while (current.length - deleted > 1)
        {
            final Segment oldest = current[deleted];
            final boolean overSize = retentionBytes > 0 && totalBytes > retentionBytes;
            final boolean tooOld = retentionMs > 0 && oldest.maxTimestamp() < nowMs - retentionMs;
            if (!overSize && !tooOld)
            {
                break;
            }
            totalBytes -= oldest.limit();
            deleted++;
        }
        if (deleted > 0)
        {
            segments = Arrays.copyOfRange(current, deleted, current.length);
            retire(current, deleted);
        }
        return deleted;
    }

    /**
     * Retire the first segments of an array the log no longer holds: on the preparer's thread if
     * there is one (unmapping and deleting take long enough to hold appends back), else here.
     */
    private void retire(final Segment[] dropped, final int count)
    {
        if (preparer != null)
        {
            pendingRetires.add();
            preparer.retire(dropped, 0, count, pendingRetires::done);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            dropped[i].retire();
        }
    }


    /**
     * @return the offset of the oldest record kept.
     */
    public long earliestOffset()
    {
        return Math.max(logStartOffset, segments[0].baseOffset());
    }

    /**
     * @return the offset the next appended record will get.
     */
    public long nextOffset()
    {
        final Segment[] current = segments;
        return current[current.length - 1].nextOffset();
    }

    /**
     * @return bytes of frames kept, over every segment.
     */
    public long sizeBytes()
    {
        long total = 0;
        for (final Segment segment : segments)
        {
            total += segment.limit();
        }
        return total;
    }

    /**
     * @return segments kept.
     */
    public int segmentCount()
    {
        return segments.length;
    }

    /**
     * Read whole batches from the one containing an offset, in place. At least one batch is read,
     * even if it is larger than {@code maxBytes}; a read never crosses a segment.
     *
     * @param offset   the first offset wanted.
     * @param maxBytes stop before a batch that would take the view over this many bytes.
     * @param view     filled in, holding the segment until released.
     * @return bytes in the view; 0 if nothing is there yet ({@code offset} is the next offset);
     * {@link #OUT_OF_RANGE} or {@link #CORRUPT}.
     */
    public int read(final long offset, final int maxBytes, final JournalView view)
    {
        return read(offset, maxBytes, Integer.MAX_VALUE, view);
    }

    /**
     * Read whole batches from the one containing an offset, in place, up to a byte and a record
     * limit. At least one batch is read, even if it is larger than either; a read never crosses a
     * segment.
     *
     * @param offset     the first offset wanted.
     * @param maxBytes   stop before a batch that would take the view over this many bytes.
     * @param maxRecords stop once the view holds this many records from {@code offset} on.
     * @param view       filled in, holding the segment until released.
     * @return bytes in the view; 0 if nothing is there yet ({@code offset} is the next offset);
     * {@link #OUT_OF_RANGE} or {@link #CORRUPT}.
     */
    public int read(final long offset, final int maxBytes, final int maxRecords, final JournalView view)
    {
        return read(offset, maxBytes, maxRecords, Long.MAX_VALUE, view);
    }

    /**
     * Read whole batches from the one containing an offset, in place, up to a byte and a record
     * limit, and only batches that start below an end offset (e.g. the {@link #durableOffset()}).
     * At least one batch is read if one starts below the end, even if it is larger than either
     * limit; a read never crosses a segment.
     *
     * @param offset     the first offset wanted.
     * @param maxBytes   stop before a batch that would take the view over this many bytes.
     * @param maxRecords stop once the view holds this many records from {@code offset} on.
     * @param endOffset  stop before a batch whose base offset is at or past this.
     * @param view       filled in, holding the segment until released.
     * @return bytes in the view; 0 if nothing is there yet; {@link #OUT_OF_RANGE} or {@link #CORRUPT}.
     */
    public int read(
        final long offset, final int maxBytes, final int maxRecords, final long endOffset, final JournalView view)
    {
        if (offset < logStartOffset)
        {
            return OUT_OF_RANGE;
        }
        for (final CorruptRange range : corruptRanges)
        {
            if (range.contains(offset))
            {
                return CORRUPT;
            }
        }
        int refused = 0;
        while (true)
        {
            final Segment[] current = segments;
            final int index = SegmentSearch.segmentFor(current, offset);
            if (index < 0)
            {
                return OUT_OF_RANGE;
            }
            final Segment segment = current[index];
            if (!segment.tryRetain())
            {
                // Retired meanwhile: the writer publishes the segments without it at once. One that
                // stays unretainable in the same array is closed for good (the shard is closing): the
                // offset is not readable, rather than a spin without end.
                if (segments == current && ++refused > MAX_RETAIN_ATTEMPTS)
                {
                    return OUT_OF_RANGE;
                }
                Thread.onSpinWait();
                continue;
            }
            final int limit = segment.limit();
            final long segmentNext = segment.nextOffset();
            if (offset >= segmentNext)
            {
                segment.release();
                if (index == current.length - 1)
                {
                    return offset == segmentNext ? 0 : OUT_OF_RANGE;
                }
                return offset < current[index + 1].baseOffset() ? CORRUPT : OUT_OF_RANGE;
            }
            return SegmentSearch.fill(segment, offset, limit, maxBytes, maxRecords, endOffset, view);
        }
    }

    /**
     * @param timestamp epoch ms.
     * @return the base offset of the first batch whose largest timestamp is at least the given one,
     * or -1 if there is none.
     */
    public long offsetForTimestamp(final long timestamp)
    {
        while (true)
        {
            final Segment[] current = segments;
            for (final Segment segment : current)
            {
                if (segment.maxTimestamp() < timestamp)
                {
                    continue;
                }
                if (!segment.tryRetain())
                {
                    break;
                }
                try
                {
                    final long found = SegmentSearch.firstAtOrAfter(segment, timestamp);
                    if (found >= 0)
                    {
                        return Math.max(found, logStartOffset);
                    }
                }
                finally
                {
                    segment.release();
                }
            }
            if (current == segments)
            {
                return -1;
            }
        }
    }

    /**
     * @return true if the next segment is prepared and waiting for the roll.
     */
    boolean isNextSegmentReady()
    {
        return nextSegment != null && nextSegment.isReady();
    }

    private void checkWriter()
    {
        final Thread current = Thread.currentThread();
        if (writer != current)
        {
            if (writer != null)
            {
                throw new IllegalStateException("shard " + dir + " is written by " + writer.getName() + ", not " +
                    current.getName());
            }
            writer = current;
        }
        if (closed)
        {
            throw new IllegalStateException("shard " + dir + " is closed");
        }
    }

    /**
     * Writer only, or any thread once the writer has stopped: force, record the recovery point and
     * release every segment (each unmapped when its last reader lets go).
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        if (writer != null && writer != Thread.currentThread() && writer.isAlive())
        {
            throw new IllegalStateException("shard " + dir + " must be closed by its writer " + writer.getName());
        }
        closed = true;
        startOffsetRecords.await();
        pendingRetires.await();
        try
        {
            intervalForce.await();
        }
        catch (final JournalException ex)
        {
            // The log is failed: the force's error was reported where it ran.
        }
        try
        {
            if (failure == null)
            {
                final Segment[] current = segments;
                for (int k = 0; k < current.length - 1; k++)
                {
                    current[k].seal();
                }
                active.force();
                layer.syncDirectory(dir);
                writeCheckpoint();
            }
        }
        catch (final IOException | UncheckedIOException ex)
        {
            throw new JournalException("cannot close shard " + dir + ": " + ex.getMessage(), ex);
        }
        finally
        {
            Arrays.fill(rolled, null);
            rolledCount = 0;
            if (nextSegment != null)
            {
                nextSegment.close();
            }
            checkpoint.close();
            for (final Segment segment : segments)
            {
                segment.release();
            }
        }
    }
}
