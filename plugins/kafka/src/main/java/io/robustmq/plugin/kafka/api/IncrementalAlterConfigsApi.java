package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * IncrementalAlterConfigs ({@code kafka-configs --alter}, Admin's {@code incrementalAlterConfigs}):
 * a topic's {@code retention.ms} and {@code retention.bytes} set, or deleted (back to the node's
 * default), the others left as they are. APPEND and SUBTRACT apply to list configs, which topics
 * here do not have: INVALID_CONFIG. See {@link TopicAlterer} for the rest.
 */
public final class IncrementalAlterConfigsApi implements KafkaApi
{
    private static final byte SET = 0;
    private static final byte DELETE = 1;

    private final TopicAlterer alterer;

    public IncrementalAlterConfigsApi(final Metadata metadata)
    {
        this.alterer = new TopicAlterer(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final IncrementalAlterConfigsRequestData body = (IncrementalAlterConfigsRequestData)request.body();
        final IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final IncrementalAlterConfigsRequestData.AlterConfigsResource resource : body.resources())
        {
            final IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse answer =
                new IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(answer);
            final List<TopicAlterer.Config> configs = new ArrayList<>();
            for (final IncrementalAlterConfigsRequestData.AlterableConfig config : resource.configs())
            {
                final byte operation = config.configOperation();
                configs.add(new TopicAlterer.Config(config.name(), operation == SET ? config.value() : null,
                    operation == SET || operation == DELETE ? null :
                        "only SET and DELETE apply to " + config.name() + " (APPEND and SUBTRACT are for lists)"));
            }
            pending.add(alterer.alter(connection, resource.resourceType(), resource.resourceName(), configs, false,
                body.validateOnly()).thenAccept(outcome -> answer.setErrorCode(outcome.error().code())
                    .setErrorMessage(outcome.message())));
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }
}
