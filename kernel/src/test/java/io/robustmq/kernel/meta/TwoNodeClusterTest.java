package io.robustmq.kernel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Two nodes in this JVM forming one Meta Service cluster through {@code meta.addrs}: a topic created
 * on either node is answered with the full topic and seen by both.
 */
@Timeout(120)
class TwoNodeClusterTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void aTopicCreatedOnEitherNodeIsSeenByBoth() throws Exception
    {
        final int first = TestNode.freeMetaPorts();
        int second;
        do
        {
            second = TestNode.freeMetaPorts();
        }
        while (Math.abs(second - first) < 5);
        final String addrs = "meta.addrs = [\"1=localhost:%d\", \"2=localhost:%d\"]\n".formatted(first, second);
        final int secondPort = second;
        final CompletableFuture<TestNode> one = CompletableFuture.supplyAsync(() -> start(temp.resolve("one"),
            "node.id = 1\n" + addrs + "meta.port = " + first + "\n"));
        final CompletableFuture<TestNode> two = CompletableFuture.supplyAsync(() -> start(temp.resolve("two"),
            "node.id = 2\n" + addrs + "meta.port = " + secondPort + "\n"));
        try (TestNode a = one.get(90, TimeUnit.SECONDS); TestNode b = two.get(90, TimeUnit.SECONDS))
        {
            final HttpClient http = HttpClient.newHttpClient();
            for (final TestNode node : new TestNode[]{a, b})
            {
                final String name = "from-" + node.node().status().nodeId();
                final HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/v1/topics"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\", \"partitions\": 2}")).build(),
                    HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());
                assertEquals(2, JSON.readTree(created.body()).get("partitions").asInt(), "the full topic: " + created.body());
            }
            for (final TestNode node : new TestNode[]{a, b})
            {
                io.robustmq.kernel.support.Clients.await("both topics on node " + node.node().status().nodeId(), 30_000, () ->
                {
                    try
                    {
                        return JSON.readTree(node.get("/v1/topics").body()).get("topics").size() == 2;
                    }
                    catch (final Exception ex)
                    {
                        return false;
                    }
                });
            }
            final JsonNode cluster = JSON.readTree(a.get("/v1/cluster").body());
            assertEquals(2, cluster.get("members").size(), cluster.toString());
        }
    }

    private static TestNode start(final Path dir, final String toml)
    {
        try
        {
            java.nio.file.Files.createDirectories(dir);
            final Path config = TestNode.writeConfig(dir, toml);
            final String text = java.nio.file.Files.readString(config);
            java.nio.file.Files.writeString(config, text.replaceFirst("meta\\.port = \\d+\\n", ""));
            return TestNode.startWith(config);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
