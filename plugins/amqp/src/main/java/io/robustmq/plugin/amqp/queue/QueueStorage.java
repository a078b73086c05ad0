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

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Where queues keep their messages: each queue is a topic of one shard, named {@code amqp.q.<uuid>}
 * (a queue's name may be 255 bytes, a topic's only 249 characters; a new uuid for each life of a
 * queue, so a queue deleted and declared again never sees its old messages). A priority queue
 * ({@code x-max-priority} N) has a topic for each priority level: level 0 is {@code amqp.q.<uuid>},
 * level p {@code amqp.q.<uuid>.p<p>}, each of one shard led by the same node (see {@link #levelTopic}). A durable queue's
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
     * @param topic a queue's topic (its level 0).
     * @param level a priority level.
     * @return the topic of that level.
     */
    public static String levelTopic(final String topic, final int level)
    {
        return level == 0 ? topic : topic + ".p" + level;
    }

    /**
     * Create a new queue's topics, one for each priority level, and open their shards.
     *
     * @param durable whether the queue is durable (the journal) or transient (memory).
     * @param levels  its priority levels: 1 for a queue without priorities.
     * @return the queue's topic (level 0's), once every shard is open here.
     */
    public CompletionStage<String> create(final boolean durable, final int levels)
    {
        final String topic = TOPIC_PREFIX + UUID.randomUUID();
        CompletionStage<Void> created = CompletableFuture.completedFuture(null);
        for (int level = 0; level < levels; level++)
        {
            final String levelTopic = levelTopic(topic, level);
            created = created.thenCompose(ignored -> metadata.createTopic(new TopicSpec(levelTopic, 1,
                    durable ? "" : "memory", "", Long.MAX_VALUE, Long.MAX_VALUE).withPreferredLeader(nodeId))
                .thenCompose(info -> CompletableFuture.runAsync(() -> open(levelTopic), fileWork)));
        }
        return created.handle((ignored, failure) ->
        {
            if (failure == null)
            {
                return CompletableFuture.completedFuture(topic);
            }
            // The levels made before the one that failed would be left with no queue naming them.
            final List<String> made = new ArrayList<>();
            for (int level = 0; level < levels; level++)
            {
                made.add(levelTopic(topic, level));
            }
            return deleteTopics(made).thenCompose(done -> CompletableFuture.<String>failedFuture(failure));
        }).thenCompose(stage -> stage);
    }

    /**
     * @param queue a queue.
     * @return the shards of its levels that are open on this node.
     */
    public List<Shard> find(final QueueDef queue)
    {
        final List<Shard> found = new ArrayList<>();
        for (int level = 0; level < QueueArguments.levelsOf(queue); level++)
        {
            shards.find(levelTopic(queue.topic(), level), 0).ifPresent(found::add);
        }
        return found;
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
     * @return its shards, one for each priority level, lowest first, opened (on the queue thread) if
     * they were not; fails with 540 if another node leads the queue (serving a queue from another node
     * than its leader is not implemented yet).
     */
    public CompletionStage<Shard[]> open(final QueueDef queue)
    {
        final int leader = leader(queue);
        if (leader != nodeId)
        {
            return CompletableFuture.failedFuture(new AmqpError(ReplyCode.NOT_IMPLEMENTED, "queue '" + queue.name() +
                "' is " + (leader < 0 ? "on no node that is up" : "on node " + leader + ": connect to that node") +
                " (serving a queue from another node is not implemented yet)", 50, 10));
        }
        final Shard[] levels = new Shard[QueueArguments.levelsOf(queue)];
        for (int level = 1; level < levels.length; level++)
        {
            final int levelLeader = metadata.shard(levelTopic(queue.topic(), level), 0)
                .map(io.robustmq.plugin.api.metadata.ShardInfo::leader).orElse(-1);
            if (levelLeader != nodeId)
            {
                // A level placed elsewhere (its node was down when the level was created, or a
                // failover moved it): refused loudly rather than served from an empty local shard.
                return CompletableFuture.failedFuture(new AmqpError(ReplyCode.NOT_IMPLEMENTED, "queue '" +
                    queue.name() + "' has its priority level " + level + " on " + (levelLeader < 0 ?
                    "no node that is up" : "node " + levelLeader) + ", not with its other levels on node " + nodeId +
                    " (serving a queue from several nodes is not implemented yet)", 50, 10));
            }
        }
        boolean allOpen = true;
        for (int level = 0; level < levels.length; level++)
        {
            levels[level] = shards.find(levelTopic(queue.topic(), level), 0).orElse(null);
            allOpen &= levels[level] != null;
        }
        if (allOpen)
        {
            return CompletableFuture.completedFuture(levels);
        }
        return CompletableFuture.supplyAsync(() ->
        {
            for (int level = 0; level < levels.length; level++)
            {
                levels[level] = open(levelTopic(queue.topic(), level));
            }
            return levels;
        }, fileWork);
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
     * Delete a queue's messages and its topics.
     *
     * @param queue the queue (its object already deleted, or being deleted).
     * @return done once the shards and the topics are gone.
     */
    public CompletionStage<Void> delete(final QueueDef queue)
    {
        final List<String> topics = new ArrayList<>();
        for (int level = 0; level < QueueArguments.levelsOf(queue); level++)
        {
            topics.add(levelTopic(queue.topic(), level));
        }
        return deleteTopics(topics);
    }

    /**
     * Delete topics and their shards here; a topic that does not exist is skipped.
     */
    private CompletionStage<Void> deleteTopics(final List<String> topics)
    {
        CompletionStage<Void> deleted = CompletableFuture.runAsync(() ->
        {
            for (final ShardId id : shards.list())
            {
                if (topics.contains(id.topic()))
                {
                    shards.delete(id);
                }
            }
        }, fileWork);
        for (final String topic : topics)
        {
            final Optional<TopicInfo> info = metadata.topic(topic);
            deleted = deleted.thenCompose(ignored -> info.isPresent() ? metadata.deleteTopic(topic)
                .exceptionally(failure -> null) : CompletableFuture.completedFuture(null));
        }
        return deleted;
    }
}
