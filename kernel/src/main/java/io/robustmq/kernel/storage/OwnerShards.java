package io.robustmq.kernel.storage;

import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.NoSuchShardException;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardId;
import io.robustmq.plugin.api.storage.Shards;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The Storage Adapter as one owner sees it: every topic's shards, and the owner's own private
 * namespace. Thread-safe, as the adapter.
 */
final class OwnerShards implements Shards
{
    private final StorageAdapter adapter;
    private final String owner;

    OwnerShards(final StorageAdapter adapter, final String owner)
    {
        this.adapter = adapter;
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    @Override
    public Shard open(final String topic, final int partition) throws NoSuchShardException
    {
        return adapter.openTopic(topic, partition);
    }

    @Override
    public Optional<Shard> find(final String topic, final int partition)
    {
        return adapter.findTopic(topic, partition);
    }

    @Override
    public boolean delete(final ShardId id)
    {
        return adapter.deleteTopic(id);
    }

    @Override
    public List<ShardId> list()
    {
        return adapter.listTopics();
    }

    @Override
    public Shard openPrivate(final String name)
    {
        return adapter.openPrivate(owner, name);
    }

    @Override
    public Optional<Shard> findPrivate(final String name)
    {
        return adapter.findPrivate(owner, name);
    }

    @Override
    public boolean deletePrivate(final String name)
    {
        return adapter.deletePrivate(owner, name);
    }

    @Override
    public List<String> listPrivate()
    {
        return adapter.listPrivate(owner);
    }

    @Override
    public List<String> adoptLegacy(final String prefix)
    {
        return adapter.adoptLegacy(owner, prefix);
    }

    @Override
    public int register(final AppendCallback callback)
    {
        return adapter.register(callback);
    }

    @Override
    public String toString()
    {
        return "shards of " + owner;
    }
}
