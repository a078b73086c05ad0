package io.robustmq.kernel.storage;

import io.netty.buffer.ByteBuf;
import io.robustmq.journal.ShardLog;
import io.robustmq.journal.engine.JournalShard;
import io.robustmq.plugin.api.storage.BatchStamper;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.TailListener;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A journal shard as {@link Shard}: appends are copied straight from the caller's buffer into the
 * writer's ring (no intermediate copy for direct or heap buffers), reads are views of the mapped
 * segments. Appends are refused with {@link #NOT_LEADER}, before anything is copied, while its
 * {@link ShardLeadership} says this node does not lead it.
 */
final class JournalShardAdapter implements Shard
{
    private static final ThreadLocal<UnsafeBuffer> WRAPPER = ThreadLocal.withInitial(() -> new UnsafeBuffer(new byte[0]));
    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

    private final String name;
    private final JournalShard shard;
    private final AppendCallbacks callbacks;
    private final ShardLeadership leadership;
    private final Map<TailListener, io.robustmq.journal.engine.TailListener> listeners = new ConcurrentHashMap<>();

    JournalShardAdapter(
        final String name, final JournalShard shard, final AppendCallbacks callbacks, final ShardLeadership leadership)
    {
        this.name = name;
        this.shard = shard;
        this.callbacks = callbacks;
        this.leadership = leadership;
    }

    ShardLeadership leadership()
    {
        return leadership;
    }

    JournalShard journalShard()
    {
        return shard;
    }

    @Override
    public String name()
    {
        return name;
    }

    @Override
    public String engine()
    {
        return "journal";
    }

    @Override
    public String durability()
    {
        return shard.config().durability().label();
    }

    @Override
    public int maxBatchBytes()
    {
        return shard.maxPayloadBytes();
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
        final int length = batch.readableBytes();
        final int completionId = callbacks.journalId(callbackId);
        if (!leadership.isLeader())
        {
            return NOT_LEADER;
        }
        if (length > shard.maxPayloadBytes())
        {
            return TOO_LARGE;
        }
        if (shard.isFailed())
        {
            return FAILED;
        }
        final UnsafeBuffer wrapper = WRAPPER.get();
        if (batch.hasMemoryAddress())
        {
            wrapper.wrap(batch.memoryAddress() + batch.readerIndex(), length);
        }
        else if (batch.hasArray())
        {
            wrapper.wrap(batch.array(), batch.arrayOffset() + batch.readerIndex(), length);
        }
        else
        {
            byte[] scratch = SCRATCH.get();
            if (scratch.length < length)
            {
                scratch = new byte[Math.max(length, scratch.length * 2)];
                SCRATCH.set(scratch);
            }
            batch.getBytes(batch.readerIndex(), scratch, 0, length);
            wrapper.wrap(scratch, 0, length);
        }
        final int result = shard.append(wrapper, 0, length, recordCount, maxTimestamp, format, completionId, correlationId);
        return switch (result)
        {
            case JournalShard.SUBMITTED -> SUBMITTED;
            case JournalShard.BACK_PRESSURED -> BACK_PRESSURED;
            case JournalShard.TOO_LARGE -> TOO_LARGE;
            default -> CLOSED;
        };
    }

    @Override
    public int read(final long offset, final int maxBytes, final int maxRecords, final ShardView view)
    {
        if (!(view instanceof JournalShardView journalView))
        {
            throw new IllegalArgumentException("read a journal shard into a view from its newView()");
        }
        journalView.release();
        final int result = shard.read(offset, maxBytes, maxRecords, journalView.journalView());
        if (result == ShardLog.OUT_OF_RANGE)
        {
            return OUT_OF_RANGE;
        }
        if (result == ShardLog.CORRUPT)
        {
            return CORRUPT;
        }
        return result == 0 ? 0 : journalView.filled();
    }

    @Override
    public ShardView newView()
    {
        return new JournalShardView();
    }

    @Override
    public long earliestOffset()
    {
        return shard.earliestOffset();
    }

    @Override
    public long nextOffset()
    {
        return shard.nextOffset();
    }

    @Override
    public void stamper(final int format, final BatchStamper stamper)
    {
        shard.stamper(format, new SegmentStamper(stamper));
    }

    @Override
    public CompletableFuture<Long> truncateTo(final long offset)
    {
        return shard.truncateTo(offset);
    }

    @Override
    public CompletableFuture<Long> deleteBefore(final long offset)
    {
        return shard.deleteBefore(offset);
    }

    @Override
    public long durableOffset()
    {
        return shard.durableOffset();
    }

    @Override
    public long offsetForTimestamp(final long timestamp)
    {
        return shard.offsetForTimestamp(timestamp);
    }

    @Override
    public void addTailListener(final TailListener listener)
    {
        final io.robustmq.journal.engine.TailListener forward = (journalShard, next) -> listener.onAppend(this, next);
        if (listeners.putIfAbsent(listener, forward) == null)
        {
            shard.addTailListener(forward);
        }
    }

    @Override
    public void removeTailListener(final TailListener listener)
    {
        final io.robustmq.journal.engine.TailListener forward = listeners.remove(listener);
        if (forward != null)
        {
            shard.removeTailListener(forward);
        }
    }
}
