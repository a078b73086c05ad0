package io.robustmq.kernel.network;

import io.netty.channel.Channel;
import io.robustmq.kernel.status.ListenerStatus;
import io.robustmq.plugin.api.ListenerSpec;

import java.net.InetSocketAddress;

/**
 * A plugin's listener, bound: closing it stops accepting and removes its meters; connections
 * already open end with the event loops.
 */
public final class BoundListener implements AutoCloseable
{
    private final String plugin;
    private final ListenerSpec spec;
    private final Channel serverChannel;
    private final ListenerMetrics metrics;

    BoundListener(final String plugin, final ListenerSpec spec, final Channel serverChannel, final ListenerMetrics metrics)
    {
        this.plugin = plugin;
        this.spec = spec;
        this.serverChannel = serverChannel;
        this.metrics = metrics;
    }

    /**
     * @return the address actually bound (the real port when 0 was asked for).
     */
    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)serverChannel.localAddress();
    }

    /**
     * @return the listener as the plugin asked for it.
     */
    public ListenerSpec spec()
    {
        return spec;
    }

    /**
     * @return the listener as the admin API reports it.
     */
    public ListenerStatus status()
    {
        final InetSocketAddress address = localAddress();
        final String host = address.getAddress().getHostAddress();
        final String hostInUrl = host.contains(":") ? "[" + host + "]" : host;
        final String path = spec.transport().isWebSocket() ? spec.webSocketPath() : "";
        final String url = spec.transport().label() + "://" + hostInUrl + ":" + address.getPort() + path;
        return new ListenerStatus(plugin, spec.name(), spec.transport().label(), url, host, address.getPort(),
            spec.maxConnections(), metrics::activeConnections);
    }

    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
        metrics.close();
    }
}
