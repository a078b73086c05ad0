package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * FindCoordinator: every group's coordinator is the node asked (a node coordinates the groups its
 * clients name; clusters are a later step, see the Kafka documentation page). Transaction
 * coordinators do not exist yet: asked for one, the broker answers
 * TRANSACTIONAL_ID_AUTHORIZATION_FAILED with a message saying so.
 */
public final class FindCoordinatorApi implements KafkaApi
{
    private static final byte GROUP = 0;
    private final Brokers brokers;

    public FindCoordinatorApi(final Brokers brokers)
    {
        this.brokers = brokers;
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final FindCoordinatorRequestData body = (FindCoordinatorRequestData)request.body();
        final FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        final boolean group = body.keyType() == GROUP;
        final int nodeId = brokers.self().nodeId();
        final String host = brokers.host(connection);
        final int port = connection.localAddress().getPort();
        final Errors error = group ? Errors.NONE : Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        final String message = group ? null : "transactions are not supported by this broker yet";
        if (request.version() >= 4)
        {
            for (final String key : body.coordinatorKeys())
            {
                response.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                    .setNodeId(group ? nodeId : -1).setHost(group ? host : "").setPort(group ? port : -1)
                    .setErrorCode(error.code()).setErrorMessage(message));
            }
            return CompletableFuture.completedFuture(response);
        }
        return CompletableFuture.completedFuture(response.setErrorCode(error.code())
            .setErrorMessage(request.version() >= 1 ? message : null)
            .setNodeId(group ? nodeId : -1).setHost(group ? host : "").setPort(group ? port : -1));
    }
}
