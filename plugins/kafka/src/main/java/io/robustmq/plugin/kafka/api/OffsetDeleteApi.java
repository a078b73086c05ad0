package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.GroupOffsets;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.ConsumerProtocolSubscription;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * OffsetDelete: a group's committed offsets of the partitions named are deleted, durably, as Kafka's
 * coordinator does it:
 * <ul>
 *   <li>DELETE on the group is needed (GROUP_AUTHORIZATION_FAILED), and this node must coordinate
 *       it (NOT_COORDINATOR); a group with neither members nor offsets gets GROUP_ID_NOT_FOUND;</li>
 *   <li>a group with members of another protocol type than {@code consumer} gets NON_EMPTY_GROUP
 *       (what its members read is not known here);</li>
 *   <li>per partition: READ on the topic (TOPIC_AUTHORIZATION_FAILED), the partition must exist
 *       (UNKNOWN_TOPIC_OR_PARTITION), and a topic the group's members subscribe to gets
 *       GROUP_SUBSCRIBED_TO_TOPIC. While the members' subscriptions cannot be read (no assignor
 *       chosen yet), every topic counts as subscribed.</li>
 * </ul>
 * The subscriptions are read, then the offsets deleted: a member that joins in between may find its
 * offsets gone, and starts from its {@code auto.offset.reset}.
 */
public final class OffsetDeleteApi implements KafkaApi
{
    /** The protocol type of Kafka's consumers, whose subscriptions the coordinator can read. */
    private static final String CONSUMER_PROTOCOL = "consumer";

    private final Metadata metadata;
    private final GroupCoordinator groups;
    private final GroupOffsets offsets;
    private final Access access;

    public OffsetDeleteApi(final Metadata metadata, final Brokers brokers, final GroupCoordinator groups,
        final GroupOffsets offsets)
    {
        this.metadata = metadata;
        this.groups = groups;
        this.offsets = offsets;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final OffsetDeleteRequestData body = (OffsetDeleteRequestData)request.body();
        final String groupId = body.groupId();
        final OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        final Errors refusal = access.groupRefusal(connection, AclOperation.DELETE, groupId);
        if (refusal != null)
        {
            return refused(response, refusal);
        }
        final Optional<GroupCoordinator.GroupDescription> group = groups.describe(groupId)
            .filter(known -> !known.members().isEmpty());
        if (group.isEmpty() && !offsets.groups().contains(groupId))
        {
            return refused(response, Errors.GROUP_ID_NOT_FOUND);
        }
        if (group.isPresent() && !CONSUMER_PROTOCOL.equals(group.get().protocolType()))
        {
            return refused(response, Errors.NON_EMPTY_GROUP);
        }
        final Set<String> subscribed = group.map(OffsetDeleteApi::subscriptions).orElse(Set.of());
        final boolean everyTopic = subscribed == null;
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final OffsetDeleteRequestData.OffsetDeleteRequestTopic topicRequest : body.topics())
        {
            final String name = topicRequest.name();
            OffsetDeleteResponseData.OffsetDeleteResponseTopic topicResponse = response.topics().find(name);
            if (topicResponse == null)
            {
                topicResponse = new OffsetDeleteResponseData.OffsetDeleteResponseTopic().setName(name);
                response.topics().add(topicResponse);
            }
            final boolean authorized = access.topic(connection, AclOperation.READ, name);
            final Optional<TopicInfo> topic = authorized ? metadata.topic(name) : Optional.empty();
            for (final OffsetDeleteRequestData.OffsetDeleteRequestPartition partition : topicRequest.partitions())
            {
                final int index = partition.partitionIndex();
                if (topicResponse.partitions().find(index) != null)
                {
                    continue;
                }
                final OffsetDeleteResponseData.OffsetDeleteResponsePartition answer =
                    new OffsetDeleteResponseData.OffsetDeleteResponsePartition().setPartitionIndex(index);
                topicResponse.partitions().add(answer);
                if (!authorized)
                {
                    answer.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                }
                else if (topic.isEmpty() || index < 0 || index >= topic.get().partitions())
                {
                    answer.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                }
                else if (everyTopic || subscribed.contains(name))
                {
                    answer.setErrorCode(Errors.GROUP_SUBSCRIBED_TO_TOPIC.code());
                }
                else
                {
                    pending.add(offsets.delete(groupId, topic.get().id(), index).handle((done, failure) ->
                    {
                        answer.setErrorCode(failure == null ? Errors.NONE.code() : error(failure));
                        return null;
                    }));
                }
            }
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response.setErrorCode(Errors.NONE.code()), connection.eventLoop());
    }

    private static CompletionStage<ApiMessage> refused(final OffsetDeleteResponseData response, final Errors error)
    {
        return CompletableFuture.completedFuture(response.setErrorCode(error.code()));
    }

    /**
     * @return the topics the group's members subscribe to, or null if some member's subscription
     * cannot be read.
     */
    private static Set<String> subscriptions(final GroupCoordinator.GroupDescription group)
    {
        if (group.protocolName().isEmpty())
        {
            return null;
        }
        final Set<String> topics = new HashSet<>();
        for (final GroupCoordinator.MemberDescription member : group.members())
        {
            final ByteBuffer buffer = ByteBuffer.wrap(member.metadata());
            try
            {
                // The consumer protocol's header: its version. A newer version is read as the newest
                // known one, as Kafka's consumers agree (fields are only ever added at the end).
                final short version = (short)Math.min(buffer.getShort(),
                    ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION);
                if (version < ConsumerProtocolSubscription.LOWEST_SUPPORTED_VERSION)
                {
                    return null;
                }
                topics.addAll(new ConsumerProtocolSubscription(new ByteBufferAccessor(buffer), version).topics());
            }
            catch (final RuntimeException unreadable)
            {
                return null;
            }
        }
        return topics;
    }

    private static short error(final Throwable failure)
    {
        final Throwable cause = Failures.cause(failure);
        if (cause instanceof GroupOffsets.Refused refused && refused.result() == Cursor.BACK_PRESSURED)
        {
            return Errors.REQUEST_TIMED_OUT.code();
        }
        // As Kafka's coordinator answers a failed write.
        return Errors.COORDINATOR_NOT_AVAILABLE.code();
    }
}
