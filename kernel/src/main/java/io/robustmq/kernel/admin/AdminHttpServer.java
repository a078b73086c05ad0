package io.robustmq.kernel.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.robustmq.kernel.network.EventLoops;
import io.robustmq.kernel.network.ListenerBindException;

import java.net.InetSocketAddress;

/**
 * The admin HTTP API on the node's shared event loops. Requests larger than the configured limit
 * are refused with 413 by the aggregator before their body is buffered.
 */
public final class AdminHttpServer implements AutoCloseable
{
    private final Channel serverChannel;

    private AdminHttpServer(final Channel serverChannel)
    {
        this.serverChannel = serverChannel;
    }

    /**
     * @param eventLoops      the node's event loops.
     * @param host            address to bind.
     * @param port            port to bind; 0 for an ephemeral port.
     * @param maxRequestBytes largest request accepted.
     * @param router          the routes.
     * @return the bound server.
     * @throws ListenerBindException if the address cannot be bound.
     */
    public static AdminHttpServer bind(
        final EventLoops eventLoops,
        final String host,
        final int port,
        final int maxRequestBytes,
        final AdminRouter router) throws ListenerBindException
    {
        final AdminRequestHandler handler = new AdminRequestHandler(router);
        final ChannelFuture bound = new ServerBootstrap()
            .group(eventLoops.acceptGroup(), eventLoops.ioGroup())
            .channel(eventLoops.serverChannelClass())
            .option(ChannelOption.SO_REUSEADDR, true)
            .childHandler(new ChannelInitializer<>()
            {
                @Override
                protected void initChannel(final Channel channel)
                {
                    channel.pipeline()
                        .addLast("http", new HttpServerCodec(4096, 8192, 8192))
                        .addLast("aggregator", new HttpObjectAggregator(maxRequestBytes))
                        .addLast("admin", handler);
                }
            })
            .bind(host, port)
            .awaitUninterruptibly();
        if (!bound.isSuccess())
        {
            final Throwable cause = bound.cause();
            throw new ListenerBindException("admin API: cannot bind " + host + ":" + port + ": " +
                (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage()), cause);
        }
        return new AdminHttpServer(bound.channel());
    }

    /**
     * @return the bound address.
     */
    public InetSocketAddress localAddress()
    {
        return (InetSocketAddress)serverChannel.localAddress();
    }

    @Override
    public void close()
    {
        serverChannel.close().syncUninterruptibly();
    }
}
