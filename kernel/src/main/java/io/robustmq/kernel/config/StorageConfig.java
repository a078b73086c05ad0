package io.robustmq.kernel.config;

import io.robustmq.plugin.api.ConfigurationException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How shards are stored: a default engine and its settings for the node, overrides per topic
 * ({@code [storage.topics."<topic>"]}) and per private shard
 * ({@code [storage.private."<owner>/<name>"]}). A pattern ending in {@code *} matches everything
 * that starts with what precedes it; an exact match beats any pattern, and the longest pattern wins.
 * A topic's own settings in the metadata come before all of these (see the Storage Adapter).
 */
public final class StorageConfig
{
    /** Engines {@code engine} accepts. */
    public static final List<String> ENGINES = List.of("journal", "memory");
    /** Durabilities {@code durability} accepts. */
    public static final List<String> DURABILITIES = List.of("none", "interval", "always");
    /** Writer idle strategies {@code storage.writer_idle_strategy} accepts. */
    public static final List<String> IDLE_STRATEGIES = List.of("wakeable", "backoff", "sleeping", "yielding", "busy");

    public static final ConfigKey ENGINE = new ConfigKey("storage.engine", "\"journal\"",
        "Engine of a topic without an override: journal (durable, on disk) or memory (bounded, lost on a crash).");
    public static final ConfigKey DURABILITY = new ConfigKey("storage.durability", "\"interval\"",
        "When a journal append is acknowledged: none (written to the page cache), interval (and forced every " +
        "flush_interval_ms) or always (after its fsync; concurrent appends share one).");
    public static final ConfigKey FLUSH_INTERVAL_MS = new ConfigKey("storage.flush_interval_ms", "1000",
        "How often the journal forces shards whose durability is interval.");
    public static final ConfigKey SEGMENT_BYTES = new ConfigKey("storage.segment_bytes", "67108864",
        "Size of each journal segment file, a multiple of 8; also the limit on one batch.");
    public static final ConfigKey INDEX_INTERVAL_BYTES = new ConfigKey("storage.index_interval_bytes", "4096",
        "Bytes of batches between two entries of a segment's sparse offset and time index.");
    public static final ConfigKey RETENTION_BYTES = new ConfigKey("storage.retention_bytes", "0",
        "A shard's oldest segments are deleted while it holds more than this; 0: no size limit.");
    public static final ConfigKey RETENTION_MS = new ConfigKey("storage.retention_ms", "604800000",
        "A segment whose newest batch is older than this is deleted (7 days); 0: no age limit.");
    public static final ConfigKey MEMORY_MAX_BYTES = new ConfigKey("storage.memory_max_bytes", "67108864",
        "A memory shard drops its oldest batches to stay within this many bytes.");
    public static final ConfigKey JOURNAL_WRITERS = new ConfigKey("storage.journal_writers", "1",
        "Journal writer threads; each is the single writer of the shards assigned to it.");
    public static final ConfigKey WRITER_BUFFER_BYTES = new ConfigKey("storage.writer_buffer_bytes", "16777216",
        "Each writer's request buffer, a power of two; a batch may take up to an eighth of it. When full, " +
        "appends are back-pressured.");
    public static final ConfigKey WRITER_IDLE_STRATEGY = new ConfigKey("storage.writer_idle_strategy", "\"wakeable\"",
        "How an idle writer waits: wakeable (spin briefly, then park until an append or command is queued for it, " +
        "or 1 ms passes: no CPU while idle), backoff (spin, yield, then park up to 100 us, waking to look), " +
        "sleeping (park 100 us), yielding, or busy (spin: lowest latency, burns a core).");

