package io.robustmq.kernel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.status.ComponentState;
import io.robustmq.kernel.support.Clients;
import io.robustmq.kernel.support.EchoPluginJar;
import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NodeLifecycleTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void startsAnswersTheAdminApiAndStopsInReverseOrder() throws Exception
    {
        final TestNode node = TestNode.start(temp, "");
        final Path pidFile = temp.resolve("data/pid");
        try
        {
            final HttpResponse<String> health = node.get("/health");
            assertEquals(200, health.statusCode());
            assertEquals("ready", JSON.readTree(health.body()).get("status").asText());
            assertTrue(health.headers().firstValue("content-type").orElse("").startsWith("application/json"));

            final JsonNode info = JSON.readTree(node.get("/v1/node").body());
            assertEquals(1, info.get("id").asInt());
            assertEquals(BuildInfo.version(), info.get("version").asText());
            assertEquals(ProcessHandle.current().pid(), info.get("pid").asLong());
            assertTrue(info.get("uptime_ms").asLong() >= 0);
            assertEquals(node.adminUrl(), info.get("admin").asText());
            final List<String> components = new ArrayList<>();
            info.get("components").forEach(component ->
            {
                components.add(component.get("name").asText());
                assertEquals("ready", component.get("state").asText());
            });
            assertEquals(List.of("common-server", "meta-service", "journal", "message-broker"), components);
            assertTrue(info.get("listeners").isEmpty());
            assertTrue(info.get("plugins").isEmpty());

            final HttpResponse<String> metrics = node.get("/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
            assertTrue(metrics.body().contains("jvm_memory_used_bytes{"), "JVM metrics");
            assertTrue(metrics.body().contains("process_uptime_seconds"), "process metrics");
            assertTrue(metrics.body().contains("node=\"1\""), "node tag");

            assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(pidFile).trim());
        }
        finally
        {
            node.close();
        }
        node.node().status().components().forEach(component ->
            assertEquals(ComponentState.STOPPED, component.state(), component.name()));
        assertFalse(Files.exists(pidFile), "pid file removed on shutdown");
    }

    @Test
    void answersBadAdminRequestsWithErrorsNotDroppedConnections() throws Exception
    {
        try (TestNode node = TestNode.start(temp, "admin.max_request_bytes = 1024\n"))
        {
            final HttpResponse<String> missing = node.get("/v1/nothing");
            assertEquals(404, missing.statusCode());
            assertTrue(JSON.readTree(missing.body()).get("error").asText().contains("/v1/nothing"));

            final HttpClient http = HttpClient.newHttpClient();
            final HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/health"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(405, post.statusCode());

            final HttpResponse<String> tooLarge = http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/health"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(4096))).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, tooLarge.statusCode());

            final int port = URI.create(node.adminUrl()).getPort();
            try (Socket socket = new Socket("127.0.0.1", port))
            {
                final OutputStream out = socket.getOutputStream();
                out.write("this is not http\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                final InputStream in = socket.getInputStream();
                final String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                assertTrue(answer.startsWith("HTTP/1.") && answer.contains(" 400 "), answer);
            }
            assertEquals(200, node.get("/health").statusCode(), "still serving");
        }
    }

    @Test
    void healthNamesTheComponentStillStarting() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo.jar");
        final Path gate = temp.resolve("gate");
        final int adminPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            adminPort = free.getLocalPort();
        }
        final Path config = TestNode.writeConfig(temp, "[plugins.echo]\nstart_gate = \"" + gate + "\"\n");
        Files.writeString(config, Files.readString(config).replace("admin.port = 0", "admin.port = " + adminPort));
        final CompletableFuture<RobustNode> starting = CompletableFuture.supplyAsync(() -> RobustNode.launch(
            ServerConfig.read(ConfigSource.load(config, Map.of(), new Properties()))));
        try
        {
            final HttpClient http = HttpClient.newHttpClient();
            final HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + "/health")).build();
            final AtomicReference<HttpResponse<String>> answer = new AtomicReference<>();
            Clients.await("the admin API to name the broker, held at its start", 30_000, () ->
            {
                try
                {
                    answer.set(http.send(health, HttpResponse.BodyHandlers.ofString()));
                    return answer.get().body().contains("message-broker");
                }
                catch (final Exception notYetBound)
                {
                    return false;
                }
            });
            assertEquals(503, answer.get().statusCode());
            final JsonNode body = JSON.readTree(answer.get().body());
            assertEquals("message-broker", body.get("component").asText());
            assertEquals("starting", body.get("state").asText());

            Files.createFile(gate);
            starting.get(30, TimeUnit.SECONDS);
            assertEquals(200, http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
        finally
        {
            if (!Files.exists(gate))
            {
                Files.createFile(gate);
            }
            starting.get(30, TimeUnit.SECONDS).close();
        }
    }

    @Test
    void aSecondNodeOnTheSameDataDirectoryIsRefused() throws Exception
    {
        try (TestNode first = TestNode.start(temp, ""))
        {
            final NodeStartException refused = org.junit.jupiter.api.Assertions.assertThrows(NodeStartException.class,
                () -> TestNode.start(temp, ""));
            assertEquals("node", refused.component());
            assertTrue(refused.getMessage().contains("in use by another node"), refused.getMessage());
            assertEquals(200, first.get("/health").statusCode());
        }
    }
}
