package io.robustmq.kernel.status;

import java.util.function.IntSupplier;

/**
 * A bound listener as the admin API and the ready line report it.
 *
 * @param plugin            the plugin that asked for it.
 * @param name              the listener's name within the plugin.
 * @param transport         tcp, tls, ws or wss.
 * @param url               where clients connect, e.g. {@code ws://127.0.0.1:8083/mqtt}.
 * @param host              the bound address.
 * @param port              the bound port.
 * @param maxConnections    its connection limit.
 * @param activeConnections its open connections now.
 */
public record ListenerStatus(
    String plugin,
    String name,
    String transport,
    String url,
    String host,
    int port,
    int maxConnections,
    IntSupplier activeConnections)
{
}
