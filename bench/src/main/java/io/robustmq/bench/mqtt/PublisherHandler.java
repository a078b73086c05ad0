package io.robustmq.bench.mqtt;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One publisher connection of the load client: connects (MQTT 3.1.1, clean session), then, once
 * started, publishes timestamped payloads on its topic, open-loop at a fixed interval or as fast as
 * the broker takes them. Every field is confined to the channel's event loop; other threads call
 * {@link #start} and {@link #sentInWindow} through {@code eventLoop().submit}.
 */
final class PublisherHandler extends ChannelInboundHandlerAdapter
{
    /** Messages written before the pump yields the event loop to reads (PUBACKs). */
    private static final int BATCH = 64;
    /** Keep-alive asked for: longer than any run, so no PINGREQ is needed. */
    static final int KEEP_ALIVE_S = 600;

    private final String clientId;
    private final String topic;
    private final MqttQoS qos;
    private final int payloadBytes;
    private final double intervalNs;
    private final int maxInflight;
    private final MqttFixedHeader publishHeader;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Runnable pumpTask = this::pump;
    private final Runnable timerTask = this::onTimer;

    private ChannelHandlerContext ctx;
    private boolean started;
    private boolean stopped;
    private boolean timerPending;
    private long startNs;
    private long measureFromNs;
    private long measureToNs;
    private long sentCount;
    private long sentInWindow;
    private int inflight;
    private int nextPacketId = 1;

    /**
     * @param clientId     the MQTT client id.
     * @param topic        the topic published on.
     * @param qos          QoS of the messages.
     * @param payloadBytes payload size.
     * @param intervalNs   nanoseconds between intended sends; 0: as fast as possible.
     * @param maxInflight  QoS 1 messages unacknowledged at most.
     */
    PublisherHandler(
        final String clientId,
        final String topic,
        final MqttQoS qos,
        final int payloadBytes,
        final double intervalNs,
        final int maxInflight)
    {
        this.clientId = clientId;
        this.topic = topic;
        this.qos = qos;
        this.payloadBytes = payloadBytes;
        this.intervalNs = intervalNs;
        this.maxInflight = maxInflight;
        this.publishHeader = new MqttFixedHeader(MqttMessageType.PUBLISH, false, qos, false, 0);
    }

    /**
     * @return completes when the broker accepted the connection; fails if it refused or closed it.
     */
    CompletableFuture<Void> ready()
    {
        return ready;
    }

    /**
     * Start publishing at {@code startNs}; stop once the intended send time reaches {@code measureToNs}.
     * Call on the channel's event loop.
     *
     * @param startNs       first intended send time.
     * @param measureFromNs start of the measured window.
     * @param measureToNs   end of the measured window.
     */
    void start(final long startNs, final long measureFromNs, final long measureToNs)
    {
        this.startNs = startNs;
        this.measureFromNs = measureFromNs;
        this.measureToNs = measureToNs;
        started = true;
        schedule(startNs);
    }

    /**
     * @return messages sent whose intended send time was in the window. Call on the event loop.
     */
    long sentInWindow()
    {
        return sentInWindow;
    }

    /**
     * @return every message sent. Call on the event loop.
     */
    long sent()
    {
        return sentCount;
    }

    /**
     * @return true once the publisher has stopped. Call on the event loop.
     */
    boolean stopped()
    {
        return stopped;
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        ctx.writeAndFlush(MqttMessageBuilders.connect()
            .clientId(clientId)
            .protocolVersion(MqttVersion.MQTT_3_1_1)
            .cleanSession(true)
            .keepAlive(KEEP_ALIVE_S)
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
            if (type == MqttMessageType.PUBACK)
            {
                inflight--;
                pump();
            }
            else if (type == MqttMessageType.CONNACK)
            {
                final MqttConnectReturnCode code = ((MqttConnAckMessage)message).variableHeader().connectReturnCode();
                if (code == MqttConnectReturnCode.CONNECTION_ACCEPTED)
                {
                    ready.complete(null);
                }
                else
                {
                    ready.completeExceptionally(new IllegalStateException(clientId + ": CONNACK " + code));
                    ctx.close();
                }
            }
        }
        finally
        {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            pump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        stopped = true;
        ready.completeExceptionally(new IllegalStateException(clientId + ": connection closed"));
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        ready.completeExceptionally(cause);
        ctx.close();
    }

    private void schedule(final long atNs)
    {
        if (!timerPending)
        {
            timerPending = true;
            ctx.executor().schedule(timerTask, Math.max(0, atNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    private void onTimer()
    {
        timerPending = false;
        pump();
    }

    /**
     * Send what is due, until the window's end, the in-flight limit, a full socket or a batch.
     */
    private void pump()
    {
        if (!started || stopped)
        {
            return;
        }
        final boolean fixedRate = intervalNs > 0;
        final long now = System.nanoTime();
        int batch = 0;
        while (true)
        {
            final long sendTime = fixedRate ? startNs + (long)(sentCount * intervalNs) : now;
            if (sendTime >= measureToNs)
            {
                stopped = true;
                break;
            }
            if (sendTime > now)
            {
                schedule(sendTime);
                break;
            }
            if ((qos != MqttQoS.AT_MOST_ONCE && inflight >= maxInflight) || !ctx.channel().isWritable())
            {
                break;
            }
            if (batch == BATCH)
            {
                ctx.executor().execute(pumpTask);
                break;
            }
            publish(sendTime);
            batch++;
        }
        if (batch > 0)
        {
            ctx.flush();
        }
    }

    private void publish(final long sendTime)
    {
        // Not MqttMessageBuilders.publish(): its build() copies the payload into a new buffer.
        int packetId = 0;
        if (qos != MqttQoS.AT_MOST_ONCE)
        {
            packetId = nextPacketId;
            nextPacketId = nextPacketId == 65_535 ? 1 : nextPacketId + 1;
            inflight++;
        }
        final MqttPublishMessage message = new MqttPublishMessage(publishHeader, new MqttPublishVariableHeader(topic, packetId),
            LoadPayloadDescriptor.encode(ctx.alloc(), payloadBytes, sendTime));
        ctx.write(message, ctx.voidPromise());
        sentCount++;
        if (sendTime >= measureFromNs)
        {
            sentInWindow++;
        }
    }
}
