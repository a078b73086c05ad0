package io.robustmq.plugin.mqtt.persistence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.NoSuchShardException;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardId;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.Shards;
import io.robustmq.plugin.api.storage.TailListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shards kept in the test's memory, for the session log's unit tests (the plugin's tests do not
 * depend on the kernel; the protocol tests in {@code tests/mqtt} use a real node's journal). An
 * append completes at once; {@link #backPressure(int)} makes the next appends refused for a while,
 * and {@link #maxBatchBytes} bounds a batch.
 */
final class MemoryShards implements Shards
{
    private final Map<String, MemoryShard> shards = new ConcurrentHashMap<>();
    private final Map<String, MemoryShard> legacy = new ConcurrentHashMap<>();
    private final List<AppendCallback> callbacks = new CopyOnWriteArrayList<>();
    private final AtomicInteger backPressured = new AtomicInteger();
    private final int maxBatchBytes;

    MemoryShards(final int maxBatchBytes)
    {
        this.maxBatchBytes = maxBatchBytes;
    }

    /**
     * @param appends how many of the next appends are refused with {@link Shard#BACK_PRESSURED}.
     */
    void backPressure(final int appends)
    {
        backPressured.set(appends);
    }

    /**
     * Turn a private shard into one as an earlier version left it, for {@link #adoptLegacy}.
     *
     * @param name the shard's name.
     */
    void makeLegacy(final String name)
    {
        legacy.put(name, shards.remove(name));
    }

    @Override
    public Shard open(final String topic, final int partition) throws NoSuchShardException
    {
        throw new NoSuchShardException(topic, partition, "the session log's tests have no topics");
    }

    @Override
    public Optional<Shard> find(final String topic, final int partition)
    {
        return Optional.empty();
    }

    @Override
    public boolean delete(final ShardId id)
    {
        return false;
    }

    @Override
    public List<ShardId> list()
    {
        return List.of();
    }

    @Override
    public Shard openPrivate(final String name)
    {
        return shards.computeIfAbsent(name, MemoryShard::new);
    }

    @Override
    public Optional<Shard> findPrivate(final String name)
    {
        return Optional.ofNullable(shards.get(name));
    }

    @Override
    public boolean deletePrivate(final String name)
    {
        return shards.remove(name) != null;
    }

    @Override
    public List<String> listPrivate()
    {
        return shards.keySet().stream().sorted().toList();
    }

    @Override
    public List<String> adoptLegacy(final String prefix)
    {
        final List<String> adopted = new ArrayList<>();
        for (final String name : List.copyOf(legacy.keySet()))
        {
            if (name.startsWith(prefix))
            {
                shards.put(name, legacy.remove(name));
                adopted.add(name);
            }
        }
        adopted.sort(null);
        return adopted;
    }

    @Override
    public int register(final AppendCallback callback)
    {
        callbacks.add(callback);
        return callbacks.size() - 1;
    }

    /**
     * @return the shards' names and their batch counts.
     */
    Map<String, Integer> batchCounts()
    {
        final Map<String, Integer> counts = new java.util.TreeMap<>();
        shards.forEach((name, shard) -> counts.put(name, shard.batches.size()));
        return counts;
    }

    private record Batch(long baseOffset, int recordCount, long maxTimestamp, int format, byte[] payload)
    {
    }

    private final class MemoryShard implements Shard
    {
        private final String name;
        private final ConcurrentSkipListMap<Long, Batch> batches = new ConcurrentSkipListMap<>();
        private long next;

        MemoryShard(final String name)
        {
            this.name = name;
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
            return maxBatchBytes;
        }

        @Override
        public int append(final ByteBuf batch, final int recordCount, final long maxTimestamp, final int format,
            final int callbackId, final long correlationId)
        {
            if (backPressured.getAndUpdate(left -> Math.max(0, left - 1)) > 0)
            {
                return BACK_PRESSURED;
            }
            if (batch.readableBytes() > maxBatchBytes)
            {
                return TOO_LARGE;
            }
            final byte[] bytes = new byte[batch.readableBytes()];
            batch.getBytes(batch.readerIndex(), bytes);
            final long base;
            synchronized (this)
            {
                base = next;
                next += recordCount;
                batches.put(base, new Batch(base, recordCount, maxTimestamp, format, bytes));
            }
            callbacks.get(callbackId).onAppended(correlationId, base);
            return SUBMITTED;
        }

        @Override
        public int read(final long offset, final int maxBytes, final int maxRecords, final ShardView view)
        {
            final MemoryView memoryView = (MemoryView)view;
            memoryView.batches.clear();
            memoryView.index = -1;
            final Long start = batches.floorKey(offset);
            if (start == null)
            {
                return 0;
            }
            for (final Batch batch : batches.tailMap(start).values())
            {
                memoryView.batches.add(batch);
                if (memoryView.batches.size() >= maxRecords)
                {
                    break;
                }
            }
            return memoryView.batches.size();
        }

        @Override
        public ShardView newView()
        {
            return new MemoryView();
        }

        @Override
        public synchronized long earliestOffset()
        {
            return batches.isEmpty() ? next : batches.firstKey();
        }

        @Override
        public synchronized long nextOffset()
        {
            return next;
        }

        @Override
        public synchronized long durableOffset()
        {
            return next;
        }

        @Override
        public void stamper(final int format, final io.robustmq.plugin.api.storage.BatchStamper stamper)
        {
            throw new IllegalStateException("this test double stores batches as given: the session log sets no stamper");
        }

        @Override
        public synchronized java.util.concurrent.CompletableFuture<Long> truncateTo(final long offset)
        {
            while (!batches.isEmpty() && batches.lastEntry().getValue().baseOffset() +
                batches.lastEntry().getValue().recordCount() > offset)
            {
                next = batches.pollLastEntry().getValue().baseOffset();
            }
            return java.util.concurrent.CompletableFuture.completedFuture(next);
        }

        @Override
        public synchronized java.util.concurrent.CompletableFuture<Long> deleteBefore(final long offset)
        {
            while (!batches.isEmpty() && batches.firstEntry().getValue().baseOffset() +
                batches.firstEntry().getValue().recordCount() <= offset)
            {
                batches.pollFirstEntry();
            }
            return java.util.concurrent.CompletableFuture.completedFuture(earliestOffset());
        }

        @Override
        public long offsetForTimestamp(final long timestamp)
        {
            return -1;
        }

        @Override
        public void addTailListener(final TailListener listener)
        {
        }

        @Override
        public void removeTailListener(final TailListener listener)
        {
        }
    }

    private static final class MemoryView implements ShardView
    {
        private final List<Batch> batches = new ArrayList<>();
        private int index = -1;

        @Override
        public boolean next()
        {
            return ++index < batches.size();
        }

        @Override
        public long baseOffset()
        {
            return batches.get(index).baseOffset();
        }

        @Override
        public int recordCount()
        {
            return batches.get(index).recordCount();
        }

        @Override
        public long maxTimestamp()
        {
            return batches.get(index).maxTimestamp();
        }

        @Override
        public int format()
        {
            return batches.get(index).format();
        }

        @Override
        public ByteBuf payload()
        {
            return Unpooled.wrappedBuffer(batches.get(index).payload());
        }

        @Override
        public ByteBuf retainedPayload()
        {
            return Unpooled.wrappedBuffer(batches.get(index).payload());
        }

        @Override
        public long nextOffset()
        {
            final Batch last = batches.get(batches.size() - 1);
            return last.baseOffset() + last.recordCount();
        }

        @Override
        public void release()
        {
            batches.clear();
            index = -1;
        }
    }
}
