package io.robustmq.plugin.kafka.partition;

import org.agrona.collections.Long2ObjectHashMap;

/**
 * What a partition knows of its idempotent producers: per producer id, the epoch and the sequence
 * numbers of its last few batches with their offsets, so that a batch sent again is recognised
 * (and answered with its first offset) and one that skips ahead is refused. Used on one thread at a
 * time: the opener while it rebuilds the table from the shard, then the shard's writer, in the
 * stamper.
 */
final class ProducerStates
{
    /** Batches remembered per producer: a Kafka producer has at most 5 in flight per partition. */
    static final int REMEMBERED_BATCHES = 5;

    /** {@link #check} result: store the batch. */
    static final int ACCEPT = 0;
    /** {@link #check} result: the batch was stored before, at {@link #duplicateOffset()}. */
    static final int DUPLICATE = 1;
    /** {@link #check} result: the batch's first sequence is not the one after the last stored. */
    static final int OUT_OF_ORDER = 2;
    /** {@link #check} result: the batch's producer epoch is older than one already seen. */
    static final int FENCED = 3;

    /**
     * A producer not seen for this long is forgotten, as Kafka forgets it after
     * {@code producer.id.expiration.ms}: a batch it sends again after that is stored again.
     */
    static final long EXPIRY_MS = 24 * 60 * 60 * 1000L;
    /** Producers are swept for expiry once per this many checks. */
    private static final int SWEEP_EVERY = 4096;

    private static final class Producer
    {
        short epoch;
        long lastSeenMs;
        final int[] firstSequences = new int[REMEMBERED_BATCHES];
        final int[] lastSequences = new int[REMEMBERED_BATCHES];
        final long[] offsets = new long[REMEMBERED_BATCHES];
        int count;
        int next;

        void reset(final short newEpoch)
        {
            epoch = newEpoch;
            count = 0;
            next = 0;
        }

        int lastSequence()
        {
            return lastSequences[(next + REMEMBERED_BATCHES - 1) % REMEMBERED_BATCHES];
        }

        void remember(final int first, final int last, final long offset)
        {
            firstSequences[next] = first;
            lastSequences[next] = last;
            offsets[next] = offset;
            next = (next + 1) % REMEMBERED_BATCHES;
            count = Math.min(count + 1, REMEMBERED_BATCHES);
        }
    }

    private final Long2ObjectHashMap<Producer> producers = new Long2ObjectHashMap<>();
    private long duplicateOffset = -1;
    private int checksSinceSweep;

    /**
     * Check a batch of an idempotent producer and, if it is accepted, remember it at
     * {@code baseOffset}.
     *
     * @param producerId    the batch's producer id (not -1).
     * @param epoch         its producer epoch.
     * @param firstSequence its base sequence.
     * @param recordCount   its records.
     * @param baseOffset    the offset it gets if accepted.
     * @param nowMs         the time of the append (or of the batch, when read back), epoch ms.
     * @return {@link #ACCEPT}, {@link #DUPLICATE}, {@link #OUT_OF_ORDER} or {@link #FENCED}.
     */
    int check(final long producerId, final short epoch, final int firstSequence, final int recordCount,
        final long baseOffset, final long nowMs)
    {
        if (++checksSinceSweep >= SWEEP_EVERY)
        {
            checksSinceSweep = 0;
            producers.values().removeIf(known -> nowMs - known.lastSeenMs > EXPIRY_MS);
        }
        final int lastSequence = (int)((firstSequence + (long)recordCount - 1) & Integer.MAX_VALUE);
        Producer producer = producers.get(producerId);
        if (producer == null)
        {
            // A producer this partition has not seen (new, or its batches were deleted): any
            // sequence starts it, as Kafka's brokers do.
            producer = new Producer();
            producer.reset(epoch);
            producers.put(producerId, producer);
        }
        else if (epoch < producer.epoch)
        {
            return FENCED;
        }
        else if (epoch > producer.epoch)
        {
            if (firstSequence != 0)
            {
                return OUT_OF_ORDER;
            }
            producer.reset(epoch);
        }
        else
        {
            for (int i = 0; i < producer.count; i++)
            {
                if (producer.firstSequences[i] == firstSequence && producer.lastSequences[i] == lastSequence)
                {
                    duplicateOffset = producer.offsets[i];
                    return DUPLICATE;
                }
            }
            if (producer.count > 0 && firstSequence != ((producer.lastSequence() + 1) & Integer.MAX_VALUE))
            {
                return OUT_OF_ORDER;
            }
        }
        producer.remember(firstSequence, lastSequence, baseOffset);
        producer.lastSeenMs = nowMs;
        return ACCEPT;
    }

    /**
     * @return the offset of the batch the last {@link #DUPLICATE} repeated.
     */
    long duplicateOffset()
    {
        return duplicateOffset;
    }

    /**
     * @return producers known.
     */
    int size()
    {
        return producers.size();
    }
}
