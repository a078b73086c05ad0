package io.robustmq.kernel.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.robustmq.kernel.support.Clients;
import io.robustmq.kernel.support.EchoPluginJar;
import io.robustmq.kernel.support.SelfSignedCertificate;
import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A plugin compiled into a jar during the test, dropped into plugins/, loaded in a class loader of
 * its own, and serving over every transport the kernel offers.
 */
class PluginJarTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void aJarDroppedIntoPluginsEchoesOverTcpTlsWebSocketAndSecureWebSocket() throws Exception
    {
        final Path jar = EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo-plugin.jar");
        final SelfSignedCertificate cert = SelfSignedCertificate.create(temp);
        final String tls = "tls_cert = \"" + cert.certificate() + "\"\ntls_key = \"" + cert.privateKey() + "\"\n";
        try (TestNode node = TestNode.start(temp, """
            [plugins.echo.listeners.tcp]
            enabled = true
            [plugins.echo.listeners.tls]
            enabled = true
            %1$s
            [plugins.echo.listeners.ws]
            enabled = true
            [plugins.echo.listeners.wss]
            enabled = true
            %1$s
            """.formatted(tls)))
        {
            final byte[] hello = "hello over tcp".getBytes(StandardCharsets.UTF_8);
            try (Socket socket = new Socket("127.0.0.1", node.port("echo", "tcp")))
            {
                socket.setSoTimeout(10_000);
                assertArrayEquals(hello, Clients.roundTrip(socket, hello));
            }

            final SSLContext trusting = Clients.trusting(cert.certificate());
            try (SSLSocket socket = (SSLSocket)trusting.getSocketFactory().createSocket("127.0.0.1", node.port("echo", "tls")))
            {
                socket.setSoTimeout(10_000);
                final byte[] secret = "hello over tls".getBytes(StandardCharsets.UTF_8);
                assertArrayEquals(secret, Clients.roundTrip(socket, secret));
                assertTrue(socket.getSession().getProtocol().startsWith("TLS"));
            }

            assertWebSocketEcho(HttpClient.newHttpClient(),
                URI.create("ws://127.0.0.1:" + node.port("echo", "ws") + "/echo"), "hello over ws");
            assertWebSocketEcho(HttpClient.newBuilder().sslContext(trusting).build(),
                URI.create("wss://localhost:" + node.port("echo", "wss") + "/echo"), "hello over wss");

            final JsonNode plugin = JSON.readTree(node.get("/v1/node").body()).get("plugins").get(0);
            assertEquals("echo", plugin.get("name").asText());
            assertEquals(jar.toString(), plugin.get("jar").asText());
            assertEquals("plugins_dir", plugin.get("origin").asText());
            assertEquals("9.9.9-test", plugin.get("version").asText());
            assertEquals("[\"tcp\",\"tls\",\"ws\",\"wss\"]", plugin.get("listeners").toString());

            final String ready = node.node().readyLine();
            assertTrue(ready.contains("echo/tcp tcp://127.0.0.1:" + node.port("echo", "tcp")), ready);
            assertTrue(ready.contains("echo/wss wss://127.0.0.1:" + node.port("echo", "wss") + "/echo"), ready);

            final String metrics = node.get("/metrics").body();
            assertTrue(counter(metrics, "robustmq_listener_connections_accepted_total", "tcp") >= 1, metrics);
            assertTrue(counter(metrics, "robustmq_listener_bytes_received_total", "tls") > hello.length,
                "TLS bytes are counted on the wire");

            final ClassLoader pluginLoader = node.node().broker().discovered().get(0).loader();
            assertThrows(ClassNotFoundException.class, () -> pluginLoader.loadClass("io.robustmq.kernel.RobustNode"));
            assertSame(ByteBuf.class, pluginLoader.loadClass("io.netty.buffer.ByteBuf"), "Netty is shared");
        }
    }

    @Test
    void aPluginStoresThroughTheStorageAdapterFromItsOwnClassLoader() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo-plugin.jar");
        try (TestNode node = TestNode.start(temp, """
            [plugins.echo]
            store_topic = "audit/log"
            [plugins.echo.listeners.tcp]
            enabled = true
            [storage.topics."audit/*"]
            durability = "always"
            """))
        {
            try (Socket socket = new Socket("127.0.0.1", node.port("echo", "tcp")))
            {
                socket.setSoTimeout(10_000);
                for (long expected = 0; expected < 3; expected++)
                {
                    socket.getOutputStream().write(("entry-" + expected).getBytes(StandardCharsets.UTF_8));
                    socket.getOutputStream().flush();
                    final byte[] offset = socket.getInputStream().readNBytes(8);
                    assertEquals(expected, java.nio.ByteBuffer.wrap(offset).getLong(), "acknowledged with its offset");
                }
            }
            final io.robustmq.plugin.api.storage.Shard shard =
                node.node().storage().forKernel().find("audit/log", 0).orElseThrow();
            assertEquals("always", shard.durability());
            final io.robustmq.plugin.api.storage.ShardView view = shard.newView();
            assertEquals(3, shard.read(0, 1 << 20, 100, view));
            final List<String> stored = new ArrayList<>();
            while (view.next())
            {
                stored.add(view.payload().toString(StandardCharsets.UTF_8));
            }
            view.release();
            assertEquals(List.of("entry-0", "entry-1", "entry-2"), stored);
            // Its shard, the cursor store's, and (once its preparer has made it) the cursor store's next.
            assertTrue(node.get("/v1/node").body().matches("(?s).*\\b[23] journal shards.*"),
                "the journal reports its shard and the cursor store's");
        }
    }

    @Test
    void enforcesTheConnectionLimitAndTheFirstBytesTimeout() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo-plugin.jar");
        try (TestNode node = TestNode.start(temp, """
            [plugins.echo.listeners.tcp]
            enabled = true
            max_connections = 1
            first_bytes_timeout_ms = 0
            [plugins.echo.listeners.ws]
            enabled = true
            first_bytes_timeout_ms = 300
            """))
        {
            final int tcp = node.port("echo", "tcp");
            try (Socket first = new Socket("127.0.0.1", tcp))
            {
                first.setSoTimeout(10_000);
                assertArrayEquals(new byte[]{1, 2, 3}, Clients.roundTrip(first, new byte[]{1, 2, 3}), "first is served");
                try (Socket second = new Socket("127.0.0.1", tcp))
                {
                    second.setSoTimeout(10_000);
                    assertTrue(Clients.closedByPeer(second), "the connection over the limit is closed");
                }
                assertArrayEquals(new byte[]{5}, Clients.roundTrip(first, new byte[]{5}), "first is still served");
            }
            Clients.await("the closed connections to be counted", 10_000,
                () -> node.node().status().listeners().get(0).activeConnections().getAsInt() == 0);
            try (Socket third = new Socket("127.0.0.1", tcp))
            {
                third.setSoTimeout(10_000);
                assertArrayEquals(new byte[]{4}, Clients.roundTrip(third, new byte[]{4}), "room again");
            }

            try (Socket silent = new Socket("127.0.0.1", node.port("echo", "ws")))
            {
                silent.setSoTimeout(10_000);
                final long start = System.nanoTime();
                assertTrue(Clients.closedByPeer(silent), "a silent connection is closed");
                assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(250), "not before the timeout");
            }

            final String metrics = node.get("/metrics").body();
            assertEquals(1.0, counter(metrics, "robustmq_listener_connections_rejected_total", "tcp"));
            assertEquals(1.0, counter(metrics, "robustmq_listener_connections_timed_out_total", "ws"));
        }
    }

    @Test
    void refusesWebSocketMisuse() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo-plugin.jar");
        try (TestNode node = TestNode.start(temp, """
            network.websocket_max_frame_bytes = 1024
            [plugins.echo.listeners.ws]
            enabled = true
            ws_subprotocols = ""
            """))
        {
            final URI uri = URI.create("ws://127.0.0.1:" + node.port("echo", "ws") + "/echo");
            final HttpClient http = HttpClient.newHttpClient();

            final RecordingListener text = new RecordingListener();
            final WebSocket textSocket = http.newWebSocketBuilder().buildAsync(uri, text).get(10, TimeUnit.SECONDS);
            textSocket.sendText("not binary", true);
            assertEquals(1003, text.closed.get(10, TimeUnit.SECONDS), "text frames are refused");

            final RecordingListener large = new RecordingListener();
            final WebSocket largeSocket = http.newWebSocketBuilder().buildAsync(uri, large).get(10, TimeUnit.SECONDS);
            largeSocket.sendBinary(ByteBuffer.wrap(new byte[4096]), true);
            assertEquals(1009, large.closed.get(10, TimeUnit.SECONDS), "frames over the limit are refused");

            final String base = "http://127.0.0.1:" + node.port("echo", "ws");
            assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(base + "/echo")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "a request on the path that is not an upgrade");
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/other")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), "a request on another path");

            final WebSocket any = http.newWebSocketBuilder().subprotocols("whatever").buildAsync(uri, new RecordingListener())
                .get(10, TimeUnit.SECONDS);
            assertEquals("whatever", any.getSubprotocol(), "with no subprotocols configured, the client's is accepted");
            any.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);

            assertWebSocketEcho(http, uri, "still serving");
        }
    }

    private static void assertWebSocketEcho(final HttpClient http, final URI uri, final String message) throws Exception
    {
        final RecordingListener listener = new RecordingListener();
        final WebSocket socket = http.newWebSocketBuilder().subprotocols("echo").buildAsync(uri, listener)
            .get(10, TimeUnit.SECONDS);
        assertEquals("echo", socket.getSubprotocol());
        final byte[] payload = message.getBytes(StandardCharsets.UTF_8);
        socket.sendBinary(ByteBuffer.wrap(payload), true).get(10, TimeUnit.SECONDS);
        assertArrayEquals(payload, listener.binary.get(10, TimeUnit.SECONDS));
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(10, TimeUnit.SECONDS);
    }

    private static double counter(final String metrics, final String name, final String listener)
    {
        for (final String line : metrics.split("\n"))
        {
            if (line.startsWith(name + "{") && line.contains("listener=\"" + listener + "\""))
            {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        throw new AssertionError("no " + name + " for listener " + listener);
    }

    private static final class RecordingListener implements WebSocket.Listener
    {
        final CompletableFuture<byte[]> binary = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final List<byte[]> parts = new ArrayList<>();

        @Override
        public CompletionStage<?> onBinary(final WebSocket webSocket, final ByteBuffer data, final boolean last)
        {
            final byte[] part = new byte[data.remaining()];
            data.get(part);
            parts.add(part);
            if (last)
            {
                final int length = parts.stream().mapToInt(p -> p.length).sum();
                final ByteBuffer whole = ByteBuffer.allocate(length);
                parts.forEach(whole::put);
                binary.complete(whole.array());
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(final WebSocket webSocket, final int statusCode, final String reason)
        {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(final WebSocket webSocket, final Throwable error)
        {
            closed.completeExceptionally(error);
            binary.completeExceptionally(error);
        }
    }
}
