package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * FindCoordinator: a group's coordinator is the node {@link Brokers} chooses for it; while that node
 * is down (or has no listener like the one asked), COORDINATOR_NOT_AVAILABLE. Transaction
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
        if (request.version() >= 4)
        {
            for (final String key : body.coordinatorKeys())
            {
                final Answer answer = answer(body.keyType(), key, connection);
                response.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey(key)
                    .setNodeId(answer.nodeId).setHost(answer.host).setPort(answer.port)
                    .setErrorCode(answer.error.code()).setErrorMessage(answer.message));
            }
            return CompletableFuture.completedFuture(response);
        }
        final Answer answer = answer(body.keyType(), body.key(), connection);
        return CompletableFuture.completedFuture(response.setErrorCode(answer.error.code())
            .setErrorMessage(request.version() >= 1 ? answer.message : null)
            .setNodeId(answer.nodeId).setHost(answer.host).setPort(answer.port));
    }

    private record Answer(Errors error, String message, int nodeId, String host, int port)
    {
        static Answer error(final Errors error, final String message)
        {
            return new Answer(error, message, -1, "", -1);
        }
    }

    private Answer answer(final byte keyType, final String key, final ClientConnection connection)
    {
        if (keyType != GROUP)
        {
            return Answer.error(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
                "transactions are not supported by this broker yet");
        }
        final int coordinator = brokers.coordinator(key);
        return brokers.broker(coordinator, connection)
            .map(broker -> new Answer(Errors.NONE, null, broker.nodeId(), broker.host(), broker.port()))
            .orElseGet(() -> Answer.error(Errors.COORDINATOR_NOT_AVAILABLE, "the group's coordinator, node " +
                coordinator + ", is down or has no such listener"));
    }
}
