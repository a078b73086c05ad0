package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * SaslHandshake: PLAIN,
 * SCRAM-SHA-256 and SCRAM-SHA-512, against the cluster's users. After version 1 the exchange goes
 * in SaslAuthenticate requests; after version 0 the client sends the SASL tokens as bare frames
 * (older clients, and librdkafka's feature check, ask for version 0). On a listener without SASL,
 * or once authenticated, ILLEGAL_SASL_STATE.
 */
public final class SaslHandshakeApi implements KafkaApi
{
    /** The mechanisms offered, in Kafka's names. */
    public static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final SaslHandshakeRequestData body = (SaslHandshakeRequestData)request.body();
        final SaslHandshakeResponseData response = new SaslHandshakeResponseData()
            .setMechanisms(new ArrayList<>(MECHANISMS));
        if (!connection.saslRequired() || connection.mayProceed())
        {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.ILLEGAL_SASL_STATE.code()));
        }
        if (!MECHANISMS.contains(body.mechanism()))
        {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code()));
        }
        connection.saslMechanism(body.mechanism());
        connection.saslServer(null);
        connection.rawSaslTokens(request.version() == 0);
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
    }
}
