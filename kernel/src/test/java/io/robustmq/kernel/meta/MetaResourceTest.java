package io.robustmq.kernel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Meta Service's admin API on a node started in the test: topics created, read and deleted
 * through the one-member cluster, the cluster and its nodes reported, bad requests refused naming
 * the field.
 */
class MetaResourceTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    private static HttpResponse<String> send(final TestNode node, final String method, final String path, final String body)
        throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void topicsAreCreatedReadAndDeletedThroughTheCluster() throws Exception
    {
        try (TestNode node = TestNode.start(temp, ""))
        {
            final HttpResponse<String> created = send(node, "POST", "/v1/topics",
                "{\"name\": \"sensors/1/temp\", \"partitions\": 4, \"durability\": \"always\", \"retention_ms\": 60000}");
            assertEquals(201, created.statusCode(), created.body());
            final JsonNode topic = JSON.readTree(created.body());
            assertEquals("sensors/1/temp", topic.get("name").asText());
            assertEquals(4, topic.get("partitions").asInt());
            assertEquals("always", topic.get("durability").asText());
            assertEquals(60000, topic.get("retention_ms").asLong());
            assertEquals(36, topic.get("id").asText().length(), "a UUID");

            assertEquals(409, send(node, "POST", "/v1/topics", "{\"name\": \"sensors/1/temp\"}").statusCode());
            assertEquals(201, send(node, "POST", "/v1/topics", "{\"name\": \"orders\"}").statusCode());

            final JsonNode listed = JSON.readTree(send(node, "GET", "/v1/topics", null).body()).get("topics");
            assertEquals(2, listed.size());
            assertEquals("orders", listed.get(0).get("name").asText());
            assertEquals(1, listed.get(0).get("partitions").asInt(), "partitions default to 1");

            final HttpResponse<String> one = send(node, "GET", "/v1/topics/sensors%2F1%2Ftemp", null);
            assertEquals(200, one.statusCode(), one.body());
            assertEquals(topic.get("id").asText(), JSON.readTree(one.body()).get("id").asText());

            assertEquals(204, send(node, "DELETE", "/v1/topics/sensors%2F1%2Ftemp", null).statusCode());
            assertEquals(404, send(node, "DELETE", "/v1/topics/sensors%2F1%2Ftemp", null).statusCode());
            assertEquals(404, send(node, "GET", "/v1/topics/sensors%2F1%2Ftemp", null).statusCode());
            assertTrue(node.get("/v1/node").body().contains("1 topics"), "the meta-service component reports it");
        }
    }

    @Test
    void badTopicRequestsNameTheField() throws Exception
    {
        try (TestNode node = TestNode.start(temp, ""))
        {
            assertBad(node, "{\"name\": \"x\", \"partitionz\": 1}", "unknown field 'partitionz'");
            assertBad(node, "{\"partitions\": 1}", "field 'name' is required");
            assertBad(node, "{\"name\": \"x\", \"partitions\": 0}", "field 'partitions' must be an integer");
            assertBad(node, "{\"name\": \"x\", \"durability\": \"sometimes\"}", "field 'durability' must be one of");
            assertBad(node, "{\"name\": \"x\", \"storage\": 3}", "field 'storage' must be one of");
            assertBad(node, "[1, 2]", "the body must be a JSON object");
            assertBad(node, "{not json", "the body is not JSON");
            assertEquals(0, JSON.readTree(send(node, "GET", "/v1/topics", null).body()).get("topics").size());
        }
    }

    private static void assertBad(final TestNode node, final String body, final String message) throws Exception
    {
        final HttpResponse<String> response = send(node, "POST", "/v1/topics", body);
        assertEquals(400, response.statusCode(), body);
        assertTrue(JSON.readTree(response.body()).get("error").asText().contains(message), response.body());
    }

    @Test
    void runsTheMetaServiceWithTheIdleStrategyConfigured() throws Exception
    {
        try (TestNode node = TestNode.start(temp, "meta.idle_strategy = \"sleeping:500us\"\n"))
        {
            assertEquals(201, send(node, "POST", "/v1/topics", "{\"name\": \"sleepy\"}").statusCode());
            final String detail = node.node().status().component("meta-service").detail();
            assertTrue(detail.contains("; idle strategy sleeping:500us; "), detail);
        }
    }

    @Test
    void snapshotsOnItsIntervalAndRestartsFromTheSnapshot() throws Exception
    {
        final String config = "meta.snapshot_interval_ms = 100\n";
        try (TestNode node = TestNode.start(temp, config))
        {
            assertEquals(201, send(node, "POST", "/v1/topics", "{\"name\": \"kept\"}").statusCode());
            io.robustmq.kernel.support.Clients.await("a snapshot after the topic", 30_000, () ->
            {
                final String detail = node.node().status().component("meta-service").detail();
                return !detail.endsWith(" 0 snapshots since start");
            });
        }
        try (TestNode node = TestNode.start(temp, config))
        {
            final String detail = node.node().status().component("meta-service").detail();
            assertTrue(detail.contains("started from a snapshot"), detail);
            assertEquals(200, send(node, "GET", "/v1/topics/kept", null).statusCode());
        }
    }

    @Test
    void reportsTheClusterAndItsNodes() throws Exception
    {
        try (TestNode node = TestNode.start(temp, "node.id = 7\n"))
        {
            final JsonNode cluster = JSON.readTree(node.get("/v1/cluster").body());
            assertEquals(7, cluster.get("leader").asInt(), "ids are the node ids: " + cluster);
            assertTrue(cluster.get("term").asLong() >= 0);
            assertEquals(1, cluster.get("members").size());
            assertEquals(7, cluster.get("members").get(0).get("id").asInt());
            assertEquals("leader", cluster.get("members").get(0).get("role").asText());

            final JsonNode nodes = JSON.readTree(node.get("/v1/nodes").body()).get("nodes");
            assertEquals(1, nodes.size());
            assertEquals(7, nodes.get(0).get("id").asInt());
            assertEquals("up", nodes.get(0).get("state").asText());
            assertEquals(node.adminUrl(), nodes.get(0).get("address").asText());
        }
    }
}
