package io.robustmq.plugin.api.metadata;

/**
 * What to create a topic with.
 *
 * @param name            1 to 249 characters, no control characters.
 * @param partitions      at least 1.
 * @param storage         {@code journal}, {@code memory}, or empty for the node's default.
 * @param durability      {@code none}, {@code interval}, {@code always}, or empty for the node's default.
 * @param retentionMs     age limit, 0 for the node's default.
 * @param retentionBytes  size limit, 0 for the node's default.
 * @param segmentBytes    journal segment size, 1 MiB to 1 GiB in multiples of 8, or 0 for the node's
 *                        default; fixed once the topic is created.
 * @param preferredLeader the id of the node that should lead the topic's first shard, or
 *                        {@link #NO_PREFERRED_LEADER}. The nodes up, by ascending id, form a ring: if this
 *                        node is up when the topic is created, partition {@code p}'s replicas start at
 *                        its position in the ring plus {@code p} (partition 0 is led by it, partition 1
 *                        by the next node up, ...); if it is not up, or unknown, the shards are placed
 *                        round robin as without one. Only the placement at creation: leadership moves
 *                        on as usual if the node goes down later. Less than -1 is refused.
 */
public record TopicSpec(
    String name, int partitions, String storage, String durability, long retentionMs, long retentionBytes,
    int segmentBytes, int preferredLeader)
{
    /** The smallest segment size a topic may ask for (the Meta Service refuses less). */
    public static final int MIN_SEGMENT_BYTES = 1024 * 1024;
    /** The largest. */
    public static final int MAX_SEGMENT_BYTES = 1 << 30;
    /** {@link #preferredLeader}: none, the shards are placed round robin. */
    public static final int NO_PREFERRED_LEADER = -1;

    /**
     * A spec with no preferred leader.
     */
    public TopicSpec(final String name, final int partitions, final String storage, final String durability,
        final long retentionMs, final long retentionBytes, final int segmentBytes)
    {
        this(name, partitions, storage, durability, retentionMs, retentionBytes, segmentBytes, NO_PREFERRED_LEADER);
    }

    /**
     * A spec with the node's segment size and no preferred leader.
     */
    public TopicSpec(final String name, final int partitions, final String storage, final String durability,
        final long retentionMs, final long retentionBytes)
    {
        this(name, partitions, storage, durability, retentionMs, retentionBytes, 0);
    }

    /**
     * @param name       the topic's name.
     * @param partitions its shard count.
     * @return a spec with the node's defaults for everything else, and no preferred leader.
     */
    public static TopicSpec of(final String name, final int partitions)
    {
        return new TopicSpec(name, partitions, "", "", 0, 0);
    }

    /**
     * @param node the id of the node that should lead the topic's first shard (a plugin's own is
     *             {@code PluginContext.nodeId()}), or {@link #NO_PREFERRED_LEADER}.
     * @return this spec with that preferred leader.
     */
    public TopicSpec withPreferredLeader(final int node)
    {
        return new TopicSpec(name, partitions, storage, durability, retentionMs, retentionBytes, segmentBytes, node);
    }
}
