package io.robustmq.journal;

import io.robustmq.journal.fs.FileAllocation;

import java.util.Objects;

/**
 * How one shard's log is kept.
 *
 * @param segmentBytes       size of each segment file; a batch larger than a segment can hold
 *                           (less one frame header) is refused.
 * @param indexIntervalBytes an index entry is added after at least this many bytes of frames.
 * @param durability         when an append counts as stored.
 * @param flushIntervalMs    how often {@link Durability#INTERVAL} forces, in milliseconds.
 * @param retentionBytes     whole segments are deleted, oldest first, while the log is larger; 0:
 *                           no size limit.
 * @param retentionMs        a segment whose newest record is older than this is deleted; 0: no
 *                           age limit.
 */
public record ShardConfig(
    int segmentBytes,
    int indexIntervalBytes,
    Durability durability,
    long flushIntervalMs,
    long retentionBytes,
    long retentionMs)
{
    /** Smallest segment accepted. */
    public static final int MIN_SEGMENT_BYTES = 4096;

    /**
     * Validates the values.
     */
    public ShardConfig
    {
        Objects.requireNonNull(durability, "durability");
        if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes % FrameDescriptor.FRAME_ALIGNMENT != 0)
        {
            throw new IllegalArgumentException("segment bytes must be a multiple of 8, at least " + MIN_SEGMENT_BYTES +
                ": " + segmentBytes);
        }
        if (indexIntervalBytes < 1)
        {
            throw new IllegalArgumentException("index interval bytes must be positive: " + indexIntervalBytes);
        }
        if (flushIntervalMs < 1 || retentionBytes < 0 || retentionMs < 0)
        {
            throw new IllegalArgumentException("flush interval must be positive, retention not negative");
        }
    }

    /**
     * @param durability when an append counts as stored.
     * @return 64 MiB segments, an index entry every 4 KiB, a 1 s flush interval, no retention limit.
     */
    public static ShardConfig defaults(final Durability durability)
    {
        return new ShardConfig(64 * 1024 * 1024, 4096, durability, 1000, 0, 0);
    }

    /**
     * @return the largest payload one batch may carry.
     */
    public int maxPayloadBytes()
    {
        return segmentBytes - FrameDescriptor.HEADER_LENGTH;
    }

    /**
     * @return how the shard's segment files are allocated: written page by page where every append
     * is forced ({@link Durability#ALWAYS}), so that a force writes back only the pages it covers;
     * sparse otherwise, for the faster appends of large folios (see {@link FileAllocation}).
     */
    public FileAllocation fileAllocation()
    {
        return durability == Durability.ALWAYS ? FileAllocation.PAGE_WRITES : FileAllocation.SPARSE;
    }
}
