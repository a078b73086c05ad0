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
    private final Access access;

    public HeartbeatApi(final GroupCoordinator groups, final io.robustmq.plugin.api.metadata.Metadata metadata,
        final Brokers brokers)
    {
        this.groups = groups;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final HeartbeatRequestData body = (HeartbeatRequestData)request.body();
        final org.apache.kafka.common.protocol.Errors refusal =
            access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.READ, body.groupId());
        if (refusal != null)
        {
            return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(refusal.code()));
        }
        return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(GroupErrors.code(
            groups.heartbeat(body.groupId(), body.generationId(), body.memberId(), body.groupInstanceId()))));
    }
}
