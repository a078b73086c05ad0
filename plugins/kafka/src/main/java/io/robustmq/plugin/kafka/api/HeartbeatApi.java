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

    public HeartbeatApi(final GroupCoordinator groups)
    {
        this.groups = groups;
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final HeartbeatRequestData body = (HeartbeatRequestData)request.body();
        return CompletableFuture.completedFuture(new HeartbeatResponseData().setErrorCode(GroupErrors.code(
            groups.heartbeat(body.groupId(), body.generationId(), body.memberId(), body.groupInstanceId()))));
    }
}
