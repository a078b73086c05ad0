package io.robustmq.plugin.api.storage;

/**
 * A shard's hook for one payload format, run by the engine where offsets are assigned (the
 * journal's writer thread), as each batch of that format gets its base offset and before anyone can
 * read it. It may rewrite the first {@link #stampedBytes()} bytes of the stored batch (Kafka: the
 * base offset, the partition leader epoch, LogAppendTime and the CRC that then changes) and may
 * refuse the batch (Kafka: an out-of-order producer sequence), atomically with the offset
 * assignment: a refused batch takes no offset, is never stored, and its producer is told the reason.
 * <p>
 * Threading: called on an engine thread, one batch at a time per shard, in offset order. Must not
 * block, allocate, or keep the {@link StampedBatch} past the call. A stamper that throws refuses
 * the batch with {@link AppendCallback#FIRST_REFUSAL}; the shard goes on.
 */
public interface BatchStamper
{
    /** {@link #stamp} result: store the batch. */
    int ACCEPT = 0;

    /**
     * @return how many bytes at the start of a batch {@link #stamp} may rewrite, 0 to 65535; the same
     * for the stamper's whole life. The engine checksums these on its own thread after stamping, the
     * rest of the batch on the producer's thread before.
     */
    int stampedBytes();

    /**
     * @param batch        the batch as it will be stored: readable whole, writable in its first
     *                     {@link #stampedBytes()} bytes.
     * @param baseOffset   the offset its first record gets.
     * @param recordCount  its record count.
     * @param appendTimeMs the engine's clock, epoch ms.
     * @return {@link #ACCEPT}, or a reason to refuse the batch, at least
     * {@link AppendCallback#FIRST_REFUSAL}, handed to the producer's {@link AppendCallback#onFailed}.
     */
    int stamp(StampedBatch batch, long baseOffset, int recordCount, long appendTimeMs);
}
