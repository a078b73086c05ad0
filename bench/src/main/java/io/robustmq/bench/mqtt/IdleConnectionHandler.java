package io.robustmq.bench.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * One idle connection of the load client: connects (MQTT 3.1.1, clean session, the given
 * keep-alive), then sends nothing but a PINGREQ every half keep-alive. Tells the
 * {@link IdleConnectionTally} whether the broker accepted, refused or closed it. Its fields are
 * confined to the channel's event loop.
 */
final class IdleConnectionHandler extends ChannelInboundHandlerAdapter
{
    private final String clientId;
    private final int keepAliveS;
    private final IdleConnectionTally tally;

    private boolean answered;
    private boolean accepted;
    private ScheduledFuture<?> pings;

    /**
     * @param clientId   the MQTT client id.
     * @param keepAliveS the keep-alive asked for, seconds.
     * @param tally      where the outcome is counted.
     */
    IdleConnectionHandler(final String clientId, final int keepAliveS, final IdleConnectionTally tally)
    {
        this.clientId = clientId;
        this.keepAliveS = keepAliveS;
        this.tally = tally;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        ctx.writeAndFlush(MqttMessageBuilders.connect()
            .clientId(clientId)
            .protocolVersion(MqttVersion.MQTT_3_1_1)
            .cleanSession(true)
            .keepAlive(keepAliveS)
            .build(), ctx.voidPromise());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        try
        {
            final MqttMessage message = (MqttMessage)msg;
            if (!answered && message.fixedHeader().messageType() == MqttMessageType.CONNACK)
            {
                answered = true;
                final MqttConnectReturnCode code = ((MqttConnAckMessage)message).variableHeader().connectReturnCode();
                if (code == MqttConnectReturnCode.CONNECTION_ACCEPTED)
                {
                    accepted = true;
                    tally.onAccepted();
                    final long periodS = keepAliveS / 2;
                    pings = ctx.executor().scheduleAtFixedRate(
                        () -> ctx.writeAndFlush(MqttMessage.PINGREQ, ctx.voidPromise()), periodS, periodS, TimeUnit.SECONDS);
                }
                else
                {
                    tally.onRefused();
                    ctx.close();
                }
            }
            // PINGRESP and anything else: nothing to do.
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        if (pings != null)
        {
            pings.cancel(false);
        }
        if (!answered)
        {
            answered = true;
            tally.onClosedBeforeConnAck();
        }
        else if (accepted)
        {
            tally.onClosedAfterConnAck();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ctx.close();
    }
}
