package io.robustmq.kernel.network;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last in every listener's pipeline: an error no handler before it dealt with (a WebSocket frame
 * over the limit, a TLS handshake failure, an exception a plugin let through) closes that
 * connection with one log line, never more.
 */
@ChannelHandler.Sharable
final class ConnectionErrors extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionErrors.class);

    private final String listener;

    ConnectionErrors(final String listener)
    {
        this.listener = listener;
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        LOG.info("listener {}: closing connection from {}: {}", listener, ctx.channel().remoteAddress(),
            root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
        ctx.close();
    }
}
