package io.robustmq.plugin.kafka.partition;

import io.robustmq.plugin.api.metadata.Watch;
import io.robustmq.plugin.api.storage.Shard;

import java.util.UUID;

/**
 * One Kafka partition on this node: its shard and its stamping hook.
 */
public final class KafkaPartition implements AutoCloseable
{
    /** Refusal: the batch was stored before (see {@link #duplicateOffset}). */
    public static final int DUPLICATE_SEQUENCE = KafkaStamper.DUPLICATE_SEQUENCE;
    /** Refusal: the batch's first sequence does not follow its producer's last. */
    public static final int OUT_OF_ORDER_SEQUENCE = KafkaStamper.OUT_OF_ORDER_SEQUENCE;
    /** Refusal: a newer epoch of the batch's producer id wrote to the partition. */
    public static final int PRODUCER_FENCED = KafkaStamper.PRODUCER_FENCED;

    private final String topic;
    private final UUID topicId;
    private final int partition;
    private final Shard shard;
    private final KafkaStamper stamper;
    private final Watch leaderWatch;
    private final PartitionTraffic traffic;
    private volatile int leaderEpoch;

    KafkaPartition(final String topic, final UUID topicId, final int partition, final Shard shard,
        final KafkaStamper stamper, final int leaderEpoch, final PartitionTraffic traffic,
        final java.util.function.Function<KafkaPartition, Watch> watch)
    {
        this.traffic = traffic;
        this.topic = topic;
        this.topicId = topicId;
        this.partition = partition;
        this.shard = shard;
        this.stamper = stamper;
        this.leaderEpoch = leaderEpoch;
        this.leaderWatch = watch.apply(this);
    }

    public String topic()
    {
        return topic;
    }

    public UUID topicId()
    {
        return topicId;
    }

    public int partition()
    {
        return partition;
    }

    public Shard shard()
    {
        return shard;
    }

    /**
     * @return the partition leader epoch stamped into new batches: the shard's epoch in the metadata.
     */
    public int leaderEpoch()
    {
        return leaderEpoch;
    }

    void leaderEpoch(final int epoch)
    {
        leaderEpoch = epoch;
        stamper.leaderEpoch(epoch);
    }

    /**
     * @param producerId    the refused batch's producer id.
     * @param epoch         its producer epoch.
     * @param firstSequence its base sequence.
     * @return the offset the batch got when it was first stored, or -1 if unknown.
     */
    public long duplicateOffset(final long producerId, final short epoch, final int firstSequence)
    {
        return stamper.takeDuplicateOffset(new KafkaStamper.BatchIdentity(producerId, epoch, firstSequence));
    }

    /**
     * @return the partition's bytes in and out.
     */
    public PartitionTraffic traffic()
    {
        return traffic;
    }

    @Override
    public void close()
    {
        leaderWatch.close();
        traffic.close();
    }
}
