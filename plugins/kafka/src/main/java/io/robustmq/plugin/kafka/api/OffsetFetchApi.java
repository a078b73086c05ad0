package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.kafka.group.GroupOffsets;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * OffsetFetch: a group's committed offsets, for the partitions named or for every partition it
 * committed (topics null); a partition with none gets offset -1. Versions 8 and later ask for
 * several groups at once.
 */
public final class OffsetFetchApi implements KafkaApi
{
    private final Metadata metadata;
    private final GroupOffsets offsets;
    private final Access access;

    public OffsetFetchApi(final Metadata metadata, final Brokers brokers, final GroupOffsets offsets)
    {
        this.metadata = metadata;
        this.offsets = offsets;
        this.access = new Access(metadata, brokers);
    }

    /**
     * One partition's answer, whichever version's classes carry it.
     */
    private record Answer(int partition, long offset, int leaderEpoch, String metadata, short error)
    {
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final OffsetFetchRequestData body = (OffsetFetchRequestData)request.body();
        final OffsetFetchResponseData response = new OffsetFetchResponseData();
        if (request.version() < 8)
        {
            final Errors refused =
                access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.READ, body.groupId());
            if (refused != null)
            {
                final short refusal = refused.code();
                // Version 1 has no top-level error: each partition asked for carries it.
                if (body.topics() != null)
                {
                    for (final OffsetFetchRequestData.OffsetFetchRequestTopic topic : body.topics())
                    {
                        final OffsetFetchResponseData.OffsetFetchResponseTopic denied =
                            new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(topic.name());
                        for (final int partition : topic.partitionIndexes())
                        {
                            denied.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                                .setPartitionIndex(partition).setCommittedOffset(-1).setMetadata("")
                                .setErrorCode(refusal));
                        }
                        response.topics().add(denied);
                    }
                }
                return CompletableFuture.completedFuture(response.setErrorCode(refusal));
            }
            final Map<String, List<Integer>> wanted = body.topics() == null ? null : new LinkedHashMap<>();
            if (wanted != null)
            {
                for (final OffsetFetchRequestData.OffsetFetchRequestTopic topic : body.topics())
                {
                    wanted.put(topic.name(), topic.partitionIndexes());
                }
            }
            for (final Map.Entry<String, List<Answer>> topic : answers(body.groupId(), wanted).entrySet())
            {
                final OffsetFetchResponseData.OffsetFetchResponseTopic topicResponse =
                    new OffsetFetchResponseData.OffsetFetchResponseTopic().setName(topic.getKey());
                for (final Answer answer : topic.getValue())
                {
                    topicResponse.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartition()
                        .setPartitionIndex(answer.partition()).setCommittedOffset(answer.offset())
                        .setCommittedLeaderEpoch(answer.leaderEpoch()).setMetadata(answer.metadata())
                        .setErrorCode(answer.error()));
                }
                response.topics().add(topicResponse);
            }
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
        }
        final boolean byId = request.version() >= 10;
        for (final OffsetFetchRequestData.OffsetFetchRequestGroup group : body.groups())
        {
            final OffsetFetchResponseData.OffsetFetchResponseGroup groupResponse =
                new OffsetFetchResponseData.OffsetFetchResponseGroup().setGroupId(group.groupId());
            final Errors refusal =
                access.groupRefusal(connection, io.robustmq.plugin.api.metadata.AclOperation.READ, group.groupId());
            if (refusal != null)
            {
                response.groups().add(groupResponse.setErrorCode(refusal.code()));
                continue;
            }
            Map<String, List<Integer>> wanted = null;
            final Map<String, Uuid> ids = new LinkedHashMap<>();
            final List<Uuid> unknownIds = new ArrayList<>();
            if (group.topics() != null)
            {
                wanted = new LinkedHashMap<>();
                for (final OffsetFetchRequestData.OffsetFetchRequestTopics topic : group.topics())
                {
                    if (byId)
                    {
                        final Optional<TopicInfo> known = Topics.byId(metadata, topic.topicId());
                        if (known.isEmpty())
                        {
                            unknownIds.add(topic.topicId());
                            continue;
                        }
                        ids.put(known.get().name(), topic.topicId());
                        wanted.put(known.get().name(), topic.partitionIndexes());
                    }
                    else
                    {
                        wanted.put(topic.name(), topic.partitionIndexes());
                    }
                }
            }
            for (final Map.Entry<String, List<Answer>> topic : answers(group.groupId(), wanted).entrySet())
            {
                final Uuid id = ids.containsKey(topic.getKey()) ? ids.get(topic.getKey()) :
                    metadata.topic(topic.getKey()).map(Topics::kafkaId).orElse(Uuid.ZERO_UUID);
                final OffsetFetchResponseData.OffsetFetchResponseTopics topicResponse =
                    new OffsetFetchResponseData.OffsetFetchResponseTopics().setName(byId ? "" : topic.getKey())
                        .setTopicId(byId ? id : Uuid.ZERO_UUID);
                for (final Answer answer : topic.getValue())
                {
                    topicResponse.partitions().add(new OffsetFetchResponseData.OffsetFetchResponsePartitions()
                        .setPartitionIndex(answer.partition()).setCommittedOffset(answer.offset())
                        .setCommittedLeaderEpoch(answer.leaderEpoch()).setMetadata(answer.metadata())
                        .setErrorCode(answer.error()));
                }
                groupResponse.topics().add(topicResponse);
            }
            for (final Uuid unknown : unknownIds)
            {
                groupResponse.topics().add(new OffsetFetchResponseData.OffsetFetchResponseTopics().setTopicId(unknown)
                    .setName(""));
            }
            response.groups().add(groupResponse.setErrorCode(Errors.NONE.code()));
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * @param wanted partitions by topic name, or null for every partition the group committed.
     * @return each topic's answers, in the order asked.
     */
    private Map<String, List<Answer>> answers(final String groupId, final Map<String, List<Integer>> wanted)
    {
        final Map<String, List<Answer>> answers = new LinkedHashMap<>();
        if (wanted == null)
        {
            for (final GroupOffsets.PartitionOffset committed : offsets.all(groupId))
            {
                final Optional<TopicInfo> topic = byUuid(committed.topicId());
                topic.ifPresent(info -> answers.computeIfAbsent(info.name(), name -> new ArrayList<>()).add(
                    new Answer(committed.partition(), committed.committed().offset(),
                        committed.committed().leaderEpoch(), committed.committed().metadata(), Errors.NONE.code())));
            }
            return answers;
        }
        for (final Map.Entry<String, List<Integer>> topic : wanted.entrySet())
        {
            final Optional<TopicInfo> info = metadata.topic(topic.getKey());
            final List<Answer> list = new ArrayList<>();
            for (final int partition : topic.getValue())
            {
                final Optional<GroupOffsets.Committed> committed = info.flatMap(known ->
                    offsets.committed(groupId, known.id(), partition));
                list.add(committed.map(c -> new Answer(partition, c.offset(), c.leaderEpoch(), c.metadata(),
                    Errors.NONE.code())).orElseGet(() -> new Answer(partition, -1, -1, "", Errors.NONE.code())));
            }
            answers.put(topic.getKey(), list);
        }
        return answers;
    }

    private Optional<TopicInfo> byUuid(final UUID id)
    {
        return Topics.byId(metadata, new Uuid(id.getMostSignificantBits(), id.getLeastSignificantBits()));
    }
}
