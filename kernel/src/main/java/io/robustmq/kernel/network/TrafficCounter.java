package io.robustmq.kernel.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * First in every listener's pipeline: counts the bytes that cross the wire, in and out.
 * Shared by the connections of one listener.
 */
@ChannelHandler.Sharable
final class TrafficCounter extends ChannelDuplexHandler
{
    private final ListenerMetrics metrics;

    TrafficCounter(final ListenerMetrics metrics)
    {
        this.metrics = metrics;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (msg instanceof ByteBuf buf)
        {
            metrics.received(buf.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(final ChannelHandlerContext ctx, final Object msg, final ChannelPromise promise)
    {
        if (msg instanceof ByteBuf buf)
        {
            metrics.sent(buf.readableBytes());
        }
        ctx.write(msg, promise);
    }
}
