package io.robustmq.kernel.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchStamper;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.TailListener;

import org.agrona.concurrent.EpochClock;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A shard kept in memory only, with the journal's contract: dense offsets, whole-batch reads,
 * offsets by time, tail notification. Bounded: the oldest batches are dropped to stay within
 * {@code storage.memory_max_bytes}. Lost when the node stops. Appends complete on the caller's
 * thread, before {@link #append} returns; they are refused with {@link #NOT_LEADER} while its
 * {@link ShardLeadership} says this node does not lead it.
 */
final class MemoryShard implements Shard
{
    private record Batch(long baseOffset, int recordCount, long maxTimestamp, int format, ByteBuf payload)
    {
    }

    private final String name;
    private final long maxBytes;
    private final AppendCallbacks callbacks;
    private final ShardLeadership leadership;
    private final CopyOnWriteArrayList<TailListener> listeners = new CopyOnWriteArrayList<>();

    private Batch[] ring = new Batch[64];
    private int head;
    private int size;
    private long bytes;
    private long logStart;
    private BufferStamper[] stampers = new BufferStamper[0];
    private final EpochClock clock;
    private long nextOffset;
    private boolean closed;

    MemoryShard(
        final String name,
        final long maxBytes,
        final AppendCallbacks callbacks,
        final ShardLeadership leadership,
        final EpochClock clock)
    {
        this.clock = clock;
        this.name = name;
        this.maxBytes = maxBytes;
        this.callbacks = callbacks;
        this.leadership = leadership;
    }

    ShardLeadership leadership()
    {
        return leadership;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String engine()
    {
        return "memory";
    }

    @Override
    public String durability()
    {
        return "memory";
    }

    @Override
    public int maxBatchBytes()
    {
        return (int)Math.min(Integer.MAX_VALUE - 8, maxBytes);
    }

    @Override
    public int append(
        final ByteBuf batch,
        final int recordCount,
        final long maxTimestamp,
        final int format,
        final int callbackId,
        final long correlationId)
    {
        if (recordCount < 1 || format < 0 || format > 0xFFFF)
        {
            throw new IllegalArgumentException("record count must be positive, format 0..65535");
        }
        final AppendCallback callback = callbacks.callback(callbackId);
        if (!leadership.isLeader())
        {
            return NOT_LEADER;
        }
        final int length = batch.readableBytes();
        if (length > maxBatchBytes())
        {
            return TOO_LARGE;
        }
        final ByteBuf copy = PooledByteBufAllocator.DEFAULT.directBuffer(length, length);
        copy.writeBytes(batch, batch.readerIndex(), length);
        final long baseOffset;
        final long next;
        synchronized (this)
        {
            if (closed)
            {
                copy.release();
                return CLOSED;
            }
            final BufferStamper stamper = format < stampers.length ? stampers[format] : null;
            final int verdict = stamper == null ? BatchStamper.ACCEPT :
                stamper.stamp(copy, nextOffset, recordCount, clock.time());
            if (verdict != BatchStamper.ACCEPT)
            {
                copy.release();
                callback.onFailed(correlationId, verdict);
                return SUBMITTED;
            }
            baseOffset = nextOffset;
            nextOffset += recordCount;
            next = nextOffset;
            add(new Batch(baseOffset, recordCount, maxTimestamp, format, copy));
            bytes += length;
            while (bytes > maxBytes && size > 1)
            {
                dropOldest();
            }
        }
        callback.onAppended(correlationId, baseOffset);
        for (final TailListener listener : listeners)
        {
            listener.onAppend(this, next);
        }
        return SUBMITTED;
    }

    private void add(final Batch batch)
    {
        if (size == ring.length)
        {
            final Batch[] grown = new Batch[ring.length * 2];
            for (int i = 0; i < size; i++)
            {
                grown[i] = ring[(head + i) % ring.length];
            }
            ring = grown;
            head = 0;
        }
        ring[(head + size) % ring.length] = batch;
        size++;
    }

    private Batch at(final int i)
    {
        return ring[(head + i) % ring.length];
    }

    private void dropOldest()
    {
        final Batch oldest = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        bytes -= oldest.payload().readableBytes();
        oldest.payload().release();
    }

    @Override
    public int read(final long offset, final int maxBytes, final int maxRecords, final ShardView view)
    {
        if (!(view instanceof MemoryShardView memoryView))
        {
            throw new IllegalArgumentException("read a memory shard into a view from its newView()");
        }
        memoryView.release();
        synchronized (this)
        {
            if (offset == nextOffset)
            {
                return 0;
            }
            if (size == 0 || offset < at(0).baseOffset() || offset < logStart || offset > nextOffset)
            {
                return OUT_OF_RANGE;
            }
            int low = 0;
            int high = size - 1;
            while (low < high)
            {
                final int mid = (low + high) >>> 1;
                final Batch batch = at(mid);
                if (batch.baseOffset() + batch.recordCount() <= offset)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid;
                }
            }
            long taken = 0;
            long records = 0;
            int count = 0;
            for (int i = low; i < size; i++)
            {
                final Batch batch = at(i);
                final int length = batch.payload().readableBytes();
                if (count > 0 && (taken + length > maxBytes || records >= maxRecords))
                {
                    break;
                }
                records = batch.baseOffset() + batch.recordCount() - offset;
                memoryView.add(batch.baseOffset(), batch.recordCount(), batch.maxTimestamp(), batch.format(),
                    batch.payload().retainedDuplicate());
                taken += length;
                count++;
            }
            return count;
        }
    }

    @Override
    public ShardView newView()
    {
        return new MemoryShardView();
    }

    @Override
    public synchronized long earliestOffset()
    {
        return Math.max(logStart, size == 0 ? nextOffset : at(0).baseOffset());
    }

    @Override
    public synchronized void stamper(final int format, final BatchStamper stamper)
    {
        if (format < 0 || format > 0xFFFF)
        {
            throw new IllegalArgumentException("format must be 0..65535: " + format);
        }
        if (format < stampers.length && stampers[format] != null)
        {
            throw new IllegalStateException("shard " + name + " has a stamper for format " + format + " already");
        }
        stampers = Arrays.copyOf(stampers, Math.max(stampers.length, format + 1));
        stampers[format] = new BufferStamper(stamper);
    }

    @Override
    public synchronized CompletableFuture<Long> truncateTo(final long offset)
    {
        if (offset < earliestOffset() || offset > nextOffset)
        {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot truncate shard " + name + " to " +
                offset + ": it holds " + earliestOffset() + " to " + nextOffset));
        }
        int keep = size;
        while (keep > 0 && at(keep - 1).baseOffset() + at(keep - 1).recordCount() > offset)
        {
            keep--;
        }
        if (keep < size && at(keep).baseOffset() < logStart)
        {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot truncate shard " + name + " to " +
                offset + ": the batch holding it starts below the earliest offset " + logStart));
        }
        while (size > keep)
        {
            final int last = (head + size - 1) % ring.length;
            final Batch newest = ring[last];
            ring[last] = null;
            size--;
            bytes -= newest.payload().readableBytes();
            newest.payload().release();
            nextOffset = newest.baseOffset();
        }
        return CompletableFuture.completedFuture(nextOffset);
    }

    @Override
    public synchronized CompletableFuture<Long> deleteBefore(final long offset)
    {
        if (offset > nextOffset)
        {
            return CompletableFuture.failedFuture(new IllegalArgumentException("cannot delete below " + offset +
                ": past the durable offset " + nextOffset + " of shard " + name));
        }
        logStart = Math.max(logStart, offset);
        while (size > 0 && at(0).baseOffset() + at(0).recordCount() <= logStart)
        {
            dropOldest();
        }
        return CompletableFuture.completedFuture(earliestOffset());
    }

    @Override
    public synchronized long nextOffset()
    {
        return nextOffset;
    }

    @Override
    public synchronized long durableOffset()
    {
        return nextOffset;
    }

    @Override
    public synchronized long offsetForTimestamp(final long timestamp)
    {
        for (int i = 0; i < size; i++)
        {
            if (at(i).maxTimestamp() >= timestamp)
            {
                return at(i).baseOffset();
            }
        }
        return -1;
    }

    /**
     * @return bytes of payload held.
     */
    synchronized long sizeBytes()
    {
        return bytes;
    }

    @Override
    public void addTailListener(final TailListener listener)
    {
        listeners.addIfAbsent(listener);
    }

    @Override
    public void removeTailListener(final TailListener listener)
    {
        listeners.remove(listener);
    }

    /**
     * Drop everything; later appends are refused.
     */
    synchronized void close()
    {
        closed = true;
        while (size > 0)
        {
            dropOldest();
        }
        Arrays.fill(ring, null);
    }
}