    public static final ConfigKey CURSORS_BUFFER_BYTES = new ConfigKey("storage.cursors.buffer_bytes", "4194304",
        "The cursor store's writer queue, a power of two; when it is full, cursor operations are back-pressured.");
    public static final ConfigKey CURSORS_MAX_UNACKNOWLEDGED = new ConfigKey("storage.cursors.max_unacknowledged",
        "65536", "Delivered but unacknowledged offsets one cursor (a group on a shard) may hold; a delivery beyond " +
        "is refused until some are acknowledged.");
    public static final ConfigKey CURSORS_MAX_METADATA_BYTES = new ConfigKey("storage.cursors.max_metadata_bytes",
        "4096", "The longest metadata a consumer-group commit may keep, in bytes of UTF-8.");
    public static final ConfigKey CURSORS_CHECKPOINT_BYTES = new ConfigKey("storage.cursors.checkpoint_bytes",
        "67108864", "Bytes of cursor records logged after which the cursor store writes a checkpoint into a new " +
        "generation and deletes the older ones.");
    public static final ConfigKey CURSORS_CHECKPOINT_INTERVAL_MS = new ConfigKey(
        "storage.cursors.checkpoint_interval_ms", "600000",
        "A cursor checkpoint is also written this often if anything was logged since the last; 0: by bytes only.");

    /** The storage keys, in the order of config/server.toml. */
    public static final List<ConfigKey> KEYS = List.of(ENGINE, DURABILITY, FLUSH_INTERVAL_MS, SEGMENT_BYTES,
        INDEX_INTERVAL_BYTES, RETENTION_BYTES, RETENTION_MS, MEMORY_MAX_BYTES, JOURNAL_WRITERS, WRITER_BUFFER_BYTES,
        WRITER_IDLE_STRATEGY, CURSORS_BUFFER_BYTES, CURSORS_MAX_UNACKNOWLEDGED, CURSORS_MAX_METADATA_BYTES,
        CURSORS_CHECKPOINT_BYTES, CURSORS_CHECKPOINT_INTERVAL_MS);

    /**
     * The owner of the kernel's own private shards (the cursor store's). Unless an override names
     * them, they take segments of at most {@link #KERNEL_SEGMENT_BYTES} (their logs are small, and
     * every segment is allocated and pre-touched whole).
     */
    public static final String KERNEL_OWNER = "$kernel";
    /** The largest segment of a kernel private shard without an override: 8 MiB. */
    public static final int KERNEL_SEGMENT_BYTES = 8 * 1024 * 1024;

    /** Prefix of the per-topic overrides. */
    public static final String TOPICS_PREFIX = "storage.topics.";
    /** Prefix of the per-private-shard overrides, keyed {@code <owner>/<name>}. */
    public static final String PRIVATE_PREFIX = "storage.private.";
    private static final Set<String> TOPIC_KEYS = Set.of("engine", "durability", "flush_interval_ms", "segment_bytes",
        "index_interval_bytes", "retention_bytes", "retention_ms", "memory_max_bytes");

    /**
     * The settings a topic's shards are created with.
     *
     * @param engine             journal or memory.
     * @param durability         none, interval or always (journal).
     * @param flushIntervalMs    journal flush interval.
     * @param segmentBytes       journal segment size.
     * @param indexIntervalBytes journal index interval.
     * @param retentionBytes     journal size limit per shard, 0 for none.
     * @param retentionMs        journal age limit, 0 for none.
     * @param memoryMaxBytes     memory shard bound.
     */
    public record TopicStorage(
        String engine,
        String durability,
        long flushIntervalMs,
        int segmentBytes,
        int indexIntervalBytes,
        long retentionBytes,
        long retentionMs,
        long memoryMaxBytes)
    {
    }

    private record Override(String pattern, TopicStorage storage)
    {
        boolean matches(final String name)
        {
            return pattern.endsWith("*") ? name.startsWith(pattern.substring(0, pattern.length() - 1)) :
                name.equals(pattern);
        }

        int specificity()
        {
            return pattern.endsWith("*") ? pattern.length() - 1 : Integer.MAX_VALUE;
        }
    }

