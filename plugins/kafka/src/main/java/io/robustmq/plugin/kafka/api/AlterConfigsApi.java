package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * AlterConfigs, the older whole-set form: the configs named are set, and a retention limit not
 * named goes back to the node's default, as Kafka's brokers replace a topic's whole set. See
 * {@link TopicAlterer} for the rest.
 */
public final class AlterConfigsApi implements KafkaApi
{
    private final TopicAlterer alterer;

    public AlterConfigsApi(final Metadata metadata)
    {
        this.alterer = new TopicAlterer(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final AlterConfigsRequestData body = (AlterConfigsRequestData)request.body();
        final AlterConfigsResponseData response = new AlterConfigsResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final AlterConfigsRequestData.AlterConfigsResource resource : body.resources())
        {
            final AlterConfigsResponseData.AlterConfigsResourceResponse answer =
                new AlterConfigsResponseData.AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            response.responses().add(answer);
            final List<TopicAlterer.Config> configs = new ArrayList<>();
            for (final AlterConfigsRequestData.AlterableConfig config : resource.configs())
            {
                configs.add(new TopicAlterer.Config(config.name(), config.value(), null));
            }
            pending.add(alterer.alter(connection, resource.resourceType(), resource.resourceName(), configs, true,
                body.validateOnly()).thenAccept(outcome -> answer.setErrorCode(outcome.error().code())
                    .setErrorMessage(outcome.message())));
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }
}
