package io.robustmq.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The admin HTTP API of one node, as the CLI calls it.
 */
final class AdminApi
{
    /**
     * An answer: its status and its JSON body (an empty object when there is none).
     */
    record Answer(int status, JsonNode body)
    {
        boolean ok()
        {
            return status >= 200 && status < 300;
        }

        String error()
        {
            return body.has("error") ? body.get("error").asText() : "HTTP " + status;
        }
    }

    /**
     * The node could not be reached.
     */
    static final class UnreachableException extends Exception
    {
        private static final long serialVersionUID = 1L;

        UnreachableException(final String message, final Throwable cause)
        {
            super(message, cause);
        }
    }

    static final ObjectMapper JSON = new ObjectMapper();

    private final String server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminApi(final String server)
    {
        this.server = server.endsWith("/") ? server.substring(0, server.length() - 1) : server;
    }

    static String segment(final String name)
    {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
    }

    Answer get(final String path) throws UnreachableException
    {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    Answer post(final String path, final Object body) throws UnreachableException
    {
        try
        {
            return send(HttpRequest.newBuilder(uri(path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    Answer delete(final String path) throws UnreachableException
    {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    Answer put(final String path, final Object body) throws UnreachableException
    {
        return send(HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    /**
     * A DELETE with a JSON body (the API's way to name an ACL rule to remove).
     */
    Answer delete(final String path, final Object body) throws UnreachableException
    {
        return send(HttpRequest.newBuilder(uri(path))
            .header("content-type", "application/json")
            .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    private static byte[] json(final Object body)
    {
        try
        {
            return JSON.writeValueAsBytes(body);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private URI uri(final String path)
    {
        return URI.create(server + path);
    }

    private Answer send(final HttpRequest.Builder request) throws UnreachableException
    {
        try
        {
            final HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
            final String body = response.body();
            return new Answer(response.statusCode(), body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body));
        }
        catch (final IOException ex)
        {
            throw new UnreachableException("cannot reach " + server + ": " + ex.getMessage(), ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", ex);
        }
    }
}