    private final TopicStorage defaults;
    private final List<Override> overrides;
    private final List<Override> privateOverrides;
    private final int journalWriters;
    private final int writerBufferBytes;
    private final String writerIdleStrategy;
    private final int cursorsBufferBytes;
    private final int cursorsMaxUnacknowledged;
    private final int cursorsMaxMetadataBytes;
    private final long cursorsCheckpointBytes;
    private final long cursorsCheckpointIntervalMs;

    StorageConfig(final ConfigReader reader)
    {
        defaults = read(reader, "storage.", null);
        journalWriters = reader.getInt(JOURNAL_WRITERS.name(), 1, 1, 64);
        writerBufferBytes = reader.getInt(WRITER_BUFFER_BYTES.name(), 16 * 1024 * 1024, 64 * 1024, 1 << 30);
        if (Integer.bitCount(writerBufferBytes) != 1)
        {
            throw new ConfigurationException(WRITER_BUFFER_BYTES.name(), "must be a power of two, got " + writerBufferBytes);
        }
        writerIdleStrategy = reader.getChoice(WRITER_IDLE_STRATEGY.name(), "wakeable", IDLE_STRATEGIES);
        overrides = overrides(reader, TOPICS_PREFIX, defaults);
        privateOverrides = overrides(reader, PRIVATE_PREFIX, defaults);
        cursorsBufferBytes = reader.getInt(CURSORS_BUFFER_BYTES.name(), 4 * 1024 * 1024, 128 * 1024, 1 << 30);
        if (Integer.bitCount(cursorsBufferBytes) != 1)
        {
            throw new ConfigurationException(CURSORS_BUFFER_BYTES.name(), "must be a power of two, got " + cursorsBufferBytes);
        }
        cursorsMaxUnacknowledged = reader.getInt(CURSORS_MAX_UNACKNOWLEDGED.name(), 65536, 1, 1 << 24);
        cursorsMaxMetadataBytes = reader.getInt(CURSORS_MAX_METADATA_BYTES.name(), 4096, 0, 65536);
        if (cursorsMaxMetadataBytes + 4096 > cursorsBufferBytes / 8)
        {
            throw new ConfigurationException(CURSORS_MAX_METADATA_BYTES.name(), "must leave room in an eighth of " +
                CURSORS_BUFFER_BYTES.name() + " (" + cursorsBufferBytes / 8 + " bytes) for a record: at most " +
                (cursorsBufferBytes / 8 - 4096) + ", got " + cursorsMaxMetadataBytes);
        }
        cursorsCheckpointBytes = reader.getLong(CURSORS_CHECKPOINT_BYTES.name(), 64L * 1024 * 1024, 4096, Long.MAX_VALUE);
        cursorsCheckpointIntervalMs = reader.getLong(CURSORS_CHECKPOINT_INTERVAL_MS.name(), 600_000, 0, Long.MAX_VALUE);
    }

    private static List<Override> overrides(final ConfigReader reader, final String prefix, final TopicStorage defaults)
    {
        final Set<String> patterns = new TreeSet<>();
        for (final String key : reader.source().keysUnder(prefix))
        {
            final int lastDot = key.lastIndexOf('.');
            final String leaf = key.substring(lastDot + 1);
            if (lastDot > prefix.length() && TOPIC_KEYS.contains(leaf))
            {
                patterns.add(key.substring(prefix.length(), lastDot));
            }
        }
        final List<Override> list = new ArrayList<>();
        for (final String pattern : patterns)
        {
            list.add(new Override(pattern, read(reader, prefix + pattern + ".", defaults)));
        }
        list.sort(Comparator.comparingInt(Override::specificity).reversed());
        return List.copyOf(list);
    }

