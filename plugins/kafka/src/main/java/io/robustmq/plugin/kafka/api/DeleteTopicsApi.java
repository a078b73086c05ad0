package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DeleteTopics: topics, by name or (version 6) by id, deleted from the cluster's metadata. Their
 * records become unreachable at once (a topic created again under the name is another topic, with
 * another id); the shards' files stay on disk for now (see the storage documentation).
 */
public final class DeleteTopicsApi implements KafkaApi
{
    private final Metadata metadata;
    private final Access access;

    public DeleteTopicsApi(final Metadata metadata)
    {
        this.metadata = metadata;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DeleteTopicsRequestData body = (DeleteTopicsRequestData)request.body();
        final DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        final List<DeleteTopicsRequestData.DeleteTopicState> wanted = new ArrayList<>();
        if (request.version() >= 6)
        {
            wanted.addAll(body.topics());
        }
        else
        {
            for (final String name : body.topicNames())
            {
                wanted.add(new DeleteTopicsRequestData.DeleteTopicState().setName(name));
            }
        }
        for (final DeleteTopicsRequestData.DeleteTopicState one : wanted)
        {
            final boolean byId = one.name() == null;
            final Optional<TopicInfo> topic = byId ? Topics.byId(metadata, one.topicId()) : metadata.topic(one.name());
            final DeleteTopicsResponseData.DeletableTopicResult result = new DeleteTopicsResponseData.DeletableTopicResult()
                .setName(topic.map(TopicInfo::name).orElse(one.name()))
                .setTopicId(topic.map(Topics::kafkaId).orElse(byId ? one.topicId() : Uuid.ZERO_UUID));
            response.responses().add(result);
            if (topic.isPresent() && !access.topic(connection, io.robustmq.plugin.api.metadata.AclOperation.DELETE, topic.get().name()))
            {
                result.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
                continue;
            }
            if (topic.isEmpty())
            {
                result.setErrorCode(byId ? Errors.UNKNOWN_TOPIC_ID.code() : Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                continue;
            }
            pending.add(metadata.deleteTopic(topic.get().name()).toCompletableFuture().handle((done, failure) ->
            {
                final Throwable cause = Failures.cause(failure);
                if (failure == null)
                {
                    result.setErrorCode(Errors.NONE.code());
                }
                else if (cause instanceof MetadataException refused &&
                    refused.reason() == MetadataException.Reason.NOT_FOUND)
                {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                }
                else
                {
                    result.setErrorCode(Errors.REQUEST_TIMED_OUT.code()).setErrorMessage(String.valueOf(cause));
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }
}
