package io.robustmq.plugin.api.metadata;

import java.util.UUID;

/**
 * A topic as the cluster knows it.
 *
 * @param name           its name.
 * @param id             stable for its life; a topic deleted and made again has another.
 * @param partitions     its shard count.
 * @param storage        its storage engine, or empty for the node's default.
 * @param durability     its durability, or empty for the node's default.
 * @param retentionMs    its age limit, 0 for the node's default.
 * @param retentionBytes its size limit, 0 for the node's default.
 * @param segmentBytes   its journal segment size, 0 for the node's default; a change sizes the segments
 *                       its shards create after it.
 */
public record TopicInfo(
    String name, UUID id, int partitions, String storage, String durability, long retentionMs, long retentionBytes,
    int segmentBytes)
{
    /**
     * A topic with the node's segment size.
     */
    public TopicInfo(final String name, final UUID id, final int partitions, final String storage,
        final String durability, final long retentionMs, final long retentionBytes)
    {
        this(name, id, partitions, storage, durability, retentionMs, retentionBytes, 0);
    }
}