    private static TopicStorage read(final ConfigReader reader, final String prefix, final TopicStorage base)
    {
        final TopicStorage d = base != null ? base : new TopicStorage("journal", "interval", 1000, 64 * 1024 * 1024,
            4096, 0, 604_800_000L, 64L * 1024 * 1024);
        final int segmentBytes = reader.getInt(prefix + "segment_bytes", d.segmentBytes(), 64 * 1024, 1 << 30);
        if (segmentBytes % 8 != 0)
        {
            throw new ConfigurationException(prefix + "segment_bytes", "must be a multiple of 8, got " + segmentBytes);
        }
        return new TopicStorage(
            reader.getChoice(prefix + "engine", d.engine(), ENGINES),
            reader.getChoice(prefix + "durability", d.durability(), DURABILITIES),
            reader.getLong(prefix + "flush_interval_ms", d.flushIntervalMs(), 1, 3_600_000),
            segmentBytes,
            reader.getInt(prefix + "index_interval_bytes", d.indexIntervalBytes(), 64, segmentBytes),
            reader.getLong(prefix + "retention_bytes", d.retentionBytes(), 0, Long.MAX_VALUE),
            reader.getLong(prefix + "retention_ms", d.retentionMs(), 0, Long.MAX_VALUE),
            reader.getLong(prefix + "memory_max_bytes", d.memoryMaxBytes(), 1024, Long.MAX_VALUE));
    }

    /**
     * @param topic a topic.
     * @return the node's settings for its shards: what the topic's own settings leave open.
     */
    public TopicStorage forTopic(final String topic)
    {
        final TopicStorage matched = match(overrides, topic);
        return matched != null ? matched : defaults;
    }

    /**
     * @param owner the owner of a private shard: a plugin's name, or {@code $kernel}.
     * @param name  the shard's name in the owner's namespace.
     * @return the settings the shard is created with: an override's, else the node's defaults
     * without retention (a private shard is its owner's state, which the owner itself compacts and
     * deletes: retention deleting a segment of it would lose state, not old messages).
     */
    public TopicStorage forPrivate(final String owner, final String name)
    {
        final TopicStorage matched = match(privateOverrides, owner + "/" + name);
        if (matched != null)
        {
            return matched;
        }
        final int segmentBytes = owner.equals(KERNEL_OWNER) ?
            Math.min(defaults.segmentBytes(), KERNEL_SEGMENT_BYTES) : defaults.segmentBytes();
        return new TopicStorage(defaults.engine(), defaults.durability(), defaults.flushIntervalMs(), segmentBytes,
            Math.min(defaults.indexIntervalBytes(), segmentBytes), 0, 0, defaults.memoryMaxBytes());
    }

    private TopicStorage match(final List<Override> candidates, final String name)
    {
        for (final Override override : candidates)
        {
            if (override.matches(name))
            {
                return override.storage();
            }
        }
        return null;
    }

    /**
     * @return the node's defaults.
     */
    public TopicStorage defaults()
    {
        return defaults;
    }

    /**
     * @return {@code storage.journal_writers}.
     */
    public int journalWriters()
    {
        return journalWriters;
    }

    /**
     * @return {@code storage.writer_buffer_bytes}.
     */
    public int writerBufferBytes()
    {
        return writerBufferBytes;
    }

    /**
     * @return {@code storage.writer_idle_strategy}.
     */
    public String writerIdleStrategy()
    {
        return writerIdleStrategy;
    }

    /**
     * @return {@code storage.cursors.buffer_bytes}.
     */
    public int cursorsBufferBytes()
    {
        return cursorsBufferBytes;
    }

    /**
     * @return {@code storage.cursors.max_unacknowledged}.
     */
    public int cursorsMaxUnacknowledged()
    {
        return cursorsMaxUnacknowledged;
    }

    /**
     * @return {@code storage.cursors.max_metadata_bytes}.
     */
    public int cursorsMaxMetadataBytes()
    {
        return cursorsMaxMetadataBytes;
    }

    /**
     * @return {@code storage.cursors.checkpoint_bytes}.
     */
    public long cursorsCheckpointBytes()
    {
        return cursorsCheckpointBytes;
    }

    /**
     * @return {@code storage.cursors.checkpoint_interval_ms}.
     */
    public long cursorsCheckpointIntervalMs()
    {
        return cursorsCheckpointIntervalMs;
    }
}
