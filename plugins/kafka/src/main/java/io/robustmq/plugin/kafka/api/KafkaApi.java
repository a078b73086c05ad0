package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.protocol.ApiMessage;

import java.util.concurrent.CompletionStage;

/**
 * The handler of one API.
 */
@FunctionalInterface
public interface KafkaApi
{
    /**
     * Answer a request. Called on the connection's event loop; must not block.
     *
     * @param request    the request.
     * @param connection who asked.
     * @return completes with the response's body, or with null when the request gets no response
     * (Produce with acks 0). Errors are the response's own error codes; completing exceptionally
     * closes the connection.
     */
    CompletionStage<ApiMessage> handle(KafkaRequest request, ClientConnection connection);
}
