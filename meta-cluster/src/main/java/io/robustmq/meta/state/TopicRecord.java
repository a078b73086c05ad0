package io.robustmq.meta.state;

import java.util.UUID;

/**
 * A topic as the cluster knows it.
 *
 * @param name           the topic's name.
 * @param uuid           stable for the topic's life; a topic deleted and created again gets another.
 * @param partitions     shards the topic is spread over.
 * @param storage        engine, or empty for the node's default.
 * @param durability     durability, or empty for the node's default.
 * @param retentionMs    age limit, 0 for the node's default.
 * @param retentionBytes size limit, 0 for the node's default.
 * @param createdAt      cluster time of its creation, ms.
 * @param segmentBytes   journal segment size of the segments its shards create, 0 for the node's default.
 */
public record TopicRecord(
    String name,
    UUID uuid,
    int partitions,
    String storage,
    String durability,
    long retentionMs,
    long retentionBytes,
    long createdAt,
    int segmentBytes)
{
}
