package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DescribeCluster: the cluster id and the brokers (as Metadata lists them). Asked for controller
 * endpoints, the broker answers MISMATCHED_ENDPOINT_TYPE, as a Kafka broker does.
 */
public final class DescribeClusterApi implements KafkaApi
{
    private static final byte BROKERS = 1;

    private final Brokers brokers;
    private final String clusterId;

    public DescribeClusterApi(final Brokers brokers, final String clusterId)
    {
        this.brokers = brokers;
        this.clusterId = clusterId;
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DescribeClusterRequestData body = (DescribeClusterRequestData)request.body();
        final DescribeClusterResponseData response = new DescribeClusterResponseData().setClusterId(clusterId)
            .setControllerId(brokers.selfId()).setEndpointType(body.endpointType());
        if (request.version() >= 1 && body.endpointType() != BROKERS)
        {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.MISMATCHED_ENDPOINT_TYPE.code())
                .setErrorMessage("this node serves broker endpoints only"));
        }
        response.setErrorCode(Errors.NONE.code());
        for (final Brokers.Broker broker : brokers.describe(connection))
        {
            response.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
                .setBrokerId(broker.nodeId()).setHost(broker.host()).setPort(broker.port()));
        }
        return CompletableFuture.completedFuture(response);
    }
}
