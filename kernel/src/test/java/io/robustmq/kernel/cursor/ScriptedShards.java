package io.robustmq.kernel.cursor;

import io.netty.buffer.ByteBuf;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchStamper;
import io.robustmq.plugin.api.storage.NoSuchShardException;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardId;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.Shards;
import io.robustmq.plugin.api.storage.TailListener;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real shards, with failures on cue: appends back-pressured or refused, or, from a generation of the cursor
 * store on and after a number of appends, dropped (reported submitted, never stored nor completed:
 * what a node that stops at that moment leaves), and deletions ignored (a stop before them).
 */
final class ScriptedShards implements Shards
{
    private final Shards delegate;
    private final Map<String, Shard> wrapped = new ConcurrentHashMap<>();
    private final AtomicInteger appendsBeforeFreeze = new AtomicInteger();
    volatile boolean backPressure;
    /** Appends refused as if the shard were closed (an engine failure), while set. */
    volatile boolean refuse;
    volatile boolean ignoreDeletes;
    private volatile long freezeFromGeneration = Long.MAX_VALUE;

    ScriptedShards(final Shards delegate)
    {
        this.delegate = delegate;
    }

    /**
     * Drop every append to the cursor generations from {@code generation} on, after {@code appends} of them.
     */
    void freeze(final long generation, final int appends)
    {
        appendsBeforeFreeze.set(appends);
        freezeFromGeneration = generation;
    }

    @Override
    public Shard open(final String topic, final int partition) throws NoSuchShardException
    {
        return delegate.open(topic, partition);
    }

    @Override
    public Optional<Shard> find(final String topic, final int partition)
    {
        return delegate.find(topic, partition);
    }

    @Override
    public boolean delete(final ShardId id)
    {
        return delegate.delete(id);
    }

    @Override
    public List<ShardId> list()
    {
        return delegate.list();
    }

    @Override
    public Shard openPrivate(final String name)
    {
        return wrapped.computeIfAbsent(name, key -> new ScriptedShard(delegate.openPrivate(name)));
    }

    @Override
    public Optional<Shard> findPrivate(final String name)
    {
        return delegate.findPrivate(name).map(shard -> wrapped.computeIfAbsent(name, key -> new ScriptedShard(shard)));
    }

    @Override
    public boolean deletePrivate(final String name)
    {
        if (ignoreDeletes)
        {
            return true;
        }
        wrapped.remove(name);
        return delegate.deletePrivate(name);
    }

    @Override
    public List<String> listPrivate()
    {
        return delegate.listPrivate();
    }

    @Override
    public List<String> adoptLegacy(final String prefix)
    {
        return delegate.adoptLegacy(prefix);
    }

    @Override
    public int register(final AppendCallback callback)
    {
        return delegate.register(callback);
    }

    private boolean dropped(final String name)
    {
        if (!name.startsWith(CursorGenerations.SHARD_PREFIX))
        {
            return false;
        }
        final long generation = Long.parseLong(name.substring(CursorGenerations.SHARD_PREFIX.length()));
        return generation >= freezeFromGeneration && appendsBeforeFreeze.getAndDecrement() <= 0;
    }

    private final class ScriptedShard implements Shard
    {
        private final Shard shard;

        ScriptedShard(final Shard shard)
        {
            this.shard = shard;
        }

        @Override
        public String name()
        {
            return shard.name();
        }

        @Override
        public String engine()
        {
            return shard.engine();
        }

        @Override
        public String durability()
        {
            return shard.durability();
        }

        @Override
        public int maxBatchBytes()
        {
            return shard.maxBatchBytes();
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
            if (backPressure)
            {
                return BACK_PRESSURED;
            }
            if (refuse)
            {
                return CLOSED;
            }
            if (dropped(shard.name()))
            {
                return SUBMITTED;
            }
            return shard.append(batch, recordCount, maxTimestamp, format, callbackId, correlationId);
        }

        @Override
        public int read(final long offset, final int maxBytes, final int maxRecords, final ShardView view)
        {
            return shard.read(offset, maxBytes, maxRecords, view);
        }

        @Override
        public ShardView newView()
        {
            return shard.newView();
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
        public long durableOffset()
        {
            return shard.durableOffset();
        }

        @Override
        public void stamper(final int format, final BatchStamper stamper)
        {
            shard.stamper(format, stamper);
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
        public long offsetForTimestamp(final long timestamp)
        {
            return shard.offsetForTimestamp(timestamp);
        }

        @Override
        public void addTailListener(final TailListener listener)
        {
            shard.addTailListener(listener);
        }

        @Override
        public void removeTailListener(final TailListener listener)
        {
            shard.removeTailListener(listener);
        }
    }
}
