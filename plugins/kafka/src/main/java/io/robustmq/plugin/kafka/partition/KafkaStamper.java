package io.robustmq.plugin.kafka.partition;

import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchStamper;
import io.robustmq.plugin.api.storage.StampedBatch;

import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A partition's stamping hook for Kafka record batches, run by the shard's writer as each batch
 * gets its offset: writes the base offset and the partition leader epoch into the batch (fields the
 * batch's CRC does not cover), and checks idempotent producers' sequences, refusing a batch that
 * was stored before (its first offset is kept for the producer's answer) or that skips ahead.
 */
final class KafkaStamper implements BatchStamper
{
    /** Refusal: the batch was stored before; {@link #takeDuplicateOffset} has its offset. */
    static final int DUPLICATE_SEQUENCE = AppendCallback.FIRST_REFUSAL + 1;
    /** Refusal: the batch's first sequence does not follow the producer's last. */
    static final int OUT_OF_ORDER_SEQUENCE = AppendCallback.FIRST_REFUSAL + 2;
    /** Refusal: a newer epoch of the producer id wrote to the partition. */
    static final int PRODUCER_FENCED = AppendCallback.FIRST_REFUSAL + 3;

    /**
     * A batch sent again, as the producer identifies it.
     */
    record BatchIdentity(long producerId, short epoch, int firstSequence)
    {
    }

    private final ProducerStates producers;
    private final Map<BatchIdentity, Long> duplicates = new ConcurrentHashMap<>();
    private volatile int leaderEpoch;

    KafkaStamper(final ProducerStates producers, final int leaderEpoch)
    {
        this.producers = producers;
        this.leaderEpoch = leaderEpoch;
    }

    /**
     * @param leaderEpoch the epoch stamped into batches from now on.
     */
    void leaderEpoch(final int leaderEpoch)
    {
        this.leaderEpoch = leaderEpoch;
    }

    @Override
    public int stampedBytes()
    {
        return RecordBatchLayout.HEADER_BYTES;
    }

    @Override
    public int stamp(final StampedBatch batch, final long baseOffset, final int recordCount, final long appendTimeMs)
    {
        final long producerId = batch.getLong(RecordBatchLayout.PRODUCER_ID, ByteOrder.BIG_ENDIAN);
        if (producerId != RecordBatchLayout.NO_PRODUCER_ID)
        {
            final short epoch = batch.getShort(RecordBatchLayout.PRODUCER_EPOCH, ByteOrder.BIG_ENDIAN);
            final int firstSequence = batch.getInt(RecordBatchLayout.BASE_SEQUENCE, ByteOrder.BIG_ENDIAN);
            switch (producers.check(producerId, epoch, firstSequence, recordCount, baseOffset, appendTimeMs))
            {
                case ProducerStates.DUPLICATE ->
                {
                    duplicates.put(new BatchIdentity(producerId, epoch, firstSequence), producers.duplicateOffset());
                    return DUPLICATE_SEQUENCE;
                }
                case ProducerStates.OUT_OF_ORDER ->
                {
                    return OUT_OF_ORDER_SEQUENCE;
                }
                case ProducerStates.FENCED ->
                {
                    return PRODUCER_FENCED;
                }
                default ->
                {
                }
            }
        }
        batch.putLong(RecordBatchLayout.BASE_OFFSET, baseOffset, ByteOrder.BIG_ENDIAN);
        batch.putInt(RecordBatchLayout.PARTITION_LEADER_EPOCH, leaderEpoch, ByteOrder.BIG_ENDIAN);
        return ACCEPT;
    }

    /**
     * @param identity a batch refused as {@link #DUPLICATE_SEQUENCE}.
     * @return the offset it was stored at the first time, or -1 if unknown.
     */
    long takeDuplicateOffset(final BatchIdentity identity)
    {
        final Long offset = duplicates.remove(identity);
        return offset == null ? -1 : offset;
    }
}
