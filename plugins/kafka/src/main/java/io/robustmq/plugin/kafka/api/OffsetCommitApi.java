package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.GroupError;
import io.robustmq.plugin.kafka.group.GroupOffsets;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * OffsetCommit: a group member's offsets (checked against its generation), or a consumer's that
 * assigns its own partitions (generation -1, no member id: only while the group has no members),
 * stored in the cursor store; answered once they are durable.
 */
public final class OffsetCommitApi implements KafkaApi
{
    private final Metadata metadata;
    private final GroupCoordinator groups;
    private final GroupOffsets offsets;
    private final Consumer<String> registerGroup;
    private final Access access;

    /**
     * @param registerGroup told each group that commits, to register it in the cluster's metadata.
     */
    public OffsetCommitApi(final Metadata metadata, final Brokers brokers, final GroupCoordinator groups,
        final GroupOffsets offsets, final Consumer<String> registerGroup)
    {
        this.metadata = metadata;
        this.groups = groups;
        this.offsets = offsets;
        this.registerGroup = registerGroup;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final OffsetCommitRequestData body = (OffsetCommitRequestData)request.body();
        final boolean byId = request.version() >= 10;
        final Errors refusal = body.groupId() == null ? null :
            access.groupRefusal(connection, AclOperation.READ, body.groupId());
        final GroupError allowed = body.groupId() == null || body.groupId().isEmpty() ? GroupError.INVALID_GROUP_ID :
            refusal != null ? GroupError.NONE :
            groups.mayCommit(body.groupId(), body.generationIdOrMemberEpoch(), body.memberId(), body.groupInstanceId());
        if (allowed == GroupError.NONE && refusal == null)
        {
            registerGroup.accept(body.groupId());
        }
        final OffsetCommitResponseData response = new OffsetCommitResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final OffsetCommitRequestData.OffsetCommitRequestTopic topicRequest : body.topics())
        {
            final Optional<TopicInfo> topic = byId ? Topics.byId(metadata, topicRequest.topicId()) :
                metadata.topic(topicRequest.name());
            final OffsetCommitResponseData.OffsetCommitResponseTopic topicResponse =
                new OffsetCommitResponseData.OffsetCommitResponseTopic()
                    .setName(byId ? "" : topicRequest.name()).setTopicId(byId ? topicRequest.topicId() : Uuid.ZERO_UUID);
            response.topics().add(topicResponse);
            for (final OffsetCommitRequestData.OffsetCommitRequestPartition partition : topicRequest.partitions())
            {
                final OffsetCommitResponseData.OffsetCommitResponsePartition answer =
                    new OffsetCommitResponseData.OffsetCommitResponsePartition().setPartitionIndex(partition.partitionIndex());
                topicResponse.partitions().add(answer);
                if (refusal != null)
                {
                    answer.setErrorCode(refusal.code());
                    continue;
                }
                if (allowed != GroupError.NONE)
                {
                    answer.setErrorCode(GroupErrors.code(allowed));
                    continue;
                }
                if (topic.isPresent() && !access.topic(connection, AclOperation.READ, topic.get().name()))
                {
                    answer.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                    continue;
                }
                if (topic.isEmpty() || partition.partitionIndex() < 0 ||
                    partition.partitionIndex() >= topic.get().partitions())
                {
                    answer.setErrorCode(byId && topic.isEmpty() ? Errors.UNKNOWN_TOPIC_ID.code() :
                        Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    continue;
                }
                final String committedMetadata = partition.committedMetadata() == null ? "" :
                    partition.committedMetadata();
                if (committedMetadata.getBytes(StandardCharsets.UTF_8).length > offsets.maxMetadataBytes())
                {
                    answer.setErrorCode(Errors.OFFSET_METADATA_TOO_LARGE.code());
                    continue;
                }
                pending.add(offsets.commit(body.groupId(), topic.get().id(), partition.partitionIndex(),
                    partition.committedOffset(), partition.committedLeaderEpoch(), committedMetadata)
                    .handle((done, failure) ->
                    {
                        answer.setErrorCode(failure == null ? Errors.NONE.code() : error(failure));
                        return null;
                    }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }

    private static short error(final Throwable failure)
    {
        final Throwable cause = Failures.cause(failure);
        if (cause instanceof GroupOffsets.Refused refused)
        {
            return switch (refused.result())
            {
                case Cursor.BACK_PRESSURED -> Errors.REQUEST_TIMED_OUT.code();
                case Cursor.METADATA_TOO_LARGE -> Errors.OFFSET_METADATA_TOO_LARGE.code();
                case Cursor.INVALID_OFFSET -> Errors.INVALID_COMMIT_OFFSET_SIZE.code();
                default -> Errors.COORDINATOR_NOT_AVAILABLE.code();
            };
        }
        // As Kafka's coordinator answers a failed write: the consumer retries it.
        return Errors.COORDINATOR_NOT_AVAILABLE.code();
    }
}
