package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.TopicChange;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.TopicSpec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A topic's settings under Kafka's config names: {@code retention.ms} (-1: kept for ever),
 * {@code retention.bytes} (-1: no limit), {@code cleanup.policy} (only {@code delete}),
 * {@code segment.bytes} (1 MiB to 1 GiB; a change sizes the segments created after it), and the RobustMQ ones {@code robustmq.storage} ({@code journal} or {@code memory}) and
 * {@code robustmq.durability} ({@code none}, {@code interval} or {@code always}). Other names
 * are refused when a topic is created or altered, rather than accepted and ignored; of those, the
 * retention limits and the segment size can be changed later.
 */
final class TopicConfigs
{
    static final String RETENTION_MS = "retention.ms";
    static final String RETENTION_BYTES = "retention.bytes";
    static final String CLEANUP_POLICY = "cleanup.policy";
    static final String SEGMENT_BYTES = "segment.bytes";
    static final String STORAGE = "robustmq.storage";
    static final String DURABILITY = "robustmq.durability";
    /** Kafka's config sources: set on the topic, the broker's default. */
    static final byte TOPIC_CONFIG = 1;
    static final byte DEFAULT_CONFIG = 5;

    /**
     * What a CreateTopics request's configs ask for.
     */
    static final class Requested
    {
        long retentionMs;
        long retentionBytes;
        String storage = "";
        String durability = "";
        int segmentBytes;
    }

    /**
     * What an AlterConfigs or IncrementalAlterConfigs request changes of a topic: its retention
     * limits and segment size, or {@link TopicChange#UNCHANGED}.
     */
    static final class Alteration
    {
        long retentionMs = TopicChange.UNCHANGED;
        long retentionBytes = TopicChange.UNCHANGED;
        int segmentBytes = TopicChange.UNCHANGED;

        boolean changesAnything()
        {
            return retentionMs != TopicChange.UNCHANGED || retentionBytes != TopicChange.UNCHANGED ||
                segmentBytes != TopicChange.UNCHANGED;
        }
    }

    private TopicConfigs()
    {
    }

    /**
     * @return why {@code value} is not a segment size a topic may have, or null if it is one.
     */
    private static String segmentBytesRefusal(final String value)
    {
        final long bytes;
        try
        {
            bytes = Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            return SEGMENT_BYTES + " must be a number, got " + value;
        }
        if (bytes < TopicSpec.MIN_SEGMENT_BYTES || bytes > TopicSpec.MAX_SEGMENT_BYTES || bytes % 8 != 0)
        {
            return SEGMENT_BYTES + " must be " + TopicSpec.MIN_SEGMENT_BYTES + " to " +
                TopicSpec.MAX_SEGMENT_BYTES + ", a multiple of 8, got " + value;
        }
        return null;
    }

    /**
     * One config of a topic set, or restored to its default.
     *
     * @param topic the topic as it is.
     * @param name  the config's name.
     * @param value its new value, or null to restore the default (the node's, for retention).
     * @param into  filled in.
     * @return why the change is refused, or null.
     */
    static String alter(final TopicInfo topic, final String name, final String value, final Alteration into)
    {
        switch (name)
        {
            case RETENTION_MS, RETENTION_BYTES ->
            {
                long limit = 0;
                if (value != null)
                {
                    try
                    {
                        limit = Long.parseLong(value);
                    }
                    catch (final NumberFormatException ex)
                    {
                        return name + " must be a number, got " + value;
                    }
                    if (limit == 0 || limit < -1)
                    {
                        return name + " must be -1 or positive, got " + value;
                    }
                    limit = limit == -1 ? Long.MAX_VALUE : limit;
                }
                if (RETENTION_MS.equals(name))
                {
                    into.retentionMs = limit;
                }
                else
                {
                    into.retentionBytes = limit;
                }
                return null;
            }
            case CLEANUP_POLICY ->
            {
                return value == null || "delete".equals(value) ? null :
                    CLEANUP_POLICY + " " + value + " is not supported: only delete (log compaction is not)";
            }
            case SEGMENT_BYTES ->
            {
                // The size of the segments the topic's shards create from now on (0: the node's).
                if (value == null)
                {
                    into.segmentBytes = 0;
                    return null;
                }
                final String invalid = segmentBytesRefusal(value);
                if (invalid != null)
                {
                    return invalid;
                }
                into.segmentBytes = Integer.parseInt(value);
                return null;
            }
            case STORAGE, DURABILITY ->
            {
                final String now = STORAGE.equals(name) ? topic.storage() : topic.durability();
                return value == null && now.isEmpty() || now.equals(value) ? null :
                    name + " is chosen when a topic is created and cannot be changed";
            }
            default ->
            {
                return "the topic config " + name + " cannot be changed; these can: " + RETENTION_MS + ", " +
                    RETENTION_BYTES + ", " + SEGMENT_BYTES + " (and " + CLEANUP_POLICY + "=delete)";
            }
        }
    }

