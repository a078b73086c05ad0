package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * SyncGroup: the leader hands in the assignment; every member gets its own once it has.
 */
public final class SyncGroupApi implements KafkaApi
{
    private final GroupCoordinator groups;
    private final Access access;

    public SyncGroupApi(final GroupCoordinator groups, final io.robustmq.plugin.api.metadata.Metadata metadata,
        final Brokers brokers)
    {
        this.groups = groups;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final SyncGroupRequestData body = (SyncGroupRequestData)request.body();
        final org.apache.kafka.common.protocol.Errors refusal =
            access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.READ, body.groupId());
        if (refusal != null)
        {
            return java.util.concurrent.CompletableFuture.completedFuture(new SyncGroupResponseData()
                .setErrorCode(refusal.code()).setAssignment(new byte[0]));
        }
        final Map<String, byte[]> assignments = new HashMap<>();
        for (final SyncGroupRequestData.SyncGroupRequestAssignment assignment : body.assignments())
        {
            assignments.put(assignment.memberId(), assignment.assignment());
        }
        return groups.sync(body.groupId(), body.generationId(), body.memberId(), body.groupInstanceId(),
            request.version() >= 5 ? body.protocolType() : null, request.version() >= 5 ? body.protocolName() : null,
            assignments).thenApplyAsync(result -> new SyncGroupResponseData()
                .setErrorCode(GroupErrors.code(result.error()))
                .setProtocolType(result.protocolType())
                .setProtocolName(result.protocolName())
                .setAssignment(result.assignment()), connection.eventLoop());
    }
}
