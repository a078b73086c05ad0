package io.robustmq.plugin.kafka.group;

/**
 * The group coordinator's answers, one for each Kafka error it gives.
 */
public enum GroupError
{
    NONE,
    INVALID_GROUP_ID,
    INVALID_SESSION_TIMEOUT,
    INCONSISTENT_GROUP_PROTOCOL,
    UNKNOWN_MEMBER_ID,
    MEMBER_ID_REQUIRED,
    ILLEGAL_GENERATION,
    REBALANCE_IN_PROGRESS,
    FENCED_INSTANCE_ID,
    GROUP_ID_NOT_FOUND,
    NON_EMPTY_GROUP,
    GROUP_MAX_SIZE_REACHED,
    COORDINATOR_NOT_AVAILABLE
}
