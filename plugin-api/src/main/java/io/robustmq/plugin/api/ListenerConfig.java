package io.robustmq.plugin.api;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads a listener from a plugin's configuration, so every plugin's listeners take the same keys,
 * under {@code listeners.<name>} of the plugin's section:
 * <pre>
 * enabled                 true or false
 * host                    address to bind; empty: the node's network.host
 * port                    0..65535; 0 binds an ephemeral port
 * tls_cert, tls_key       PEM files (tls and wss)
 * ws_path                 WebSocket upgrade path (ws and wss)
 * ws_subprotocols         comma-separated WebSocket subprotocols; empty accepts any
 * max_connections         connections beyond this many are closed on accept
 * first_bytes_timeout_ms  close a connection that sends nothing for this long; 0: never
 * </pre>
 */
public final class ListenerConfig
{
    /** Default connection limit of one listener. */
    public static final int DEFAULT_MAX_CONNECTIONS = 100_000;

    /** Default time a new connection has to send its first protocol bytes. */
    public static final long DEFAULT_FIRST_BYTES_TIMEOUT_MS = 10_000;

    private ListenerConfig()
    {
    }

    /**
     * The defaults a plugin gives one of its listeners.
     *
     * @param name                  listener name, e.g. {@code tcp}.
     * @param transport             its transport.
     * @param port                  default port.
     * @param enabled               whether it is bound when the configuration says nothing.
     * @param webSocketPath         default WebSocket path, for WebSocket transports.
     * @param webSocketSubprotocols default subprotocols, for WebSocket transports.
     */
    public record Defaults(
        String name,
        Transport transport,
        int port,
        boolean enabled,
        String webSocketPath,
        String webSocketSubprotocols)
    {
    }

    /**
     * Read one listener's configuration.
     *
     * @param context  the plugin's context: its configuration section and the node's default host.
     * @param defaults the plugin's defaults for this listener.
     * @return the listener, or empty when it is disabled.
     * @throws ConfigurationException naming the key that is wrong.
     */
    public static Optional<ListenerSpec> read(final PluginContext context, final Defaults defaults)
    {
        final PluginConfig section = context.config().section("listeners." + defaults.name());
        final boolean enabled = section.getBoolean("enabled", defaults.enabled());
        final String host = section.getString("host", "");
        final int port = section.getInt("port", defaults.port(), 0, 65535);
        final int maxConnections = section.getInt("max_connections", DEFAULT_MAX_CONNECTIONS, 1, Integer.MAX_VALUE);
        final long firstBytesTimeoutMs =
            section.getLong("first_bytes_timeout_ms", DEFAULT_FIRST_BYTES_TIMEOUT_MS, 0, Long.MAX_VALUE);

        Path certificate = null;
        Path privateKey = null;
        Path clientCa = null;
        ClientAuth clientAuth = ClientAuth.NONE;
        if (defaults.transport().isSecure())
        {
            final String cert = section.getString("tls_cert", "");
            final String key = section.getString("tls_key", "");
            if (enabled && cert.isEmpty())
            {
                throw new ConfigurationException(section.prefix() + ".tls_cert",
                    "required for a " + defaults.transport().label() + " listener (a PEM certificate chain)");
            }
            if (enabled && key.isEmpty())
            {
                throw new ConfigurationException(section.prefix() + ".tls_key",
                    "required for a " + defaults.transport().label() + " listener (a PEM PKCS#8 private key)");
            }
            certificate = cert.isEmpty() ? null : Path.of(cert);
            privateKey = key.isEmpty() ? null : Path.of(key);
            final String auth = section.getString("tls_client_auth", "none");
            clientAuth = switch (auth)
            {
                case "none" -> ClientAuth.NONE;
                case "optional" -> ClientAuth.OPTIONAL;
                case "require" -> ClientAuth.REQUIRE;
                default -> throw new ConfigurationException(section.prefix() + ".tls_client_auth",
                    "must be none, optional or require, got '" + auth + "'");
            };
            final String ca = section.getString("tls_client_ca", "");
            if (enabled && clientAuth != ClientAuth.NONE && ca.isEmpty())
            {
                throw new ConfigurationException(section.prefix() + ".tls_client_ca",
                    "required when tls_client_auth is " + auth + " (PEM certificates of the CAs that sign clients')");
            }
            clientCa = ca.isEmpty() ? null : Path.of(ca);
        }

        String path = null;
        String subprotocols = null;
        if (defaults.transport().isWebSocket())
        {
            path = section.getString("ws_path", defaults.webSocketPath());
            if (!path.startsWith("/"))
            {
                throw new ConfigurationException(section.prefix() + ".ws_path", "must start with /, got '" + path + "'");
            }
            subprotocols = section.getString("ws_subprotocols", defaults.webSocketSubprotocols());
        }

        if (!enabled)
        {
            return Optional.empty();
        }
        return Optional.of(new ListenerSpec(
            defaults.name(),
            defaults.transport(),
            host.isEmpty() ? context.defaultHost() : host,
            port,
            certificate,
            privateKey,
            path,
            subprotocols,
            maxConnections,
            firstBytesTimeoutMs,
            clientCa,
            clientAuth));
    }
}
