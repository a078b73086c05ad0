package io.robustmq.kernel.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.FullHttpRequest;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Set;

/**
 * Reads the JSON bodies of the Meta Service's admin requests, refusing what is not a JSON object
 * or holds a field the request does not know, with a message that says which.
 */
final class AdminJson
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminJson()
    {
    }

    /**
     * @param request a request with a JSON body.
     * @param fields  the fields it may hold.
     * @return the body's object.
     * @throws IllegalArgumentException if it is not JSON, not an object, or holds an unknown field.
     */
    static JsonNode object(final FullHttpRequest request, final Set<String> fields)
    {
        return object(request.content().toString(StandardCharsets.UTF_8), fields);
    }

    /**
     * @param body   a JSON text.
     * @param fields the fields it may hold.
     * @return the body's object.
     * @throws IllegalArgumentException if it is not JSON, not an object, or holds an unknown field.
     */
    static JsonNode object(final String body, final Set<String> fields)
    {
        final JsonNode root;
        try
        {
            root = JSON.readTree(body);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("the body is not JSON: " + ex.getOriginalMessage());
        }
        if (root == null || !root.isObject())
        {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        for (final Iterator<String> names = root.fieldNames(); names.hasNext(); )
        {
            final String field = names.next();
            if (!fields.contains(field))
            {
                throw new IllegalArgumentException("unknown field '" + field + "'");
            }
        }
        return root;
    }

    /**
     * @param root    a request's object.
     * @param field   a field that must be a string.
     * @param allowed the values it may take.
     * @return the value.
     * @throws IllegalArgumentException if the field is missing or holds another value.
     */
    static String required(final JsonNode root, final String field, final Set<String> allowed)
    {
        final JsonNode value = root.get(field);
        if (value == null || !value.isTextual() || !allowed.contains(value.asText()))
        {
            throw new IllegalArgumentException("field '" + field + "' is required, one of " +
                new java.util.TreeSet<>(allowed));
        }
        return value.asText();
    }
}
