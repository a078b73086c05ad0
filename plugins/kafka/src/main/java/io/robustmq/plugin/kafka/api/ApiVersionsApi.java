package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import io.robustmq.plugin.kafka.protocol.SupportedApis;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * ApiVersions: exactly the APIs and versions the broker implements.
 */
public final class ApiVersionsApi implements KafkaApi
{
    private final SupportedApis apis;

    public ApiVersionsApi(final SupportedApis apis)
    {
        this.apis = apis;
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        return CompletableFuture.completedFuture(response(Errors.NONE));
    }

    /**
     * @param error the response's error: NONE, or UNSUPPORTED_VERSION for a client that asked with a
     *              version of ApiVersions the broker does not know (it is answered in version 0, and
     *              asks again with one listed).
     * @return the response.
     */
    public ApiVersionsResponseData response(final Errors error)
    {
        return new ApiVersionsResponseData().setErrorCode(error.code()).setApiKeys(apis.asApiVersions());
    }
}
