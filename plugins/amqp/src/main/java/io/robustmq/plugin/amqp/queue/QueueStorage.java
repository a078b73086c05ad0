package io.robustmq.plugin.amqp.queue;

import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.codec.ReplyCode;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.TopicSpec;
import io.robustmq.plugin.api.storage.NoSuchShardException;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardId;
import io.robustmq.plugin.api.storage.Shards;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where queues keep their messages: each queue is a topic of one shard, named {@code amqp.q.<uuid>}
 * (a queue's name may be 255 bytes, a topic's only 249 characters; a new uuid for each life of a
 * queue, so a queue deleted and declared again never sees its old messages). A durable queue's
 * shard is the journal's; a transient queue's the memory engine's. Neither has retention: a queue's
 * messages go when they are consumed or the queue is deleted, never with age or size.
 * <p>
 * Shards are opened and deleted (file work) on the plugin's queue thread; everything else answers
 * from memory. Thread-safe.
 */
public final class QueueStorage
{
    /** The prefix of every queue's topic. */
    public static final String TOPIC_PREFIX = "amqp.q.";

    private final Metadata metadata;
    private final Shards shards;
    private final Executor fileWork;
    private final int nodeId;

    /**
     * @param metadata the cluster's metadata, where the topics are created.
     * @param shards   the node's shards.
     * @param fileWork where shards are opened and deleted (bounded).
     * @param nodeId   this node: a queue it creates is led by it, as RabbitMQ places a classic queue
     *                 on the node its declaring client is connected to.
     */
    public QueueStorage(final Metadata metadata, final Shards shards, final Executor fileWork, final int nodeId)
    {
        this.metadata = metadata;
        this.shards = shards;
        this.fileWork = fileWork;
        this.nodeId = nodeId;
    }

    /**
     * Create a new queue's topic and open its shard.
     *
     * @param durable whether the queue is durable (the journal) or transient (memory).
     * @return the topic's name, once its shard is open here.
     */
    public CompletionStage<String> create(final boolean durable)
    {
        final String topic = TOPIC_PREFIX + UUID.randomUUID();
        return metadata.createTopic(new TopicSpec(topic, 1, durable ? "" : "memory", "", Long.MAX_VALUE, Long.MAX_VALUE)
                .withPreferredLeader(nodeId))
            .thenCompose(created -> CompletableFuture.supplyAsync(() -> open(topic), fileWork))
            .thenApply(shard -> topic);
    }

    /**
     * @param queue a queue.
     * @return its shard, if it is open on this node.
     */
    public Optional<Shard> find(final QueueDef queue)
    {
        return shards.find(queue.topic(), 0);
    }

    /**
     * @param queue a queue.
     * @return the node that leads its shard, or -1 if none does.
     */
    public int leader(final QueueDef queue)
    {
        return metadata.shard(queue.topic(), 0).map(io.robustmq.plugin.api.metadata.ShardInfo::leader).orElse(-1);
    }

    /**
     * @param queue a queue.
     * @return true if this node leads the queue's shard, and so serves the queue.
     */
    public boolean servedHere(final QueueDef queue)
    {
        return leader(queue) == nodeId;
    }

    /**
     * @param queue a queue.
     * @return its shard, opened (on the queue thread) if it was not; fails with 540 if another node
     * leads it (serving a queue from another node than its leader is not implemented yet).
     */
    public CompletionStage<Shard> open(final QueueDef queue)
    {
        final int leader = leader(queue);
        if (leader != nodeId)
        {
            return CompletableFuture.failedFuture(new AmqpError(ReplyCode.NOT_IMPLEMENTED, "queue '" + queue.name() +
                "' is " + (leader < 0 ? "on no node that is up" : "on node " + leader + ": connect to that node") +
                " (serving a queue from another node is not implemented yet)", 50, 10));
        }
        final Optional<Shard> open = find(queue);
        return open.isPresent() ? CompletableFuture.completedFuture(open.get()) :
            CompletableFuture.supplyAsync(() -> open(queue.topic()), fileWork);
    }

    private Shard open(final String topic)
    {
        try
        {
            return shards.open(topic, 0);
        }
        catch (final NoSuchShardException ex)
        {
            throw new java.util.concurrent.CompletionException(new AmqpError(ReplyCode.INTERNAL_ERROR,
                "the queue's storage, topic " + topic + ", is gone", 50, 10));
        }
    }

    /**
     * @param shard a queue's shard.
     * @return the messages in it that no consumer has been given.
     */
    public static long readyCount(final Shard shard)
    {
        return shard.nextOffset() - shard.earliestOffset();
    }

    /**
     * Delete a queue's messages and its topic.
     *
     * @param queue the queue (its object already deleted, or being deleted).
     * @return done once the shard and the topic are gone.
     */
    public CompletionStage<Void> delete(final QueueDef queue)
    {
        final Optional<TopicInfo> topic = metadata.topic(queue.topic());
        return CompletableFuture.runAsync(() ->
        {
            for (final ShardId id : shards.list())
            {
                if (id.topic().equals(queue.topic()))
                {
                    shards.delete(id);
                }
            }
        }, fileWork).thenCompose(ignored -> topic.isPresent() ? metadata.deleteTopic(queue.topic())
            .exceptionally(failure -> null) : CompletableFuture.completedFuture(null));
    }
}
