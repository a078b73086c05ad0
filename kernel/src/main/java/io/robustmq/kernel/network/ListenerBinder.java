package io.robustmq.kernel.network;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.ProtocolPlugin;

/**
 * Binds plugins' listeners on the node's shared event loops.
 */
public final class ListenerBinder
{
    private static final int ACCEPT_BACKLOG = 1024;

    private final EventLoops eventLoops;
    private final MeterRegistry meterRegistry;
    private final int webSocketMaxFrameBytes;

    /**
     * @param eventLoops             the node's event loops.
     * @param meterRegistry          where listener meters go.
     * @param webSocketMaxFrameBytes largest WebSocket frame payload accepted.
     */
    public ListenerBinder(final EventLoops eventLoops, final MeterRegistry meterRegistry, final int webSocketMaxFrameBytes)
    {
        this.eventLoops = eventLoops;
        this.meterRegistry = meterRegistry;
        this.webSocketMaxFrameBytes = webSocketMaxFrameBytes;
    }

    /**
     * Bind one listener; connections it accepts go to the plugin's pipeline.
     *
     * @param pluginName the plugin's name.
     * @param plugin     the plugin.
     * @param spec       the listener.
     * @return the bound listener.
     * @throws ListenerBindException naming the listener, when its TLS files cannot be loaded or its
     *                               address cannot be bound.
     */
    public BoundListener bind(final String pluginName, final ProtocolPlugin plugin, final ListenerSpec spec)
        throws ListenerBindException
    {
        final String label = pluginName + "/" + spec.name();
        final SslContext sslContext = spec.transport().isSecure() ?
            TlsContexts.server(label, spec.tlsCertificate(), spec.tlsPrivateKey(), spec.tlsClientCa(),
                spec.tlsClientAuth()) : null;
        final ListenerMetrics metrics =
            new ListenerMetrics(meterRegistry, pluginName, spec.name(), spec.transport().label(), spec.maxConnections());

        final ServerBootstrap bootstrap = new ServerBootstrap()
            .group(eventLoops.acceptGroup(), eventLoops.ioGroup())
            .channel(eventLoops.serverChannelClass())
            .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ListenerChannelInitializer(spec, plugin, metrics, sslContext, webSocketMaxFrameBytes));

        final ChannelFuture bound = bootstrap.bind(spec.host(), spec.port()).awaitUninterruptibly();
        if (!bound.isSuccess())
        {
            metrics.close();
            final Throwable cause = bound.cause();
            throw new ListenerBindException("listener " + label + ": cannot bind " + spec.host() + ":" + spec.port() +
                ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        }
        return new BoundListener(pluginName, spec, bound.channel(), metrics);
    }
}
