package io.robustmq.plugin.kafka.group;

/**
 * A classic group's states, named as Kafka's DescribeGroups and ListGroups name them.
 */
public enum GroupState
{
    /** No members (offsets may still be committed). */
    EMPTY("Empty"),
    /** Waiting for the members to join again. */
    PREPARING_REBALANCE("PreparingRebalance"),
    /** Joined; waiting for the leader's assignment. */
    COMPLETING_REBALANCE("CompletingRebalance"),
    /** Every member has its assignment. */
    STABLE("Stable"),
    /** Deleted. */
    DEAD("Dead");

    private final String kafkaName;

    GroupState(final String kafkaName)
    {
        this.kafkaName = kafkaName;
    }

    /**
     * @return the name Kafka's protocol uses.
     */
    public String kafkaName()
    {
        return kafkaName;
    }
}
