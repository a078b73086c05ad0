package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.GroupOffsets;
import io.robustmq.plugin.kafka.group.GroupState;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.DescribeGroupsRequestData;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DescribeGroups: each group's state, assignor and members with their subscriptions and
 * assignments. A group with committed offsets and no members is Empty; one this node knows nothing
 * of is Dead (and, from version 6, GROUP_ID_NOT_FOUND), as Kafka answers.
 */
public final class DescribeGroupsApi implements KafkaApi
{
    private final GroupCoordinator groups;
    private final GroupOffsets offsets;
    private final Access access;

    public DescribeGroupsApi(final GroupCoordinator groups, final GroupOffsets offsets,
        final io.robustmq.plugin.api.metadata.Metadata metadata, final Brokers brokers)
    {
        this.groups = groups;
        this.offsets = offsets;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DescribeGroupsRequestData body = (DescribeGroupsRequestData)request.body();
        final DescribeGroupsResponseData response = new DescribeGroupsResponseData();
        for (final String groupId : body.groups())
        {
            final DescribeGroupsResponseData.DescribedGroup described = new DescribeGroupsResponseData.DescribedGroup()
                .setGroupId(groupId).setErrorCode(Errors.NONE.code());
            final Errors refusal =
                access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.DESCRIBE, groupId);
            if (refusal != null)
            {
                response.groups().add(described.setErrorCode(refusal.code())
                    .setGroupState("").setProtocolType("").setProtocolData(""));
                continue;
            }
            final Optional<GroupCoordinator.GroupDescription> known = groups.describe(groupId);
            if (known.isPresent())
            {
                final GroupCoordinator.GroupDescription group = known.get();
                described.setGroupState(group.state().kafkaName()).setProtocolType(group.protocolType())
                    .setProtocolData(group.protocolName());
                for (final GroupCoordinator.MemberDescription member : group.members())
                {
                    described.members().add(new DescribeGroupsResponseData.DescribedGroupMember()
                        .setMemberId(member.memberId()).setGroupInstanceId(member.groupInstanceId())
                        .setClientId(member.clientId() == null ? "" : member.clientId())
                        .setClientHost(member.clientHost()).setMemberMetadata(member.metadata())
                        .setMemberAssignment(member.assignment()));
                }
            }
            else if (offsets.groups().contains(groupId))
            {
                described.setGroupState(GroupState.EMPTY.kafkaName()).setProtocolType("").setProtocolData("");
            }
            else
            {
                described.setGroupState(GroupState.DEAD.kafkaName()).setProtocolType("").setProtocolData("");
                if (request.version() >= 6)
                {
                    described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code())
                        .setErrorMessage("Group " + groupId + " not found.");
                }
            }
            response.groups().add(described);
        }
        return CompletableFuture.completedFuture(response);
    }
}
