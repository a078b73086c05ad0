package io.robustmq.kernel.support;

import io.robustmq.kernel.RobustNode;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * A node started in the test's JVM on ephemeral ports, with its data under a temporary directory.
 */
public final class TestNode implements AutoCloseable
{
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final RobustNode node;

    private TestNode(final RobustNode node)
    {
        this.node = node;
    }

    /**
     * @param dir       a temporary directory of the test's.
     * @param extraToml TOML appended to the base configuration (node data in {@code dir/data}, admin on
     *                  an ephemeral port, plugins from {@code dir/plugins}), set as dotted keys so that
     *                  the extra TOML may open any table but must not set those keys again.
     * @return the started node.
     * @throws IOException if the configuration cannot be written.
     */
    public static TestNode start(final Path dir, final String extraToml) throws IOException
    {
        return new TestNode(RobustNode.launch(ServerConfig.read(ConfigSource.load(
            writeConfig(dir, extraToml), Map.of(), new Properties()))));
    }

    /**
     * @param config a configuration file.
     * @return a node started with it.
     */
    public static TestNode startWith(final Path config)
    {
        return new TestNode(RobustNode.launch(ServerConfig.read(ConfigSource.load(config, Map.of(), new Properties()))));
    }

    /**
     * @param dir       a temporary directory of the test's.
     * @param extraToml TOML appended to the base configuration.
     * @return the configuration file.
     * @throws IOException if it cannot be written.
     */
    public static Path writeConfig(final Path dir, final String extraToml) throws IOException
    {
        final Path plugins = Files.createDirectories(dir.resolve("plugins"));
        final String toml = """
            node.data_dir = "%s"
            node.plugins_dir = "%s"
            admin.port = 0
            network.io_threads = 2
            meta.port = %d
            """.formatted(dir.resolve("data"), plugins, freeMetaPorts()) + extraToml;
        final Path file = dir.resolve("server.toml");
        Files.writeString(file, toml);
        return file;
    }

    /**
     * @return the first of five consecutive UDP ports free on localhost, for the node's Meta Service.
     */
    public static int freeMetaPorts()
    {
        final java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 100; attempt++)
        {
            final int base = 30_000 + random.nextInt(20_000);
            final java.util.List<java.net.DatagramSocket> taken = new java.util.ArrayList<>();
            try
            {
                for (int i = 0; i < 5; i++)
                {
                    taken.add(new java.net.DatagramSocket(base + i, java.net.InetAddress.getLoopbackAddress()));
                }
                return base;
            }
            catch (final java.net.SocketException busy)
            {
                // Try another range.
            }
            finally
            {
                taken.forEach(java.net.DatagramSocket::close);
            }
        }
        throw new IllegalStateException("no five free consecutive UDP ports found");
    }

    public RobustNode node()
    {
        return node;
    }

    /**
     * @return the admin API's base URL.
     */
    public String adminUrl()
    {
        return node.status().adminUrl();
    }

    /**
     * @param path e.g. {@code /health}.
     * @return the answer to a GET.
     * @throws Exception if the request fails.
     */
    public HttpResponse<String> get(final String path) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl() + path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    }

    /**
     * @param plugin   the plugin's name.
     * @param listener the listener's name.
     * @return the bound port.
     */
    public int port(final String plugin, final String listener)
    {
        return node.status().listeners().stream()
            .filter(status -> status.plugin().equals(plugin) && status.name().equals(listener))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no listener " + plugin + "/" + listener))
            .port();
    }

    @Override
    public void close()
    {
        node.close();
    }
}
