package io.robustmq.journal;

/**
 * Offsets of a shard that recovery could not vouch for: a segment quarantined in the middle of the
 * log, or a segment file missing. Never served; a read of them fails naming this range.
 *
 * @param fromOffset first offset of the range.
 * @param toOffset   offset after the range.
 * @param reason     what recovery found.
 */
public record CorruptRange(long fromOffset, long toOffset, String reason)
{
    /**
     * @param offset an offset.
     * @return true if it falls in this range.
     */
    public boolean contains(final long offset)
    {
        return offset >= fromOffset && offset < toOffset;
    }
}
