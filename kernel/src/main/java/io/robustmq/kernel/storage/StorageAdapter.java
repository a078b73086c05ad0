package io.robustmq.kernel.storage;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.engine.Journal;
import io.robustmq.journal.engine.JournalShard;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.Shards;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Storage Adapter: every shard of the node, whichever engine keeps it, behind one
 * {@link Shards}. A new shard's engine and settings follow {@code [storage]} for its topic; a
 * journal shard keeps its settings on disk and reopens with them.
 */
public final class StorageAdapter implements Shards, AutoCloseable
{
    private final StorageConfig config;
    private final Journal journal;
    private final AppendCallbacks callbacks;
    private final Map<String, Shard> shards = new TreeMap<>();

    /**
     * @param config  how topics are stored.
     * @param journal the journal engine, already holding the shards it recovered.
     */
    public StorageAdapter(final StorageConfig config, final Journal journal)
    {
        this.config = config;
        this.journal = journal;
        this.callbacks = new AppendCallbacks(journal);
        for (final String encoded : journal.shardNames())
        {
            final String name = ShardNames.decode(encoded);
            shards.put(name, new JournalShardAdapter(name, journal.shard(encoded), callbacks));
        }
    }

    @Override
    public synchronized Shard open(final String name, final String topic)
    {
        final Shard existing = shards.get(name);
        if (existing != null)
        {
            return existing;
        }
        final StorageConfig.TopicStorage storage = config.forTopic(topic);
        final Shard shard;
        if (storage.engine().equals("memory"))
        {
            shard = new MemoryShard(name, storage.memoryMaxBytes(), callbacks, journal.clock());
        }
        else
        {
            final JournalShard created = journal.createShard(ShardNames.encode(name), new ShardConfig(
                storage.segmentBytes(),
                storage.indexIntervalBytes(),
                Durability.fromLabel(storage.durability()),
                storage.flushIntervalMs(),
                storage.retentionBytes(),
                storage.retentionMs()));
            shard = new JournalShardAdapter(name, created, callbacks);
        }
        shards.put(name, shard);
        return shard;
    }

    @Override
    public synchronized Optional<Shard> find(final String name)
    {
        return Optional.ofNullable(shards.get(name));
    }

    @Override
    public synchronized boolean delete(final String name)
    {
        final Shard shard = shards.remove(name);
        if (shard instanceof MemoryShard memory)
        {
            memory.close();
        }
        else if (shard instanceof JournalShardAdapter)
        {
            journal.deleteShard(ShardNames.encode(name));
        }
        return shard != null;
    }

    @Override
    public synchronized List<String> list()
    {
        return new ArrayList<>(shards.keySet());
    }

    @Override
    public int register(final AppendCallback callback)
    {
        return callbacks.register(callback);
    }

    /**
     * @return shards by engine, and bytes held, for the admin API.
     */
    public synchronized String describe()
    {
        int journalShards = 0;
        int memoryShards = 0;
        long bytes = 0;
        for (final Shard shard : shards.values())
        {
            if (shard instanceof JournalShardAdapter adapter)
            {
                journalShards++;
                bytes += adapter.journalShard().sizeBytes();
            }
            else if (shard instanceof MemoryShard memory)
            {
                memoryShards++;
                bytes += memory.sizeBytes();
            }
        }
        return journalShards + " journal shards, " + memoryShards + " memory shards, " + bytes + " bytes";
    }

    /**
     * @return shards open.
     */
    public synchronized int size()
    {
        return shards.size();
    }

    /**
     * Drop the memory shards; the journal is closed by its owner.
     */
    @Override
    public synchronized void close()
    {
        for (final Shard shard : shards.values())
        {
            if (shard instanceof MemoryShard memory)
            {
                memory.close();
            }
        }
        shards.clear();
    }
}
