package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.GroupOffsets;
import io.robustmq.plugin.kafka.group.GroupState;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.ListGroupsRequestData;
import org.apache.kafka.common.message.ListGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * ListGroups: the groups this node coordinates, and those with committed offsets but no members
 * now (Empty), filtered by state (v4+) and type (v5+: all are {@code classic}).
 */
public final class ListGroupsApi implements KafkaApi
{
    private static final String CLASSIC = "classic";

    private final GroupCoordinator groups;
    private final GroupOffsets offsets;
    private final Access access;

    public ListGroupsApi(final GroupCoordinator groups, final GroupOffsets offsets, final io.robustmq.plugin.api.metadata.Metadata metadata)
    {
        this.groups = groups;
        this.offsets = offsets;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final ListGroupsRequestData body = (ListGroupsRequestData)request.body();
        final Map<String, ListGroupsResponseData.ListedGroup> listed = new LinkedHashMap<>();
        for (final GroupCoordinator.GroupDescription group : groups.list())
        {
            listed.put(group.groupId(), listed(group.groupId(), group.protocolType(), group.state()));
        }
        for (final String groupId : offsets.groups())
        {
            listed.putIfAbsent(groupId, listed(groupId, "", GroupState.EMPTY));
        }
        final ListGroupsResponseData response = new ListGroupsResponseData().setErrorCode(Errors.NONE.code());
        for (final ListGroupsResponseData.ListedGroup group : listed.values())
        {
            final boolean stateWanted = request.version() < 4 || body.statesFilter().isEmpty() ||
                body.statesFilter().stream().anyMatch(state -> state.equalsIgnoreCase(group.groupState()));
            final boolean typeWanted = request.version() < 5 || body.typesFilter().isEmpty() ||
                body.typesFilter().stream().anyMatch(CLASSIC::equalsIgnoreCase);
            if (stateWanted && typeWanted && access.group(connection, io.robustmq.plugin.api.metadata.AclOperation.DESCRIBE, group.groupId()))
            {
                response.groups().add(group);
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static ListGroupsResponseData.ListedGroup listed(final String groupId, final String protocolType,
        final GroupState state)
    {
        return new ListGroupsResponseData.ListedGroup().setGroupId(groupId).setProtocolType(protocolType)
            .setGroupState(state.kafkaName()).setGroupType(CLASSIC);
    }
}
