package io.robustmq.plugin.kafka.partition;

import io.netty.buffer.ByteBuf;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.ShardInfo;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.NoSuchShardException;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.Shards;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The Kafka partitions this node has opened. Opening one (creating its shard if need be, and
 * reading it once to learn its idempotent producers' last sequences) may block, so it runs on the
 * plugin's own executor; the event loops only look up partitions already open, or wait for the
 * future.
 */
public final class PartitionLogs implements AutoCloseable
{
    private static final int RECOVERY_READ_BYTES = 1024 * 1024;

    /**
     * A partition of one life of a topic: a topic deleted and created again is another.
     */
    private record Key(UUID topicId, int partition)
    {
    }

    private final Shards shards;
    private final io.micrometer.core.instrument.MeterRegistry registry;
    private final Metadata metadata;
    private final Executor opener;
    private final Map<Key, CompletableFuture<KafkaPartition>> partitions = new ConcurrentHashMap<>();

    /**
     * @param shards   the plugin's view of the node's shards.
     * @param metadata the cluster's metadata.
     * @param opener   where partitions are opened (may block).
     */
    public PartitionLogs(final Shards shards, final Metadata metadata, final Executor opener,
        final io.micrometer.core.instrument.MeterRegistry registry)
    {
        this.registry = registry;
        this.shards = shards;
        this.metadata = metadata;
        this.opener = opener;
    }

    /**
     * @param topic     the topic, as the metadata knows it now.
     * @param partition its partition, within its count.
     * @return the partition, open, or why not ({@link NoSuchShardException} if the topic or partition
     * is gone).
     */
    public CompletableFuture<KafkaPartition> open(final TopicInfo topic, final int partition)
    {
        final CompletableFuture<KafkaPartition> opened;
        try
        {
            opened = partitions.computeIfAbsent(new Key(topic.id(), partition),
                key -> CompletableFuture.supplyAsync(() -> openNow(topic, partition), opener));
        }
        catch (final java.util.concurrent.RejectedExecutionException busy)
        {
            return CompletableFuture.failedFuture(busy);
        }
        if (opened.isCompletedExceptionally())
        {
            // Let a later request try again (the topic may have been created meanwhile).
            partitions.remove(new Key(topic.id(), partition), opened);
        }
        return opened;
    }

    /**
     * @param topic     the topic, as the metadata knows it now.
     * @param partition its partition.
     * @return the partition if it is open already.
     */
    public Optional<KafkaPartition> find(final TopicInfo topic, final int partition)
    {
        final CompletableFuture<KafkaPartition> opened = partitions.get(new Key(topic.id(), partition));
        return opened != null && opened.isDone() && !opened.isCompletedExceptionally() ?
            Optional.of(opened.join()) : Optional.empty();
    }

    private KafkaPartition openNow(final TopicInfo topic, final int partition)
    {
        final Shard shard;
        try
        {
            shard = shards.open(topic.name(), partition);
        }
        catch (final NoSuchShardException ex)
        {
            throw new java.util.concurrent.CompletionException(ex);
        }
        final ProducerStates producers = new ProducerStates();
        recoverProducers(shard, producers);
        final int epoch = metadata.shard(topic.name(), partition).map(info -> (int)info.epoch()).orElse(0);
        final KafkaStamper stamper = new KafkaStamper(producers, epoch);
        shard.stamper(BatchFormat.KAFKA_RECORD_BATCH, stamper);
        final Key key = new Key(topic.id(), partition);
        return new KafkaPartition(topic.name(), topic.id(), partition, shard, stamper, epoch,
            new PartitionTraffic(registry, topic.name(), partition),
            kafkaPartition -> metadata.watchShard(topic.name(), partition, info ->
            {
                info.map(ShardInfo::epoch).ifPresent(newEpoch -> kafkaPartition.leaderEpoch((int)(long)newEpoch));
                if (!metadata.topic(topic.name()).map(now -> now.id().equals(topic.id())).orElse(false))
                {
                    // The topic was deleted (perhaps created again: another life, another key): forget it.
                    final CompletableFuture<KafkaPartition> opened = partitions.get(key);
                    if (opened != null && opened.isDone() && !opened.isCompletedExceptionally() &&
                        opened.join() == kafkaPartition && partitions.remove(key, opened))
                    {
                        kafkaPartition.close();
                    }
                }
            }));
    }

    /**
     * Learn each idempotent producer's last batches from what the shard holds, so that a batch sent
     * again after a restart is recognised.
     */
    private static void recoverProducers(final Shard shard, final ProducerStates producers)
    {
        final ShardView view = shard.newView();
        long offset = shard.earliestOffset();
        final long end = shard.durableOffset();
        while (offset < end)
        {
            final int read = shard.read(offset, RECOVERY_READ_BYTES, Integer.MAX_VALUE, view);
            if (read <= 0)
            {
                break;
            }
            try
            {
                while (view.next())
                {
                    if (view.format() != BatchFormat.KAFKA_RECORD_BATCH)
                    {
                        continue;
                    }
                    final ByteBuf batch = view.payload();
                    final int at = batch.readerIndex();
                    final long producerId = batch.getLong(at + RecordBatchLayout.PRODUCER_ID);
                    if (producerId != RecordBatchLayout.NO_PRODUCER_ID)
                    {
                        producers.check(producerId, batch.getShort(at + RecordBatchLayout.PRODUCER_EPOCH),
                            batch.getInt(at + RecordBatchLayout.BASE_SEQUENCE), view.recordCount(), view.baseOffset(),
                            view.maxTimestamp());
                    }
                }
                offset = view.nextOffset();
            }
            finally
            {
                view.release();
            }
        }
    }

    @Override
    public void close()
    {
        for (final CompletableFuture<KafkaPartition> opened : partitions.values())
        {
            opened.thenAccept(KafkaPartition::close);
        }
        partitions.clear();
    }
}
