package io.robustmq.journal;

import io.robustmq.journal.fs.FileAllocation;
import io.robustmq.journal.fs.FileLayer;
import io.robustmq.journal.fs.MappedFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One segment file of a shard: pre-allocated, mapped, named by the offset of its first record
 * ({@code 00000000000000001234.log}). Written by the shard's writer only; read by anyone up to the
 * published {@link #limit()}. Reference counted: the log holds one reference, each reader's view
 * another, and the mapping is released (and the files deleted, if the segment was retired) when the
 * last one is released.
 */
final class Segment
{
    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    private static final int PAGE_SIZE = 4096;

    private final FileLayer layer;
    private final long baseOffset;
    private final Path logFile;
    private final MappedFile mapped;
    private final UnsafeBuffer buffer;
    private final ByteBuffer writerView;
    private final AtomicInteger references = new AtomicInteger(1);
    private volatile SegmentIndex index;
    private volatile boolean deleteWhenFree;

    private static final VarHandle LIMIT;
    private static final VarHandle NEXT_OFFSET;
    private static final VarHandle MAX_TIMESTAMP;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            LIMIT = lookup.findVarHandle(Segment.class, "limit", int.class);
            NEXT_OFFSET = lookup.findVarHandle(Segment.class, "nextOffset", long.class);
            MAX_TIMESTAMP = lookup.findVarHandle(Segment.class, "maxTimestamp", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /*
     * Published state: written by the writer with release stores (no full fence on the append
     * path), read by anyone with acquire loads. The limit is stored last: a reader that sees a
     * limit sees every frame, index entry and offset before it.
     */
    private int limit;
    private long nextOffset;
    private long maxTimestamp = Long.MIN_VALUE;

    private boolean sealed;
    /** Guarded by this: a truncation replaced the segment's files; it must not write them again. */
    private boolean abandoned;
    /** Written under this: the end of the frames forced to the device; read without it. */
    private volatile int flushedPosition;
    private int bytesSinceIndexEntry;

    private Segment(final FileLayer layer, final long baseOffset, final Path logFile, final MappedFile mapped)
    {
        this.layer = layer;
        this.baseOffset = baseOffset;
        this.logFile = logFile;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(mapped.buffer());
        this.writerView = mapped.buffer().duplicate();
        this.nextOffset = baseOffset;
    }

    static String fileName(final long baseOffset, final String suffix)
    {
        return String.format("%020d%s", baseOffset, suffix);
    }

    static long parseBaseOffset(final Path file)
    {
        final String name = file.getFileName().toString();
        return Long.parseLong(name.substring(0, name.indexOf('.')));
    }

    /**
     * Create a new, empty segment: allocate its file at full size, map it and touch every page, so
     * that appends do not fault.
     */
    static Segment create(
        final FileLayer layer,
        final Path dir,
        final long baseOffset,
        final int capacity,
        final FileAllocation allocation,
        final int maxIndexEntries)
        throws IOException
    {
        final Path file = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        final Segment segment = new Segment(layer, baseOffset, file, layer.mapNew(file, capacity, allocation));
        segment.pretouch();
        segment.index = SegmentIndex.active(maxIndexEntries);
        return segment;
    }

    /**
     * Allocate, map and touch a segment file ahead of need, under a temporary name.
     *
     * @param file       the temporary file.
     * @param capacity   its size.
     * @param allocation how its pages are allocated.
     * @return the file, mapped and touched, not yet a segment.
     */
    static Prepared prepare(final FileLayer layer, final Path file, final int capacity, final FileAllocation allocation)
        throws IOException
    {
        final MappedFile mapped = layer.mapNew(file, capacity, allocation);
        try
        {
            final ByteBuffer memory = mapped.buffer();
            for (int i = 0; i < capacity; i += PAGE_SIZE)
            {
                memory.put(i, (byte)0);
            }
            return new Prepared(layer, file, mapped);
        }
        catch (final RuntimeException ex)
        {
            mapped.close();
            throw ex;
        }
    }

    /**
     * A segment file made ready ahead of need by {@link SegmentPreparer}.
     *
     * @param layer  the file layer it was made through.
     * @param file   its temporary name.
     * @param mapped its mapping, every page touched.
     */
    record Prepared(FileLayer layer, Path file, MappedFile mapped)
    {
        int capacity()
        {
            return mapped.buffer().capacity();
        }

        void discard()
        {
            mapped.close();
            try
            {
                layer.delete(file);
            }
            catch (final IOException ignored)
            {
                // A leftover temporary file is deleted when the shard is next opened.
            }
        }
    }

    /**
     * Turn a prepared file into the segment starting at a base offset: rename it, keep its mapping.
     */
    static Segment fromPrepared(final Path dir, final long baseOffset, final Prepared prepared, final int maxIndexEntries)
        throws IOException
    {
        final Path file = dir.resolve(fileName(baseOffset, LOG_SUFFIX));
        prepared.layer().move(prepared.file(), file);
        final Segment segment = new Segment(prepared.layer(), baseOffset, file, prepared.mapped());
        segment.index = SegmentIndex.active(maxIndexEntries);
        return segment;
    }

    /**
     * Map an existing segment file; recovery then sets its limit and index.
     */
    static Segment open(final FileLayer layer, final Path file) throws IOException
    {
        final long size = layer.size(file);
        if (size < ShardConfig.MIN_SEGMENT_BYTES || size > Integer.MAX_VALUE)
        {
            throw new IOException("segment " + file + " has an impossible size: " + size);
        }
        return new Segment(layer, parseBaseOffset(file), file, layer.map(file));
    }

    private void pretouch()
    {
        final int capacity = buffer.capacity();
        for (long i = 0; i < capacity; i += PAGE_SIZE)
        {
            buffer.putByte((int)i, (byte)0);
        }
    }

    long baseOffset()
    {
        return baseOffset;
    }

    Path logFile()
    {
        return logFile;
    }

    Path indexFile()
    {
        return indexFileOf(logFile);
    }

    static Path indexFileOf(final Path logFile)
    {
        return logFile.resolveSibling(fileName(parseBaseOffset(logFile), INDEX_SUFFIX));
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    ByteBuffer writerView()
    {
        return writerView;
    }

    int capacity()
    {
        return buffer.capacity();
    }

    /**
     * @return end of the published frames: readers read below it.
     */
    int limit()
    {
        return (int)LIMIT.getAcquire(this);
    }

    /**
     * @return the offset after the segment's last published record.
     */
    long nextOffset()
    {
        return (long)NEXT_OFFSET.getAcquire(this);
    }

    /**
     * @return the largest timestamp of the segment's published records; Long.MIN_VALUE if none.
     */
    long maxTimestamp()
    {
        return (long)MAX_TIMESTAMP.getAcquire(this);
    }

    SegmentIndex index()
    {
        return index;
    }

    void index(final SegmentIndex index)
    {
        this.index = index;
    }

    boolean isEmpty()
    {
        return limit() == 0;
    }

    /**
     * Writer only: account for a frame written at the current limit and publish it.
     */
    void published(final int alignedLength, final int recordCount, final long frameMaxTimestamp, final int indexInterval)
    {
        final int position = limit;
        final long next = nextOffset;
        if (position > 0 && bytesSinceIndexEntry >= indexInterval && index.hasRoom())
        {
            index.add((int)(next - baseOffset), position, maxTimestamp);
            bytesSinceIndexEntry = 0;
        }
        bytesSinceIndexEntry += alignedLength;
        if (frameMaxTimestamp > maxTimestamp)
        {
            MAX_TIMESTAMP.setRelease(this, frameMaxTimestamp);
        }
        NEXT_OFFSET.setRelease(this, next + recordCount);
        LIMIT.setRelease(this, position + alignedLength);
    }

    /**
     * Writer only: force the frames written since the last force to the device.
     *
     * @return true if there was anything to force.
     */
    synchronized boolean force()
    {
        final int end = limit();
        if (end == flushedPosition)
        {
            return false;
        }
        mapped.force(flushedPosition, end - flushedPosition);
        flushedPosition = end;
        return true;
    }

    /**
     * Never write this segment's files again (its seal is not wanted): a truncation is replacing
     * them. Readers still read its mapping until they let it go.
     */
    synchronized void abandon()
    {
        abandoned = true;
    }

    /**
     * @return true if every published frame has been forced to the device. Takes no lock, so the
     * writer never waits here for a force running on another thread (it sees false until it ends).
     */
    boolean isForced()
    {
        return flushedPosition == limit();
    }

    /**
     * Recovery only: zero whatever was written from a position on, so that nothing past a
     * truncation point can ever look like a frame again. Only the part that is not already zero is
     * written, found by reading back from the end.
     *
     * @return the bytes zeroed.
     */
    int zeroFrom(final int position)
    {
        int end = buffer.capacity();
        while (end - 8 >= position && buffer.getLong(end - 8) == 0)
        {
            end -= 8;
        }
        if (end > position)
        {
            buffer.setMemory(position, end - position, (byte)0);
            mapped.force(position, end - position);
        }
        return Math.max(0, end - position);
    }

    /**
     * Recovery only: the frames below the limit were checked and published; they are durable.
     */
    synchronized void markFlushed()
    {
        flushedPosition = limit();
    }

    /**
     * Recovery only: set the state of a sealed segment from its index file.
     */
    void recoveredSealed(final SegmentIndex sealed)
    {
        final SegmentIndex.SealedState state = sealed.sealedState();
        this.index = sealed;
        NEXT_OFFSET.setRelease(this, state.nextOffset());
        MAX_TIMESTAMP.setRelease(this, state.maxTimestamp());
        LIMIT.setRelease(this, state.limit());
        synchronized (this)
        {
            this.flushedPosition = state.limit();
        }
        this.sealed = true;
    }

    /**
     * Close the mapping without deleting anything; for recovery's quarantine and failures.
     */
    void closeQuietly()
    {
        if (references.getAndSet(0) > 0)
        {
            free();
        }
    }

    /**
     * Seal a segment the writer has moved past: force it and write its index file. Idempotent; the
     * writer's successor thread (the preparer) or the log's close may call it.
     */
    synchronized void seal() throws IOException
    {
        if (!sealed && !abandoned)
        {
            force();
            writeIndexFile();
        }
    }

    /**
     * Write the index file of a segment whose frames are all published, and switch to it.
     */
    void writeIndexFile() throws IOException
    {
        index.writeTo(layer, indexFile(), new SegmentIndex.SealedState(limit(), nextOffset(), maxTimestamp()));
        final SegmentIndex sealed = SegmentIndex.loadSealed(layer, indexFile(), baseOffset, capacity());
        if (sealed == null)
        {
            throw new IOException("index file " + indexFile() + " did not read back as written");
        }
        final SegmentIndex active = index;
        index = sealed;
        active.close();
        this.sealed = true;
    }

    /**
     * @return true if a reference was taken; false if the segment is already freed.
     */
    boolean tryRetain()
    {
        while (true)
        {
            final int current = references.get();
            if (current <= 0)
            {
                return false;
            }
            if (references.compareAndSet(current, current + 1))
            {
                return true;
            }
        }
    }

    /**
     * Drop a reference; the last one unmaps the segment, and deletes its files if it was retired.
     */
    void release()
    {
        if (references.decrementAndGet() == 0)
        {
            free();
        }
    }

    /**
     * Drop the log's own reference and delete the files once no reader holds the segment.
     */
    void retire()
    {
        deleteWhenFree = true;
        release();
    }

    private void free()
    {
        mapped.close();
        final SegmentIndex current = index;
        if (current != null)
        {
            current.close();
        }
        if (deleteWhenFree)
        {
            try
            {
                layer.delete(logFile);
                layer.delete(indexFile());
            }
            catch (final IOException ex)
            {
                throw new JournalException("cannot delete segment " + logFile + ": " + ex.getMessage(), ex);
            }
        }
    }
}
