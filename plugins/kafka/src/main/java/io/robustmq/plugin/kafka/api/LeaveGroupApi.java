package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.GroupError;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * LeaveGroup: one member (versions 0 to 2) or several (3 and later, static members by instance
 * id) leave; the group rebalances without them.
 */
public final class LeaveGroupApi implements KafkaApi
{
    private final GroupCoordinator groups;
    private final Access access;

    public LeaveGroupApi(final GroupCoordinator groups, final io.robustmq.plugin.api.metadata.Metadata metadata,
        final Brokers brokers)
    {
        this.groups = groups;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final LeaveGroupRequestData body = (LeaveGroupRequestData)request.body();
        final LeaveGroupResponseData response = new LeaveGroupResponseData();
        final Errors refusal =
            access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.READ, body.groupId());
        if (refusal != null)
        {
            return CompletableFuture.completedFuture(response.setErrorCode(refusal.code()));
        }
        if (request.version() < 3)
        {
            return CompletableFuture.completedFuture(response.setErrorCode(GroupErrors.code(
                groups.leave(body.groupId(), body.memberId(), null))));
        }
        for (final LeaveGroupRequestData.MemberIdentity member : body.members())
        {
            final GroupError error = groups.leave(body.groupId(), member.memberId(), member.groupInstanceId());
            response.members().add(new LeaveGroupResponseData.MemberResponse().setMemberId(member.memberId())
                .setGroupInstanceId(member.groupInstanceId()).setErrorCode(GroupErrors.code(error)));
        }
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
    }
}
