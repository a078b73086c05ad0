package io.robustmq.plugin.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A listener a plugin wants bound: what, where, and its limits. Build one with
 * {@link ListenerConfig#read(PluginContext, ListenerConfig.Defaults)} so that users configure every
 * plugin's listeners the same way.
 *
 * @param name                   the listener's name, unique within the plugin, e.g. {@code tcp}.
 * @param transport              how the bytes travel.
 * @param host                   the address to bind.
 * @param port                   the port to bind; 0 for an ephemeral port.
 * @param tlsCertificate         PEM certificate chain, for {@link Transport#isSecure()} transports.
 * @param tlsPrivateKey          PEM PKCS#8 private key, for {@link Transport#isSecure()} transports.
 * @param webSocketPath          the HTTP path of the WebSocket upgrade, for WebSocket transports.
 * @param webSocketSubprotocols  comma-separated subprotocols offered, empty for any.
 * @param maxConnections         connections beyond this many are closed on accept.
 * @param firstBytesTimeoutMs    a connection that sends no protocol bytes within this many
 *                               milliseconds is closed; 0 disables the limit.
 * @param tlsClientCa            PEM certificates of the CAs that sign client certificates, or null.
 * @param tlsClientAuth          whether clients are asked for a certificate (secure transports).
 */
public record ListenerSpec(
    String name,
    Transport transport,
    String host,
    int port,
    Path tlsCertificate,
    Path tlsPrivateKey,
    String webSocketPath,
    String webSocketSubprotocols,
    int maxConnections,
    long firstBytesTimeoutMs,
    Path tlsClientCa,
    ClientAuth tlsClientAuth)
{
    /**
     * A listener that asks no client for a certificate.
     */
    public ListenerSpec(
        final String name,
        final Transport transport,
        final String host,
        final int port,
        final Path tlsCertificate,
        final Path tlsPrivateKey,
        final String webSocketPath,
        final String webSocketSubprotocols,
        final int maxConnections,
        final long firstBytesTimeoutMs)
    {
        this(name, transport, host, port, tlsCertificate, tlsPrivateKey, webSocketPath, webSocketSubprotocols,
            maxConnections, firstBytesTimeoutMs, null, ClientAuth.NONE);
    }

    /**
     * Validates the combination of fields.
     */
    public ListenerSpec
    {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("listener " + name + ": port out of range: " + port);
        }
        if (transport.isSecure() && (tlsCertificate == null || tlsPrivateKey == null))
        {
            throw new IllegalArgumentException("listener " + name + ": " + transport.label() +
                " needs a TLS certificate and private key");
        }
        if (transport.isWebSocket() && (webSocketPath == null || !webSocketPath.startsWith("/")))
        {
            throw new IllegalArgumentException("listener " + name + ": WebSocket path must start with /");
        }
        if (maxConnections < 1)
        {
            throw new IllegalArgumentException("listener " + name + ": max connections must be at least 1");
        }
        if (firstBytesTimeoutMs < 0)
        {
            throw new IllegalArgumentException("listener " + name + ": first bytes timeout must not be negative");
        }
        Objects.requireNonNull(tlsClientAuth, "tlsClientAuth");
        if (tlsClientAuth != ClientAuth.NONE && (!transport.isSecure() || tlsClientCa == null))
        {
            throw new IllegalArgumentException("listener " + name + ": client certificates need a TLS transport and a " +
                "client CA");
        }
    }
}
