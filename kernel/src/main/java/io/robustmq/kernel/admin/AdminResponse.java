package io.robustmq.kernel.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An admin API answer: status, content type and body.
 *
 * @param status      HTTP status.
 * @param contentType the body's media type.
 * @param body        the body's bytes.
 */
public record AdminResponse(HttpResponseStatus status, String contentType, byte[] body)
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JSON_TYPE = "application/json";

    /**
     * @param status HTTP status.
     * @param value  a tree of maps, lists and scalars, or a Jackson node.
     * @return the value as a JSON answer.
     */
    public static AdminResponse json(final HttpResponseStatus status, final Object value)
    {
        try
        {
            return new AdminResponse(status, JSON_TYPE, JSON.writeValueAsBytes(value));
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot serialise an admin response", ex);
        }
    }

    /**
     * @param status  HTTP status.
     * @param message what went wrong.
     * @return {@code {"error": message}}.
     */
    public static AdminResponse error(final HttpResponseStatus status, final String message)
    {
        return json(status, Map.of("error", message));
    }

    /**
     * @param status      HTTP status.
     * @param contentType the text's media type.
     * @param text        the body.
     * @return a text answer.
     */
    public static AdminResponse text(final HttpResponseStatus status, final String contentType, final String text)
    {
        return new AdminResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8));
    }
}