    /**
     * @param configs the request's configs, by name.
     * @param into    filled in.
     * @return why a config is refused, or null.
     */
    static String read(final Map<String, String> configs, final Requested into)
    {
        for (final Map.Entry<String, String> config : configs.entrySet())
        {
            final String value = config.getValue();
            try
            {
                switch (config.getKey())
                {
                    case RETENTION_MS ->
                    {
                        final long ms = Long.parseLong(value);
                        into.retentionMs = ms == -1 ? Long.MAX_VALUE : ms;
                        if (ms == 0 || ms < -1)
                        {
                            return RETENTION_MS + " must be -1 or positive, got " + value;
                        }
                    }
                    case RETENTION_BYTES ->
                    {
                        final long bytes = Long.parseLong(value);
                        into.retentionBytes = bytes == -1 ? Long.MAX_VALUE : bytes;
                        if (bytes == 0 || bytes < -1)
                        {
                            return RETENTION_BYTES + " must be -1 or positive, got " + value;
                        }
                    }
                    case CLEANUP_POLICY ->
                    {
                        if (!"delete".equals(value))
                        {
                            return CLEANUP_POLICY + " " + value + " is not supported: only delete (log compaction is not)";
                        }
                    }
                    case SEGMENT_BYTES ->
                    {
                        final String invalid = segmentBytesRefusal(value);
                        if (invalid != null)
                        {
                            return invalid;
                        }
                        into.segmentBytes = Integer.parseInt(value);
                    }
                    case STORAGE -> into.storage = value;
                    case DURABILITY -> into.durability = value;
                    default ->
                    {
                        return "the topic config " + config.getKey() + " is not supported; supported: " + RETENTION_MS +
                            ", " + RETENTION_BYTES + ", " + CLEANUP_POLICY + ", " + SEGMENT_BYTES + ", " + STORAGE + ", " +
                            DURABILITY;
                    }
                }
            }
            catch (final NumberFormatException ex)
            {
                return config.getKey() + " must be a number, got " + value;
            }
        }
        return null;
    }

    /**
     * @param topic a topic.
     * @return its settings under Kafka's names (empty values where the node's defaults apply).
     */
    static Map<String, String> describe(final TopicInfo topic)
    {
        final Map<String, String> configs = new LinkedHashMap<>();
        configs.put(RETENTION_MS, topic.retentionMs() == Long.MAX_VALUE ? "-1" : Long.toString(topic.retentionMs()));
        configs.put(RETENTION_BYTES, topic.retentionBytes() == Long.MAX_VALUE ? "-1" :
            Long.toString(topic.retentionBytes()));
        configs.put(CLEANUP_POLICY, "delete");
        configs.put(SEGMENT_BYTES, Integer.toString(topic.segmentBytes()));
        configs.put(STORAGE, topic.storage());
        configs.put(DURABILITY, topic.durability());
        return configs;
    }
}
