package io.robustmq.plugin.kafka.protocol;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * One request, parsed: its header and its body, a generated message of kafka-clients. A body's
 * records (Produce) are views of the frame the request was read from: valid while the frame is.
 *
 * @param api           the API.
 * @param version       the API's version the client used.
 * @param correlationId echoed in the response.
 * @param clientId      the client's {@code client.id}; may be null.
 * @param body          the request's body.
 */
public record KafkaRequest(ApiKeys api, short version, int correlationId, String clientId, ApiMessage body)
{
    /**
     * @return the version of the response's header for this request.
     */
    public short responseHeaderVersion()
    {
        return api.responseHeaderVersion(version);
    }
}
