package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.JoinRequest;
import io.robustmq.plugin.kafka.group.JoinResult;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * JoinGroup: the member waits until the group's rebalance completes (every member joined again,
 * or the rebalance timeout passed); the leader gets every member's subscription.
 */
public final class JoinGroupApi implements KafkaApi
{
    private final GroupCoordinator groups;
    private final Access access;

    public JoinGroupApi(final GroupCoordinator groups, final io.robustmq.plugin.api.metadata.Metadata metadata,
        final Brokers brokers)
    {
        this.groups = groups;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final JoinGroupRequestData body = (JoinGroupRequestData)request.body();
        final org.apache.kafka.common.protocol.Errors refusal =
            access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.READ, body.groupId());
        if (refusal != null)
        {
            return java.util.concurrent.CompletableFuture.completedFuture(new JoinGroupResponseData()
                .setErrorCode(refusal.code())
                .setGenerationId(-1).setProtocolName(request.version() < 7 ? "" : null).setLeader("")
                .setMemberId(body.memberId()));
        }
        final List<JoinRequest.Protocol> protocols = new ArrayList<>();
        for (final JoinGroupRequestData.JoinGroupRequestProtocol protocol : body.protocols())
        {
            protocols.add(new JoinRequest.Protocol(protocol.name(), protocol.metadata()));
        }
        final int rebalanceTimeoutMs = request.version() >= 1 ? body.rebalanceTimeoutMs() : body.sessionTimeoutMs();
        final JoinRequest join = new JoinRequest(body.groupId(), body.memberId(), body.groupInstanceId(),
            request.clientId(), connection.clientHost(), body.sessionTimeoutMs(), rebalanceTimeoutMs,
            body.protocolType(), protocols, request.version() >= 4);
        final short version = request.version();
        return groups.join(join).thenApplyAsync(result -> response(result, version), connection.eventLoop());
    }

    private static ApiMessage response(final JoinResult result, final short version)
    {
        final JoinGroupResponseData response = new JoinGroupResponseData()
            .setErrorCode(GroupErrors.code(result.error()))
            .setGenerationId(result.generationId())
            .setProtocolType(result.protocolType())
            .setProtocolName(result.protocolName() == null && version < 7 ? "" : result.protocolName())
            .setLeader(result.leaderId() == null ? "" : result.leaderId())
            .setMemberId(result.memberId() == null ? "" : result.memberId());
        for (final JoinResult.Member member : result.members())
        {
            response.members().add(new JoinGroupResponseData.JoinGroupResponseMember().setMemberId(member.memberId())
                .setGroupInstanceId(member.groupInstanceId()).setMetadata(member.metadata()));
        }
        return response;
    }
}
