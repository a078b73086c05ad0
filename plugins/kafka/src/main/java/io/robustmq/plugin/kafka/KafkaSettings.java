package io.robustmq.plugin.kafka;

import io.robustmq.plugin.api.ConfigurationException;
import io.robustmq.plugin.api.PluginConfig;
import io.robustmq.plugin.kafka.group.GroupSettings;

/**
 * The Kafka plugin's settings, read once from {@code [plugins.kafka]}.
 *
 * @param maxFrameBytes        the largest request a client may send (Kafka's
 *                             {@code socket.request.max.bytes}); a larger one closes the
 *                             connection, before anything is allocated for it.
 * @param maxInflightRequests  requests of one connection being answered at once; the connection is
 *                             not read further until the oldest is answered (responses always go
 *                             back in request order).
 * @param autoCreateTopics     whether Metadata creates a topic it is asked for that does not exist
 *                             (Kafka's {@code auto.create.topics.enable}), when the client allows it.
 * @param defaultPartitions    partitions of a topic created that way (Kafka's {@code num.partitions}).
 * @param clusterId            the cluster id clients are told.
 * @param groups               the group coordinator's limits ({@code group_min_session_timeout_ms},
 *                             {@code group_max_session_timeout_ms},
 *                             {@code group_initial_rebalance_delay_ms}, {@code group_max_size}).
 */
public record KafkaSettings(
    int maxFrameBytes,
    int maxInflightRequests,
    boolean autoCreateTopics,
    int defaultPartitions,
    String clusterId,
    GroupSettings groups)
{
    /**
     * @param config the plugin's section.
     * @return the settings, defaults filled in.
     * @throws ConfigurationException naming a key that is wrong.
     */
    public static KafkaSettings read(final PluginConfig config)
    {
        final String clusterId = config.getString("cluster_id", "robustmq");
        if (config.getInt("group_min_session_timeout_ms", 6_000, 1, Integer.MAX_VALUE) >
            config.getInt("group_max_session_timeout_ms", 1_800_000, 1, Integer.MAX_VALUE))
        {
            throw new ConfigurationException(config.prefix() + ".group_min_session_timeout_ms",
                "must not exceed group_max_session_timeout_ms");
        }
        if (clusterId.isBlank())
        {
            throw new ConfigurationException(config.prefix() + ".cluster_id", "must not be empty");
        }
        return new KafkaSettings(
            config.getInt("max_frame_bytes", 100 * 1024 * 1024, 1024, Integer.MAX_VALUE - 4),
            config.getInt("max_inflight_requests", 32, 1, 1024),
            config.getBoolean("auto_create_topics", true),
            config.getInt("default_partitions", 1, 1, 100_000),
            clusterId,
            new GroupSettings(
                config.getInt("group_min_session_timeout_ms", 6_000, 1, Integer.MAX_VALUE),
                config.getInt("group_max_session_timeout_ms", 1_800_000, 1, Integer.MAX_VALUE),
                config.getInt("group_initial_rebalance_delay_ms", 3_000, 0, Integer.MAX_VALUE),
                config.getInt("group_max_size", 1_000, 1, Integer.MAX_VALUE)));
    }
}
