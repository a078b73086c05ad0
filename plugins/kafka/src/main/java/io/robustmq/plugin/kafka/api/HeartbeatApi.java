package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Heartbeat: keeps the member's session; REBALANCE_IN_PROGRESS tells it to join again.
 */
public final class HeartbeatApi implements KafkaApi
{
    private final GroupCoordinator groups;
    private final Brokers brokers;
    private final Access access;

    public HeartbeatApi(final GroupCoordinator groups, final io.robustmq.plugin.api.metadata.Metadata metadata,
        final Brokers brokers)
    {
        this.groups = groups;
        this.brokers = brokers;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final HeartbeatRequestData body = (HeartbeatRequestData)request.body();
        final boolean authorized =
            access.group(connection, io.robustmq.plugin.api.metadata.AclOperation.READ, body.groupId());
        if (!authorized || !brokers.coordinates(body.groupId()))
        {
            return CompletableFuture.completedFuture(new HeartbeatResponseData()
                .setErrorCode(authorized ? org.apache.kafka.common.protocol.Errors.NOT_COORDINATOR.code() :
                    org.apache.kafka.common.protocol.Errors.GROUP_AUTHORIZATION_FAILED.code()));
        }
        return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(GroupErrors.code(
            groups.heartbeat(body.groupId(), body.generationId(), body.memberId(), body.groupInstanceId()))));
    }
}
