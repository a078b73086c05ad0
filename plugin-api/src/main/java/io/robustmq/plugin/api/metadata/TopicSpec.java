package io.robustmq.plugin.api.metadata;

/**
 * What to create a topic with.
 *
 * @param name           1 to 249 characters, no control characters.
 * @param partitions     at least 1.
 * @param storage        {@code journal}, {@code memory}, or empty for the node's default.
 * @param durability     {@code none}, {@code interval}, {@code always}, or empty for the node's default.
 * @param retentionMs    age limit, 0 for the node's default.
 * @param retentionBytes size limit, 0 for the node's default.
 * @param segmentBytes   journal segment size, 1 MiB to 1 GiB in multiples of 8, or 0 for the node's
 *                       default; fixed once the topic is created.
 */
public record TopicSpec(
    String name, int partitions, String storage, String durability, long retentionMs, long retentionBytes,
    int segmentBytes)
{
    /** The smallest segment size a topic may ask for (the Meta Service refuses less). */
    public static final int MIN_SEGMENT_BYTES = 1024 * 1024;
    /** The largest. */
    public static final int MAX_SEGMENT_BYTES = 1 << 30;

    /**
     * A spec with the node's segment size.
     */
    public TopicSpec(final String name, final int partitions, final String storage, final String durability,
        final long retentionMs, final long retentionBytes)
    {
        this(name, partitions, storage, durability, retentionMs, retentionBytes, 0);
    }
    /**
     * @param name       the topic's name.
     * @param partitions its shard count.
     * @return a spec with the node's defaults for everything else.
     */
    public static TopicSpec of(final String name, final int partitions)
    {
        return new TopicSpec(name, partitions, "", "", 0, 0);
    }
}
