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
 */
public record TopicSpec(
    String name, int partitions, String storage, String durability, long retentionMs, long retentionBytes)
{
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
