package io.robustmq.kernel.network;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection that sends no protocol bytes within a time limit, then steps out of the
 * pipeline on the first bytes. It sits after TLS and WebSocket, so a client that completes a
 * handshake and then sends nothing is closed too.
 */
final class FirstBytesTimeout extends ChannelInboundHandlerAdapter
{
    private final long timeoutMs;
    private final ListenerMetrics metrics;
    private ScheduledFuture<?> timeout;

    FirstBytesTimeout(final long timeoutMs, final ListenerMetrics metrics)
    {
        this.timeoutMs = timeoutMs;
        this.metrics = metrics;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        timeout = ctx.executor().schedule(() ->
        {
            metrics.timedOut();
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handlerRemoved(final ChannelHandlerContext ctx)
    {
        timeout.cancel(false);
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        timeout.cancel(false);
        ctx.fireChannelInactive();
    }
}
