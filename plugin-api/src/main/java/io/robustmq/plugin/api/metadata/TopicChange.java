package io.robustmq.plugin.api.metadata;

/**
 * What to change of a topic; a field that is {@link #UNCHANGED} stays as it is.
 *
 * @param name           the topic's name.
 * @param partitions     its new shard count, at least the current one (shards are added, never
 *                       removed), or {@link #UNCHANGED}.
 * @param retentionMs    its new age limit (0 for the node's default), or {@link #UNCHANGED}.
 * @param retentionBytes its new size limit (0 for the node's default), or {@link #UNCHANGED}.
 * @param segmentBytes   the size of the journal segments its shards create from now on (1 MiB to
 *                       1 GiB, a multiple of 8; 0 for the node's default), or {@link #UNCHANGED};
 *                       segments that exist keep their size.
 */
public record TopicChange(String name, int partitions, long retentionMs, long retentionBytes, int segmentBytes)
{
    /** Leave the field as it is. */
    public static final int UNCHANGED = -1;

    /**
     * @param name       the topic's name.
     * @param partitions its new shard count.
     * @return a change of the shard count alone.
     */
    public static TopicChange partitions(final String name, final int partitions)
    {
        return new TopicChange(name, partitions, UNCHANGED, UNCHANGED, UNCHANGED);
    }

    /**
     * @param name           the topic's name.
     * @param retentionMs    its new age limit, or {@link #UNCHANGED}.
     * @param retentionBytes its new size limit, or {@link #UNCHANGED}.
     * @return a change of the retention limits alone.
     */
    public static TopicChange retention(final String name, final long retentionMs, final long retentionBytes)
    {
        return new TopicChange(name, UNCHANGED, retentionMs, retentionBytes, UNCHANGED);
    }

    /**
     * @param name           the topic's name.
     * @param retentionMs    its new age limit, or {@link #UNCHANGED}.
     * @param retentionBytes its new size limit, or {@link #UNCHANGED}.
     * @param segmentBytes   its new segment size, or {@link #UNCHANGED}.
     * @return a change of the topic's settings, its shard count left as it is.
     */
    public static TopicChange settings(final String name, final long retentionMs, final long retentionBytes,
        final int segmentBytes)
    {
        return new TopicChange(name, UNCHANGED, retentionMs, retentionBytes, segmentBytes);
    }

    /**
     * @param topic a topic as it is now.
     * @return true if the topic has every value this change asks for.
     */
    public boolean isAppliedTo(final TopicInfo topic)
    {
        return topic.name().equals(name) &&
            (partitions == UNCHANGED || topic.partitions() >= partitions) &&
            (retentionMs == UNCHANGED || topic.retentionMs() == retentionMs) &&
            (retentionBytes == UNCHANGED || topic.retentionBytes() == retentionBytes) &&
            (segmentBytes == UNCHANGED || topic.segmentBytes() == segmentBytes);
    }
}
