package io.robustmq.bench.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPubAckMessage;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import org.HdrHistogram.Histogram;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One subscriber connection of the load client: connects (MQTT 3.1.1, clean session), subscribes to
 * its topic, then counts what it receives and records each message's latency, from the intended send
 * time in its payload to its receipt, in microseconds. QoS 1 messages are acknowledged at once.
 * Every field is confined to the channel's event loop; other threads read the counts through
 * {@code eventLoop().submit}.
 */
final class SubscriberHandler extends ChannelInboundHandlerAdapter
{
    /** Highest latency recorded, microseconds; longer ones are recorded as this. */
    static final long MAX_LATENCY_US = TimeUnit.MINUTES.toMicros(10);
    private static final MqttFixedHeader PUBACK_HEADER =
        new MqttFixedHeader(MqttMessageType.PUBACK, false, MqttQoS.AT_MOST_ONCE, false, 2);

    private final String clientId;
    private final String topic;
    private final MqttQoS qos;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Histogram latencyUs = new Histogram(MAX_LATENCY_US, 3);

    private long measureFromNs = Long.MAX_VALUE;
    private long measureToNs = Long.MAX_VALUE;
    private long received;
    private long receivedInWindow;
    private boolean flushPending;

    /**
     * @param clientId the MQTT client id.
     * @param topic    the topic filter subscribed to.
     * @param qos      the QoS asked for.
     */
    SubscriberHandler(final String clientId, final String topic, final MqttQoS qos)
    {
        this.clientId = clientId;
        this.topic = topic;
        this.qos = qos;
    }

    /**
     * @return completes when the subscription is granted; fails if refused or closed.
     */
    CompletableFuture<Void> ready()
    {
        return ready;
    }

    /**
     * Set the measured window. Call on the event loop.
     *
     * @param fromNs start of the window.
     * @param toNs   end of the window.
     */
    void window(final long fromNs, final long toNs)
    {
        measureFromNs = fromNs;
        measureToNs = toNs;
    }

    /**
     * @return every message received so far. Call on the event loop.
     */
    long received()
    {
        return received;
    }

    /**
     * @return messages received during the window. Call on the event loop.
     */
    long receivedInWindow()
    {
        return receivedInWindow;
    }

    /**
     * @return the latencies recorded; the caller must not change it. Call on the event loop.
     */
    Histogram latencyUs()
    {
        return latencyUs;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        ctx.writeAndFlush(MqttMessageBuilders.connect()
            .clientId(clientId)
            .protocolVersion(MqttVersion.MQTT_3_1_1)
            .cleanSession(true)
            .keepAlive(PublisherHandler.KEEP_ALIVE_S)
            .build());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        try
        {
            final MqttMessage message = (MqttMessage)msg;
            final MqttMessageType type = message.fixedHeader().messageType();
            if (type == MqttMessageType.PUBLISH)
            {
                onPublish(ctx, (MqttPublishMessage)message);
            }
            else if (type == MqttMessageType.CONNACK)
            {
                final MqttConnectReturnCode code = ((MqttConnAckMessage)message).variableHeader().connectReturnCode();
                if (code != MqttConnectReturnCode.CONNECTION_ACCEPTED)
                {
                    ready.completeExceptionally(new IllegalStateException(clientId + ": CONNACK " + code));
                    ctx.close();
                    return;
                }
                ctx.writeAndFlush(MqttMessageBuilders.subscribe().messageId(1).addSubscription(qos, topic).build());
            }
            else if (type == MqttMessageType.SUBACK)
            {
                final int granted = ((MqttSubAckMessage)message).payload().grantedQoSLevels().get(0);
                if (granted == qos.value())
                {
                    ready.complete(null);
                }
                else
                {
                    ready.completeExceptionally(new IllegalStateException(clientId + ": SUBACK granted " + granted));
                    ctx.close();
                }
            }
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onPublish(final ChannelHandlerContext ctx, final MqttPublishMessage message)
    {
        final long now = System.nanoTime();
        final long sendTime = LoadPayloadDescriptor.sendTime(message.payload());
        received++;
        if (now >= measureFromNs && now < measureToNs)
        {
            receivedInWindow++;
        }
        if (sendTime >= measureFromNs && sendTime < measureToNs)
        {
            latencyUs.recordValue(Math.min(MAX_LATENCY_US, Math.max(0, (now - sendTime) / 1_000)));
        }
        if (message.fixedHeader().qosLevel() != MqttQoS.AT_MOST_ONCE)
        {
            ctx.write(new MqttPubAckMessage(PUBACK_HEADER, MqttMessageIdVariableHeader.from(message.variableHeader().packetId())),
                ctx.voidPromise());
            flushPending = true;
        }
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx)
    {
        if (flushPending)
        {
            flushPending = false;
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        ready.completeExceptionally(new IllegalStateException(clientId + ": connection closed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ready.completeExceptionally(cause);
        ctx.close();
    }
}
