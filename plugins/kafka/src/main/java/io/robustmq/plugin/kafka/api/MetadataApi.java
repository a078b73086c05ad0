package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.ShardInfo;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.TopicSpec;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Metadata: the brokers, and each topic asked for (every topic if none is named) with its
 * partitions' leaders. A topic that does not exist is created first when the plugin's
 * {@code auto_create_topics} and the client's request allow it, as Kafka's brokers do.
 */
public final class MetadataApi implements KafkaApi
{
    private final Metadata metadata;
    private final Brokers brokers;
    private final boolean autoCreateTopics;
    private final int defaultPartitions;
    private final String clusterId;
    private final Access access;

    /**
     * @param metadata          the cluster's metadata.
     * @param brokers           where clients reach the nodes.
     * @param autoCreateTopics  whether a missing topic may be created.
     * @param defaultPartitions a created topic's partitions.
     * @param clusterId         told to clients.
     */
    public MetadataApi(final Metadata metadata, final Brokers brokers, final boolean autoCreateTopics,
        final int defaultPartitions, final String clusterId)
    {
        this.metadata = metadata;
        this.brokers = brokers;
        this.autoCreateTopics = autoCreateTopics;
        this.defaultPartitions = defaultPartitions;
        this.clusterId = clusterId;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final MetadataRequestData body = (MetadataRequestData)request.body();
        final boolean all = body.topics() == null || request.version() == 0 && body.topics().isEmpty();
        final List<CompletableFuture<MetadataResponseData.MetadataResponseTopic>> answers = new ArrayList<>();
        if (all)
        {
            for (final TopicInfo topic : metadata.topics())
            {
                if (access.topic(connection, AclOperation.DESCRIBE, topic.name()))
                {
                    answers.add(CompletableFuture.completedFuture(describe(topic)));
                }
            }
        }
        else
        {
            final boolean mayCreate = autoCreateTopics && body.allowAutoTopicCreation();
            for (final MetadataRequestData.MetadataRequestTopic wanted : body.topics())
            {
                answers.add(answer(wanted, mayCreate, connection));
            }
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0])).thenApplyAsync(done ->
        {
            final MetadataResponseData response = new MetadataResponseData()
                .setClusterId(clusterId)
                .setControllerId(brokers.selfId());
            final java.util.Set<Integer> listed = new java.util.HashSet<>();
            for (final Brokers.Broker broker : brokers.describe(connection))
            {
                response.brokers().add(new MetadataResponseData.MetadataResponseBroker()
                    .setNodeId(broker.nodeId()).setHost(broker.host()).setPort(broker.port()));
                listed.add(broker.nodeId());
            }
            for (final CompletableFuture<MetadataResponseData.MetadataResponseTopic> answer : answers)
            {
                response.topics().add(withReachableLeaders(answer.join(), listed));
            }
            return response;
        }, connection.eventLoop());
    }

    /**
     * A partition whose leader is not among the brokers listed (down since, or not yet advertising
     * this listener) has no leader a client can reach: LEADER_NOT_AVAILABLE, so it asks again.
     */
    private static MetadataResponseData.MetadataResponseTopic withReachableLeaders(
        final MetadataResponseData.MetadataResponseTopic topic, final java.util.Set<Integer> listed)
    {
        for (final MetadataResponseData.MetadataResponsePartition partition : topic.partitions())
        {
            if (partition.leaderId() >= 0 && !listed.contains(partition.leaderId()))
            {
                partition.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code()).setLeaderId(-1);
            }
        }
        return topic;
    }

    private CompletableFuture<MetadataResponseData.MetadataResponseTopic> answer(
        final MetadataRequestData.MetadataRequestTopic wanted, final boolean mayCreate,
        final ClientConnection connection)
    {
        if (wanted.name() == null)
        {
            final Optional<TopicInfo> topic = Topics.byId(metadata, wanted.topicId());
            if (topic.isPresent() && !access.topic(connection, AclOperation.DESCRIBE, topic.get().name()))
            {
                return CompletableFuture.completedFuture(error(null, wanted.topicId(),
                    Errors.TOPIC_AUTHORIZATION_FAILED));
            }
            return CompletableFuture.completedFuture(topic.map(this::describe).orElseGet(() ->
                error(null, wanted.topicId(), Errors.UNKNOWN_TOPIC_ID)));
        }
        final String name = wanted.name();
        if (!access.topic(connection, AclOperation.DESCRIBE, name))
        {
            return CompletableFuture.completedFuture(error(name, Uuid.ZERO_UUID, Errors.TOPIC_AUTHORIZATION_FAILED));
        }
        final Optional<TopicInfo> topic = metadata.topic(name);
        if (topic.isPresent())
        {
            return CompletableFuture.completedFuture(describe(topic.get()));
        }
        if (Topics.invalidName(name) != null)
        {
            return CompletableFuture.completedFuture(error(name, Uuid.ZERO_UUID, Errors.INVALID_TOPIC_EXCEPTION));
        }
        if (!mayCreate || !access.topic(connection, AclOperation.CREATE, name))
        {
            return CompletableFuture.completedFuture(error(name, Uuid.ZERO_UUID, Errors.UNKNOWN_TOPIC_OR_PARTITION));
        }
        return metadata.createTopic(TopicSpec.of(name, defaultPartitions)).toCompletableFuture()
            .handle((created, failure) ->
            {
                // Created, or created meanwhile by someone else: describe what is there now.
                final Optional<TopicInfo> now = metadata.topic(name);
                return now.map(this::describe).orElseGet(() -> error(name, Uuid.ZERO_UUID,
                    Errors.LEADER_NOT_AVAILABLE));
            });
    }

    private MetadataResponseData.MetadataResponseTopic describe(final TopicInfo topic)
    {
        final MetadataResponseData.MetadataResponseTopic answer = new MetadataResponseData.MetadataResponseTopic()
            .setName(topic.name())
            .setTopicId(Topics.kafkaId(topic))
            .setErrorCode(Errors.NONE.code());
        for (int partition = 0; partition < topic.partitions(); partition++)
        {
            final Optional<ShardInfo> shard = metadata.shard(topic.name(), partition);
            final MetadataResponseData.MetadataResponsePartition described =
                new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(partition);
            if (shard.isEmpty() || shard.get().leader() == ShardInfo.NO_LEADER)
            {
                described.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code()).setLeaderId(-1);
            }
            else
            {
                final ShardInfo info = shard.get();
                described.setErrorCode(Errors.NONE.code())
                    .setLeaderId(info.leader())
                    .setLeaderEpoch((int)info.epoch())
                    .setReplicaNodes(new ArrayList<>(info.replicas()))
                    // Shard data is not replicated yet: the leader alone is in sync.
                    .setIsrNodes(new ArrayList<>(List.of(info.leader())));
            }
            answer.partitions().add(described);
        }
        return answer;
    }

    private static MetadataResponseData.MetadataResponseTopic error(final String name, final Uuid id,
        final Errors error)
    {
        return new MetadataResponseData.MetadataResponseTopic().setName(name).setTopicId(id)
            .setErrorCode(error.code());
    }
}
