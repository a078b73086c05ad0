package io.robustmq.plugin.api.metadata;

import java.util.List;

/**
 * One shard of a topic and who leads it.
 *
 * @param topic     the topic's name.
 * @param partition the shard's index, from 0.
 * @param replicas  the nodes that hold it, preferred leader first.
 * @param leader    the node that serves it, or {@link #NO_LEADER}.
 * @param epoch     raised by every change of leader.
 */
public record ShardInfo(String topic, int partition, List<Integer> replicas, int leader, long epoch)
{
    /** No replica of the shard is up. */
    public static final int NO_LEADER = -1;
}
