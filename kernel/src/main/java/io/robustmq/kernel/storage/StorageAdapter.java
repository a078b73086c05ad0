package io.robustmq.kernel.storage;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.engine.Journal;
import io.robustmq.journal.engine.JournalShard;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.NoSuchShardException;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardId;
import io.robustmq.plugin.api.storage.Shards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Storage Adapter: every shard of the node, whichever engine keeps it. Owners see it through
 * {@link Shards} views bound to their name ({@link #forPlugin}, {@link #forKernel}).
 * <ul>
 *   <li>A topic's shard is opened by (topic, partition) as the Meta Service placed it, under the
 *       topic's current id; its settings are the topic's own ({@link TopicInfo}), what the topic
 *       leaves empty or 0 taken from {@code [storage]} for the topic. Appends follow the shard's
 *       leader in the metadata ({@link ShardLeadership}).</li>
 *   <li>A private shard is opened by (owner, name), with {@code [storage]} and its
 *       {@code [storage.private."<owner>/<name>"]} overrides.</li>
 *   <li>A journal shard's directory is named by {@link ShardNames}, and its identity recorded
 *       inside ({@link ShardIdentityFile}); a journal shard reopens with the settings and identity it
 *       was kept with, then takes its topic's current retention limits and segment size (the
 *       topic's own, or the node's for what the topic leaves 0: a new {@code storage.segment_bytes}
 *       sizes the segments such shards create from then on, as Kafka's broker default does). One without an identity was written by an earlier version: it is kept
 *       aside, untouched, until an owner adopts it ({@link #adoptLegacy}).</li>
 * </ul>
 * Threading: thread-safe; the methods that change the set of shards take the adapter's lock and may
 * create or delete files. The shards themselves are lock-free to append to.
 */
public final class StorageAdapter implements AutoCloseable
{
    /** The owner of kernel services' private shards; no plugin can have this name. */
    public static final String KERNEL_OWNER = StorageConfig.KERNEL_OWNER;

    private static final Logger LOG = LoggerFactory.getLogger(StorageAdapter.class);
    private static final Comparator<ShardId> ORDER = Comparator.comparing(ShardId::topic)
        .thenComparingInt(ShardId::partition).thenComparing(ShardId::topicId);

    private final StorageConfig config;
    private final Journal journal;
    private final Metadata metadata;
    private final int nodeId;
    private final AppendCallbacks callbacks;
    private final Map<ShardId, Shard> topicShards = new TreeMap<>(ORDER);
    private final Map<ShardIdentity.Private, Shard> privateShards = new HashMap<>();
    /** Journal shards written by an earlier version, by their old name: directory name. */
    private final Map<String, String> legacy = new TreeMap<>();

    /**
     * @param config   how shards are stored.
     * @param journal  the journal engine, already holding the shards it recovered.
     * @param metadata the Meta Service's client: topics, their shards and leaders.
     * @param nodeId   this node's id, to tell whether it leads a shard.
     * @throws IllegalStateException if a recovered shard's identity cannot be read.
     */
    public StorageAdapter(final StorageConfig config, final Journal journal, final Metadata metadata, final int nodeId)
    {
        this.config = config;
        this.journal = journal;
        this.metadata = metadata;
        this.nodeId = nodeId;
        this.callbacks = new AppendCallbacks(journal);
        try
        {
            recover();
        }
        catch (final RuntimeException ex)
        {
            close();
            throw ex;
        }
    }

    private void recover()
    {
        for (final String directory : journal.shardNames())
        {
            final JournalShard shard = journal.shard(directory);
            final Optional<ShardIdentity> identity = ShardIdentityFile.read(journal.directory().resolve(directory));
            if (identity.isEmpty())
            {
                legacy.put(ShardNames.legacyDecode(directory), directory);
                LOG.warn("shard directory {} was written by an earlier version (no {}): it stays as it is until " +
                    "its owner adopts it", directory, ShardIdentityFile.FILE_NAME);
            }
            else if (identity.get() instanceof ShardIdentity.Topic topic)
            {
                // The topic's limits now, which a change made while the node was down may have moved.
                final RetentionFollower retention = new RetentionFollower();
                retention.follow(shard);
                topicShards.put(topic.id(), new JournalShardAdapter(topic.id().label(), shard, callbacks,
                    ShardLeadership.watch(metadata, nodeId, topic.id(), retention::topicChanged)));
            }
            else if (identity.get() instanceof ShardIdentity.Private owned)
            {
                privateShards.put(owned, new JournalShardAdapter(owned.name(), shard, callbacks, ShardLeadership.LOCAL));
            }
        }
    }

    /**
     * @param plugin a plugin's name.
     * @return the shards as the plugin sees them: its private namespace is its name.
     */
    public Shards forPlugin(final String plugin)
    {
        if (plugin.equals(KERNEL_OWNER))
        {
            throw new IllegalArgumentException("a plugin cannot own the kernel's private shards");
        }
        return new OwnerShards(this, plugin);
    }

    /**
     * @return the shards as the kernel's own services see them: their private namespace is
     * {@link #KERNEL_OWNER}.
     */
    public Shards forKernel()
    {
        return new OwnerShards(this, KERNEL_OWNER);
    }

    synchronized Shard openTopic(final String topic, final int partition) throws NoSuchShardException
    {
        final TopicInfo info = metadata.topic(topic).orElseThrow(() ->
            new NoSuchShardException(topic, partition, "no topic '" + topic + "'"));
        if (metadata.shard(topic, partition).isEmpty())
        {
            throw new NoSuchShardException(topic, partition, "topic '" + topic + "' has " + info.partitions() +
                " partitions, no partition " + partition);
        }
        final ShardId id = new ShardId(topic, info.id(), partition);
        final Shard existing = topicShards.get(id);
        if (existing != null)
        {
            return existing;
        }
        final RetentionFollower retention = new RetentionFollower();
        final ShardLeadership leadership = ShardLeadership.watch(metadata, nodeId, id, retention::topicChanged);
        try
        {
            final Shard shard = create(new ShardIdentity.Topic(id), id.label(), settings(info), leadership);
            topicShards.put(id, shard);
            if (shard instanceof JournalShardAdapter journalShard)
            {
                retention.follow(journalShard.journalShard());
                metadata.topic(topic).filter(now -> now.id().equals(info.id())).ifPresent(retention::topicChanged);
            }
            return shard;
        }
        catch (final RuntimeException ex)
        {
            leadership.close();
            throw ex;
        }
    }

    /**
     * A topic's settings: its own from the metadata, and the node's for what it leaves empty or 0.
     */
    private StorageConfig.TopicStorage settings(final TopicInfo topic)
    {
        final StorageConfig.TopicStorage node = config.forTopic(topic.name());
        final String engine = topic.storage().isEmpty() ? node.engine() : topic.storage();
        final String durability = topic.durability().isEmpty() ? node.durability() : topic.durability();
        if (!StorageConfig.ENGINES.contains(engine) || !StorageConfig.DURABILITIES.contains(durability))
        {
            throw new IllegalStateException("topic '" + topic.name() + "' asks for engine '" + engine +
                "' and durability '" + durability + "'; this node has engines " + StorageConfig.ENGINES +
                " and durabilities " + StorageConfig.DURABILITIES);
        }
        return new StorageConfig.TopicStorage(engine, durability, node.flushIntervalMs(),
            topic.segmentBytes() > 0 ? topic.segmentBytes() : node.segmentBytes(),
            node.indexIntervalBytes(),
            topic.retentionBytes() > 0 ? topic.retentionBytes() : node.retentionBytes(),
            topic.retentionMs() > 0 ? topic.retentionMs() : node.retentionMs(),
            node.memoryMaxBytes());
    }

    /**
     * Applies a topic's retention limits and segment size, as they change, to its journal shard
     * (the memory engine keeps {@code memory_max_bytes} whatever the topic says; a new segment size
     * takes effect at the shard's next roll, see {@link Journal#segmentBytes}). Told the topic on the
     * Meta Service's thread before the shard exists too: those calls find no shard, and the shard is
     * created with the settings of the moment; a shard recovered at start is told its topic's
     * current settings once it is opened.
     */
    private final class RetentionFollower
    {
        private volatile io.robustmq.journal.engine.JournalShard shard;

        void follow(final io.robustmq.journal.engine.JournalShard shard)
        {
            this.shard = shard;
        }

        void topicChanged(final TopicInfo topic)
        {
            final io.robustmq.journal.engine.JournalShard target = shard;
            if (target == null)
            {
                return;
            }
            try
            {
                final StorageConfig.TopicStorage storage = settings(topic);
                target.retention(storage.retentionBytes(), storage.retentionMs());
                journal.segmentBytes(target, storage.segmentBytes());
            }
            catch (final IllegalStateException | IllegalArgumentException | io.robustmq.journal.JournalException ex)
            {
                LOG.warn("topic {}: its settings cannot be applied to {}: {}", topic.name(), target.name(),
                    ex.getMessage());
            }
        }
    }

    synchronized Optional<Shard> findTopic(final String topic, final int partition)
    {
        final Optional<TopicInfo> info = metadata.topic(topic);
        return partition < 0 || info.isEmpty() ? Optional.empty() :
            Optional.ofNullable(topicShards.get(new ShardId(topic, info.get().id(), partition)));
    }

    synchronized boolean deleteTopic(final ShardId id)
    {
        return delete(topicShards.remove(id));
    }

    synchronized List<ShardId> listTopics()
    {
        return new ArrayList<>(topicShards.keySet());
    }

    synchronized Shard openPrivate(final String owner, final String name)
    {
        final ShardIdentity.Private identity = new ShardIdentity.Private(owner, name);
        final Shard existing = privateShards.get(identity);
        if (existing != null)
        {
            return existing;
        }
        final Shard shard = create(identity, name, config.forPrivate(owner, name), ShardLeadership.LOCAL);
        privateShards.put(identity, shard);
        return shard;
    }

    synchronized Optional<Shard> findPrivate(final String owner, final String name)
    {
        return Optional.ofNullable(privateShards.get(new ShardIdentity.Private(owner, name)));
    }

    synchronized boolean deletePrivate(final String owner, final String name)
    {
        return delete(privateShards.remove(new ShardIdentity.Private(owner, name)));
    }

    synchronized List<String> listPrivate(final String owner)
    {
        final List<String> names = new ArrayList<>();
        for (final ShardIdentity.Private identity : privateShards.keySet())
        {
            if (identity.owner().equals(owner))
            {
                names.add(identity.name());
            }
        }
        Collections.sort(names);
        return names;
    }

    /**
     * Make the journal shards an earlier version wrote under names starting with {@code prefix}
     * this owner's private shards: their identity is recorded in their directories, which keep their
     * old names.
     *
     * @return the names adopted.
     */
    synchronized List<String> adoptLegacy(final String owner, final String prefix)
    {
        if (prefix.isEmpty())
        {
            throw new IllegalArgumentException("adopting every earlier shard at once is refused: name a prefix");
        }
        final List<String> adopted = new ArrayList<>();
        for (final Map.Entry<String, String> entry : List.copyOf(legacy.entrySet()))
        {
            final String name = entry.getKey();
            final ShardIdentity.Private identity = new ShardIdentity.Private(owner, name);
            if (!name.startsWith(prefix) || privateShards.containsKey(identity))
            {
                continue;
            }
            final String directory = entry.getValue();
            ShardIdentityFile.write(journal.directory().resolve(directory), identity);
            privateShards.put(identity, new JournalShardAdapter(name, journal.shard(directory), callbacks,
                ShardLeadership.LOCAL));
            legacy.remove(name);
            adopted.add(name);
            LOG.info("shard directory {}, written by an earlier version, adopted as {}", directory, identity.label());
        }
        return adopted;
    }

    /**
     * @return the journal's directory, where each journal shard has a directory of its own.
     */
    public Path journalDirectory()
    {
        return journal.directory();
    }

    /**
     * @return the old names of the shards an earlier version wrote that nobody has adopted.
     */
    public synchronized List<String> legacyShards()
    {
        return new ArrayList<>(legacy.keySet());
    }

    private Shard create(
        final ShardIdentity identity, final String label, final StorageConfig.TopicStorage storage,
        final ShardLeadership leadership)
    {
        if (storage.engine().equals("memory"))
        {
            return new MemoryShard(label, storage.memoryMaxBytes(), callbacks, leadership, journal.clock());
        }
        final String directory = identity.directoryName();
        if (journal.shard(directory) != null)
        {
            throw new IllegalStateException("cannot create " + identity.label() + ": its directory " + directory +
                " holds a shard of an earlier version; move it out of " + journal.directory());
        }
        final Path path = journal.directory().resolve(directory);
        ShardIdentityFile.write(path, identity);
        final JournalShard created = journal.createShard(directory, new ShardConfig(
            storage.segmentBytes(),
            storage.indexIntervalBytes(),
            Durability.fromLabel(storage.durability()),
            storage.flushIntervalMs(),
            storage.retentionBytes(),
            storage.retentionMs()));
        return new JournalShardAdapter(label, created, callbacks, leadership);
    }

    private boolean delete(final Shard shard)
    {
        if (shard instanceof MemoryShard memory)
        {
            memory.leadership().close();
            memory.close();
        }
        else if (shard instanceof JournalShardAdapter adapter)
        {
            adapter.leadership().close();
            journal.deleteShard(adapter.journalShard().name());
        }
        return shard != null;
    }

    int register(final AppendCallback callback)
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
        for (final Shard shard : shards())
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
        return journalShards + " journal shards, " + memoryShards + " memory shards, " + bytes + " bytes" +
            (legacy.isEmpty() ? "" : ", " + legacy.size() + " shards of an earlier version not adopted (see the log)");
    }

    private List<Shard> shards()
    {
        final List<Shard> all = new ArrayList<>(topicShards.values());
        all.addAll(privateShards.values());
        return all;
    }

    /**
     * @return shards open.
     */
    public synchronized int size()
    {
        return topicShards.size() + privateShards.size();
    }

    /**
     * Stop following leaderships and drop the memory shards; the journal is closed by its owner.
     */
    @Override
    public synchronized void close()
    {
        for (final Shard shard : shards())
        {
            if (shard instanceof MemoryShard memory)
            {
                memory.leadership().close();
                memory.close();
            }
            else if (shard instanceof JournalShardAdapter adapter)
            {
                adapter.leadership().close();
            }
        }
        topicShards.clear();
        privateShards.clear();
    }
}
