package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DescribeConfigs: a topic's settings under Kafka's names ({@link TopicConfigs}), and this
 * broker's Kafka settings (read-only: they come from the node's configuration file). Other resource
 * types get INVALID_REQUEST.
 */
public final class DescribeConfigsApi implements KafkaApi
{
    private static final byte TOPIC = 2;
    private static final byte BROKER = 4;
    /** Kafka's config source for settings from the broker's configuration file. */
    private static final byte STATIC_BROKER_CONFIG = 4;

    private final Metadata metadata;
    private final int nodeId;
    private final Map<String, String> brokerConfigs;

    /**
     * @param brokerConfigs this broker's settings under Kafka's names.
     */
    public DescribeConfigsApi(final Metadata metadata, final int nodeId, final Map<String, String> brokerConfigs)
    {
        this.metadata = metadata;
        this.nodeId = nodeId;
        this.brokerConfigs = brokerConfigs;
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DescribeConfigsRequestData body = (DescribeConfigsRequestData)request.body();
        final DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (final DescribeConfigsRequestData.DescribeConfigsResource resource : body.resources())
        {
            final DescribeConfigsResponseData.DescribeConfigsResult result = new DescribeConfigsResponseData.DescribeConfigsResult()
                .setResourceType(resource.resourceType()).setResourceName(resource.resourceName())
                .setErrorCode(Errors.NONE.code());
            response.results().add(result);
            if (resource.resourceType() == TOPIC)
            {
                final Optional<TopicInfo> topic = metadata.topic(resource.resourceName());
                if (topic.isEmpty())
                {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code())
                        .setErrorMessage("Topic " + resource.resourceName() + " does not exist");
                    continue;
                }
                for (final Map.Entry<String, String> config : TopicConfigs.describe(topic.get()).entrySet())
                {
                    final boolean isDefault = config.getValue().isEmpty() || "0".equals(config.getValue());
                    add(result, resource.configurationKeys(), config.getKey(), config.getValue(), false,
                        isDefault ? TopicConfigs.DEFAULT_CONFIG : TopicConfigs.TOPIC_CONFIG);
                }
            }
            else if (resource.resourceType() == BROKER)
            {
                if (!resource.resourceName().isEmpty() && !resource.resourceName().equals(Integer.toString(nodeId)))
                {
                    result.setErrorCode(Errors.INVALID_REQUEST.code())
                        .setErrorMessage("this is broker " + nodeId + "; ask broker " + resource.resourceName());
                    continue;
                }
                for (final Map.Entry<String, String> config : brokerConfigs.entrySet())
                {
                    add(result, resource.configurationKeys(), config.getKey(), config.getValue(), true,
                        STATIC_BROKER_CONFIG);
                }
            }
            else
            {
                result.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage("configs of resource type " + resource.resourceType() + " are not supported");
            }
        }
        return CompletableFuture.completedFuture(response);
    }

    private static void add(final DescribeConfigsResponseData.DescribeConfigsResult result, final List<String> keys,
        final String name, final String value, final boolean readOnly, final byte source)
    {
        if (keys == null || keys.isEmpty() || keys.contains(name))
        {
            result.configs().add(new DescribeConfigsResponseData.DescribeConfigsResourceResult().setName(name)
                .setValue(value).setReadOnly(readOnly).setConfigSource(source).setIsSensitive(false));
        }
    }
}
