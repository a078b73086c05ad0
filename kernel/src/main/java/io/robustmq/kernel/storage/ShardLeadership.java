package io.robustmq.kernel.storage;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.ShardInfo;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.Watch;
import io.robustmq.plugin.api.storage.ShardId;

import java.util.Optional;

/**
 * Whether this node may append to a shard: for a topic's shard, whether the metadata names this
 * node its leader, kept current by watches on the shard and its topic; a private shard is always
 * this node's.
 * <p>
 * Threading: {@link #isLeader()} is one volatile read, for the append path on any thread. The
 * watches refresh it on the Meta Service's watch thread; {@link #close()} from any thread.
 */
class ShardLeadership implements AutoCloseable
{
    /** The leadership of every private shard: always this node. */
    static final ShardLeadership LOCAL = new ShardLeadership(true);

    private volatile boolean leader;

    private ShardLeadership(final boolean leader)
    {
        this.leader = leader;
    }

    final void leader(final boolean leader)
    {
        this.leader = leader;
    }

    /**
     * Follow a topic shard's leadership: set from the metadata now, then refreshed whenever the
     * shard's leader or epoch, or its topic, changes.
     *
     * @param metadata the node's metadata.
     * @param nodeId   this node's id.
     * @param id       the shard.
     * @param onTopic  told the shard's topic as it is now and after each change (while it is this
     *                 shard's topic, not one of the same name made again), under the watch's lock.
     * @return the leadership, watching until closed.
     */
    static ShardLeadership watch(final Metadata metadata, final int nodeId, final ShardId id,
        final java.util.function.Consumer<TopicInfo> onTopic)
    {
        final Watched watched = new Watched(metadata, nodeId, id, onTopic);
        watched.refresh();
        watched.start();
        return watched;
    }

    /**
     * @return true if this node may append to the shard now.
     */
    final boolean isLeader()
    {
        return leader;
    }

    /**
     * Stop following the metadata; the last state stays.
     */
    @Override
    public void close()
    {
    }

    private static final class Watched extends ShardLeadership
    {
        private final Metadata metadata;
        private final int nodeId;
        private final ShardId id;
        private final java.util.function.Consumer<TopicInfo> onTopic;
        private Watch shardWatch;
        private Watch topicWatch;
        private boolean closed;

        Watched(final Metadata metadata, final int nodeId, final ShardId id,
            final java.util.function.Consumer<TopicInfo> onTopic)
        {
            super(false);
            this.metadata = metadata;
            this.nodeId = nodeId;
            this.id = id;
            this.onTopic = onTopic;
        }

        synchronized void start()
        {
            shardWatch = metadata.watchShard(id.topic(), id.partition(), shard -> refresh());
            topicWatch = metadata.watchTopic(id.topic(), topic -> refresh());
        }

        /**
         * Read the metadata as it is now: under the lock, so that of two refreshes the later one,
         * which reads a view at least as new, also writes last.
         */
        synchronized void refresh()
        {
            if (closed)
            {
                return;
            }
            final Optional<TopicInfo> topic = metadata.topic(id.topic());
            final Optional<ShardInfo> shard = metadata.shard(id.topic(), id.partition());
            final boolean ours = topic.isPresent() && topic.get().id().equals(id.topicId());
            leader(ours && shard.isPresent() && shard.get().leader() == nodeId);
            if (ours)
            {
                onTopic.accept(topic.get());
            }
        }

        @Override
        public synchronized void close()
        {
            closed = true;
            if (shardWatch != null)
            {
                shardWatch.close();
                topicWatch.close();
            }
        }
    }
}
