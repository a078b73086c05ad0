package io.robustmq.plugin.kafka.group;

/**
 * The group coordinator's limits, as Kafka's brokers name them.
 *
 * @param minSessionTimeoutMs     the shortest session a member may ask for
 *                                ({@code group.min.session.timeout.ms}).
 * @param maxSessionTimeoutMs     the longest ({@code group.max.session.timeout.ms}).
 * @param initialRebalanceDelayMs how long the first rebalance of an empty group waits for more
 *                                members ({@code group.initial.rebalance.delay.ms}).
 * @param maxGroupSize            members a group may have ({@code group.max.size}).
 */
public record GroupSettings(int minSessionTimeoutMs, int maxSessionTimeoutMs, int initialRebalanceDelayMs,
    int maxGroupSize)
{
}
