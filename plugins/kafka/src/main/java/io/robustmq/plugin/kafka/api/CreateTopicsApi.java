package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.TopicSpec;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * CreateTopics: topics created in the cluster's metadata, with the configs {@link TopicConfigs}
 * knows. A replication factor is accepted up to the number of nodes (shard data is not copied
 * between nodes yet: the leader alone holds a partition's records); manual replica assignments are
 * refused.
 */
public final class CreateTopicsApi implements KafkaApi
{
    private final Metadata metadata;
    private final int defaultPartitions;
    private final Access access;

    public CreateTopicsApi(final Metadata metadata, final int defaultPartitions)
    {
        this.metadata = metadata;
        this.defaultPartitions = defaultPartitions;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final CreateTopicsRequestData body = (CreateTopicsRequestData)request.body();
        final CreateTopicsResponseData response = new CreateTopicsResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final CreateTopicsRequestData.CreatableTopic topic : body.topics())
        {
            final CreateTopicsResponseData.CreatableTopicResult result =
                new CreateTopicsResponseData.CreatableTopicResult().setName(topic.name());
            response.topics().add(result);
            final int partitions = topic.numPartitions() == -1 ? defaultPartitions : topic.numPartitions();
            final String invalidName = Topics.invalidName(topic.name());
            final Map<String, String> configs = new LinkedHashMap<>();
            for (final CreateTopicsRequestData.CreatableTopicConfig config : topic.configs())
            {
                configs.put(config.name(), config.value());
            }
            final TopicConfigs.Requested requested = new TopicConfigs.Requested();
            final String invalidConfig = TopicConfigs.read(configs, requested);
            final int nodes = Math.max(1, metadata.nodes().size());
            if (invalidName == null && !access.topic(connection, io.robustmq.plugin.api.metadata.AclOperation.CREATE, topic.name()))
            {
                error(result, Errors.TOPIC_AUTHORIZATION_FAILED, "not allowed to create " + topic.name());
            }
            else if (invalidName != null)
            {
                error(result, Errors.INVALID_TOPIC_EXCEPTION, invalidName);
            }
            else if (metadata.topic(topic.name()).isPresent())
            {
                error(result, Errors.TOPIC_ALREADY_EXISTS, "Topic '" + topic.name() + "' already exists.");
            }
            else if (!topic.assignments().isEmpty())
            {
                error(result, Errors.INVALID_REQUEST, "manual replica assignment is not supported; the Meta Service " +
                    "places partitions");
            }
            else if (partitions <= 0)
            {
                error(result, Errors.INVALID_PARTITIONS, "the number of partitions must be at least 1");
            }
            else if (topic.replicationFactor() != -1 && (topic.replicationFactor() < 1 ||
                topic.replicationFactor() > nodes))
            {
                error(result, Errors.INVALID_REPLICATION_FACTOR, "replication factor " + topic.replicationFactor() +
                    " with " + nodes + " nodes");
            }
            else if (invalidConfig != null)
            {
                error(result, Errors.INVALID_CONFIG, invalidConfig);
            }
            else if (body.validateOnly())
            {
                result.setErrorCode(Errors.NONE.code()).setNumPartitions(partitions)
                    .setReplicationFactor((short)Math.max(1, topic.replicationFactor()));
            }
            else
            {
                pending.add(metadata.createTopic(new TopicSpec(topic.name(), partitions, requested.storage,
                    requested.durability, requested.retentionMs, requested.retentionBytes, requested.segmentBytes)).toCompletableFuture()
                    .handle((created, failure) ->
                    {
                        if (failure == null)
                        {
                            describe(result, created, topic.replicationFactor());
                        }
                        else
                        {
                            failed(result, failure);
                        }
                        return null;
                    }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }

    private static void describe(final CreateTopicsResponseData.CreatableTopicResult result, final TopicInfo created,
        final short replicationFactor)
    {
        result.setErrorCode(Errors.NONE.code()).setTopicId(Topics.kafkaId(created))
            .setNumPartitions(created.partitions()).setReplicationFactor((short)Math.max(1, replicationFactor));
        final List<CreateTopicsResponseData.CreatableTopicConfigs> configs = new ArrayList<>();
        for (final Map.Entry<String, String> config : TopicConfigs.describe(created).entrySet())
        {
            final boolean isDefault = config.getValue().isEmpty() || "0".equals(config.getValue());
            configs.add(new CreateTopicsResponseData.CreatableTopicConfigs().setName(config.getKey())
                .setValue(config.getValue()).setReadOnly(false).setIsSensitive(false)
                .setConfigSource(isDefault ? TopicConfigs.DEFAULT_CONFIG : TopicConfigs.TOPIC_CONFIG));
        }
        result.setConfigs(configs);
    }

    private static void failed(final CreateTopicsResponseData.CreatableTopicResult result, final Throwable failure)
    {
        final Throwable cause = Failures.cause(failure);
        if (cause instanceof MetadataException refused)
        {
            switch (refused.reason())
            {
                case ALREADY_EXISTS -> error(result, Errors.TOPIC_ALREADY_EXISTS, refused.getMessage());
                case INVALID -> error(result, Errors.INVALID_CONFIG, refused.getMessage());
                default -> error(result, Errors.REQUEST_TIMED_OUT, refused.getMessage());
            }
        }
        else
        {
            error(result, Errors.REQUEST_TIMED_OUT, String.valueOf(cause));
        }
    }

    private static void error(final CreateTopicsResponseData.CreatableTopicResult result, final Errors error,
        final String message)
    {
        result.setErrorCode(error.code()).setErrorMessage(message).setConfigs(null);
    }
}
