package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.GroupError;
import io.robustmq.plugin.kafka.group.GroupOffsets;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.DeleteGroupsRequestData;
import org.apache.kafka.common.message.DeleteGroupsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DeleteGroups: a group without members goes, with its committed offsets and its entry in the
 * cluster's metadata; one with members gets NON_EMPTY_GROUP, an unknown one GROUP_ID_NOT_FOUND.
 */
public final class DeleteGroupsApi implements KafkaApi
{
    private final Metadata metadata;
    private final GroupCoordinator groups;
    private final GroupOffsets offsets;
    private final Access access;

    private final java.util.function.Consumer<String> onDeleted;

    /**
     * @param onDeleted told each group deleted (the plugin forgets it registered it).
     */
    public DeleteGroupsApi(final Metadata metadata, final Brokers brokers, final GroupCoordinator groups,
        final GroupOffsets offsets, final java.util.function.Consumer<String> onDeleted)
    {
        this.onDeleted = onDeleted;
        this.metadata = metadata;
        this.groups = groups;
        this.offsets = offsets;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DeleteGroupsRequestData body = (DeleteGroupsRequestData)request.body();
        final DeleteGroupsResponseData response = new DeleteGroupsResponseData();
        for (final String groupId : body.groupsNames())
        {
            final Errors refusal =
                access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.DELETE, groupId);
            if (refusal != null)
            {
                response.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                    .setErrorCode(refusal.code()));
                continue;
            }
            final boolean hasOffsets = offsets.groups().contains(groupId);
            GroupError error = groups.delete(groupId);
            if (error == GroupError.GROUP_ID_NOT_FOUND && hasOffsets)
            {
                error = GroupError.NONE;
            }
            if (error == GroupError.NONE)
            {
                if (hasOffsets && offsets.deleteGroup(groupId) != Cursor.OK)
                {
                    response.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                        .setErrorCode(Errors.COORDINATOR_LOAD_IN_PROGRESS.code()));
                    continue;
                }
                metadata.deleteGroup(groupId);
                onDeleted.accept(groupId);
            }
            response.results().add(new DeleteGroupsResponseData.DeletableGroupResult().setGroupId(groupId)
                .setErrorCode(GroupErrors.code(error)));
        }
        return CompletableFuture.completedFuture(response);
    }
}
