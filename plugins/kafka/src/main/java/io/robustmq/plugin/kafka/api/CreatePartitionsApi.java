package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicChange;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * CreatePartitions: a topic grows to the count asked for; the Meta Service places the new
 * partitions as it places a new topic's (manual assignments are refused). A count that is not
 * above the topic's is INVALID_PARTITIONS, as Kafka answers: partitions are never removed.
 */
public final class CreatePartitionsApi implements KafkaApi
{
    private final Metadata metadata;
    private final Access access;

    public CreatePartitionsApi(final Metadata metadata)
    {
        this.metadata = metadata;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final CreatePartitionsRequestData body = (CreatePartitionsRequestData)request.body();
        final CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        final Set<String> seen = new HashSet<>();
        final Set<String> repeated = new HashSet<>();
        for (final CreatePartitionsRequestData.CreatePartitionsTopic topic : body.topics())
        {
            if (!seen.add(topic.name()))
            {
                repeated.add(topic.name());
            }
        }
        for (final CreatePartitionsRequestData.CreatePartitionsTopic wanted : body.topics())
        {
            final CreatePartitionsResponseData.CreatePartitionsTopicResult result =
                new CreatePartitionsResponseData.CreatePartitionsTopicResult().setName(wanted.name());
            response.results().add(result);
            final Optional<TopicInfo> topic = metadata.topic(wanted.name());
            if (repeated.contains(wanted.name()))
            {
                error(result, Errors.INVALID_REQUEST, "the topic " + wanted.name() + " is named twice");
            }
            else if (!access.topic(connection, AclOperation.ALTER, wanted.name()))
            {
                error(result, Errors.TOPIC_AUTHORIZATION_FAILED, "not allowed to alter " + wanted.name());
            }
            else if (topic.isEmpty())
            {
                error(result, Errors.UNKNOWN_TOPIC_OR_PARTITION, "no topic " + wanted.name());
            }
            else if (wanted.assignments() != null)
            {
                error(result, Errors.INVALID_REPLICA_ASSIGNMENT, "manual replica assignment is not supported; the " +
                    "Meta Service places partitions");
            }
            else if (wanted.count() == topic.get().partitions())
            {
                error(result, Errors.INVALID_PARTITIONS, "Topic already has " + wanted.count() + " partitions.");
            }
            else if (wanted.count() < topic.get().partitions())
            {
                error(result, Errors.INVALID_PARTITIONS, "Topic currently has " + topic.get().partitions() +
                    " partitions, which is higher than the requested " + wanted.count() + ".");
            }
            else if (body.validateOnly())
            {
                result.setErrorCode(Errors.NONE.code());
            }
            else
            {
                pending.add(metadata.alterTopic(TopicChange.partitions(wanted.name(), wanted.count()))
                    .toCompletableFuture().handle((altered, failure) ->
                    {
                        final TopicAlterer.Outcome outcome = failure == null ? TopicAlterer.Outcome.DONE :
                            TopicAlterer.failed(failure);
                        result.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
                        return null;
                    }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }

    private static void error(final CreatePartitionsResponseData.CreatePartitionsTopicResult result,
        final Errors error, final String message)
    {
        result.setErrorCode(error.code()).setErrorMessage(message);
    }
}
