package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.TopicInfo;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A topic's settings under Kafka's config names: {@code retention.ms} (-1: kept for ever),
 * {@code retention.bytes} (-1: no limit), {@code cleanup.policy} (only {@code delete}), and the
 * RobustMQ ones {@code robustmq.storage} ({@code journal} or {@code memory}) and
 * {@code robustmq.durability} ({@code none}, {@code interval} or {@code always}). Other names
 * are refused when a topic is created, rather than accepted and ignored.
 */
final class TopicConfigs
{
    static final String RETENTION_MS = "retention.ms";
    static final String RETENTION_BYTES = "retention.bytes";
    static final String CLEANUP_POLICY = "cleanup.policy";
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
    }

    private TopicConfigs()
    {
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
                    case STORAGE -> into.storage = value;
                    case DURABILITY -> into.durability = value;
                    default ->
                    {
                        return "the topic config " + config.getKey() + " is not supported; supported: " + RETENTION_MS +
                            ", " + RETENTION_BYTES + ", " + CLEANUP_POLICY + ", " + STORAGE + ", " + DURABILITY;
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
        configs.put(STORAGE, topic.storage());
        configs.put(DURABILITY, topic.durability());
        return configs;
    }
}
