package io.robustmq.journal;

import org.agrona.MutableDirectBuffer;

/**
 * A shard's hook for one payload format, called by the shard's writer as each batch of that format
 * is given its base offset, after its payload is copied into the segment and before the frame is
 * published: it may rewrite the first {@link #stampedBytes()} bytes of the payload (Kafka: the base
 * offset, the partition leader epoch, LogAppendTime) and may refuse the batch, atomically with the
 * offset assignment: a refused batch takes no offset and is never seen.
 * <p>
 * Threading: called on the writer thread only, one batch at a time. Must not block, must not
 * allocate, must not keep the buffer.
 */
public interface FrameStamper
{
    /** {@link #stamp} result: store the batch. */
    int ACCEPT = 0;

    /**
     * @return how many bytes at the start of a payload {@link #stamp} may rewrite: at most
     * {@link FrameDescriptor#MAX_STAMPED_LENGTH}. The same value for the stamper's whole life.
     */
    int stampedBytes();

    /**
     * @param buffer        the segment; the payload lies at {@code payloadOffset}.
     * @param payloadOffset where the payload starts.
     * @param payloadLength its length (may be shorter than {@link #stampedBytes()}).
     * @param baseOffset    the offset the batch's first record gets.
     * @param recordCount   the batch's record count.
     * @param appendTimeMs  the writer's clock, epoch ms, for LogAppendTime.
     * @return {@link #ACCEPT}, or a positive reason to refuse the batch, handed to its producer.
     */
    int stamp(
        MutableDirectBuffer buffer, int payloadOffset, int payloadLength, long baseOffset, int recordCount, long appendTimeMs);
}
