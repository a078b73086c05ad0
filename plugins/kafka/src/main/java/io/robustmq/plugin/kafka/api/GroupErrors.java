package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.group.GroupError;
import org.apache.kafka.common.protocol.Errors;

/**
 * The group coordinator's answers as Kafka's error codes.
 */
final class GroupErrors
{
    private GroupErrors()
    {
    }

    static short code(final GroupError error)
    {
        return switch (error)
        {
            case NONE -> Errors.NONE.code();
            case INVALID_GROUP_ID -> Errors.INVALID_GROUP_ID.code();
            case INVALID_SESSION_TIMEOUT -> Errors.INVALID_SESSION_TIMEOUT.code();
            case INCONSISTENT_GROUP_PROTOCOL -> Errors.INCONSISTENT_GROUP_PROTOCOL.code();
            case UNKNOWN_MEMBER_ID -> Errors.UNKNOWN_MEMBER_ID.code();
            case MEMBER_ID_REQUIRED -> Errors.MEMBER_ID_REQUIRED.code();
            case ILLEGAL_GENERATION -> Errors.ILLEGAL_GENERATION.code();
            case REBALANCE_IN_PROGRESS -> Errors.REBALANCE_IN_PROGRESS.code();
            case FENCED_INSTANCE_ID -> Errors.FENCED_INSTANCE_ID.code();
            case GROUP_ID_NOT_FOUND -> Errors.GROUP_ID_NOT_FOUND.code();
            case NON_EMPTY_GROUP -> Errors.NON_EMPTY_GROUP.code();
            case GROUP_MAX_SIZE_REACHED -> Errors.GROUP_MAX_SIZE_REACHED.code();
            case COORDINATOR_NOT_AVAILABLE -> Errors.COORDINATOR_NOT_AVAILABLE.code();
        };
    }
}
