package io.robustmq.plugin.amqp.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.robustmq.plugin.amqp.codec.Frames;

import java.util.concurrent.TimeUnit;

/**
 * Heartbeats at the interval negotiated in connection.tune-ok: a heartbeat frame once the server has
 * written nothing for half the interval, and the connection closed once the client has sent nothing
 * for two intervals (RabbitMQ's "missed heartbeats from client"). Added to a connection's pipeline,
 * in front of the frame decoder, when the handshake settles the interval; the timers are the
 * connection's event loop's.
 */
final class HeartbeatHandler extends IdleStateHandler
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HeartbeatHandler.class);

    private final int heartbeatSeconds;

    /**
     * @param heartbeatSeconds the negotiated interval, at least 1.
     */
    HeartbeatHandler(final int heartbeatSeconds)
    {
        super(2_000L * heartbeatSeconds, 500L * heartbeatSeconds, 0, TimeUnit.MILLISECONDS);
        this.heartbeatSeconds = heartbeatSeconds;
    }

    @Override
    protected void channelIdle(final ChannelHandlerContext ctx, final IdleStateEvent event)
    {
        if (event.state() == io.netty.handler.timeout.IdleState.WRITER_IDLE)
        {
            final ByteBuf frame = ctx.alloc().buffer(Frames.OVERHEAD_BYTES);
            Frames.writeHeartbeat(frame);
            ctx.writeAndFlush(frame);
        }
        else if (event.state() == io.netty.handler.timeout.IdleState.READER_IDLE)
        {
            LOG.info("AMQP: {} missed heartbeats (nothing received for {} s); closing the connection",
                ctx.channel().remoteAddress(), 2 * heartbeatSeconds);
            ctx.close();
        }
    }
}
