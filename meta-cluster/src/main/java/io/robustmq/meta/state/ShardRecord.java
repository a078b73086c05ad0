package io.robustmq.meta.state;

import java.util.List;

/**
 * One shard of a topic, as the cluster places it.
 *
 * @param topic     the topic's name.
 * @param partition the shard's index in the topic, from 0.
 * @param replicas  the nodes that hold it, preferred leader first; empty until a node is up.
 * @param leader    the node that serves it, or -1 when none of its replicas is up.
 * @param epoch     raised by every change of leader, so a stale leader can be told from the current one.
 */
public record ShardRecord(String topic, int partition, List<Integer> replicas, int leader, long epoch)
{
    /** No node leads the shard. */
    public static final int NO_LEADER = -1;

    public ShardRecord
    {
        replicas = List.copyOf(replicas);
    }

    /**
     * @return the shard's id, {@code topic-partition}, as Kafka names a partition.
     */
    public String id()
    {
        return topic + '-' + partition;
    }

    ShardRecord withLeader(final int newLeader)
    {
        return new ShardRecord(topic, partition, replicas, newLeader, epoch + 1);
    }
}
