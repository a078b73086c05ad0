package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.broker.Delivery;
import io.robustmq.plugin.mqtt.broker.Message;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a session sends one connection (PUBLISH and PUBREL), from any thread: each packet is
 * encoded for the client's version and limits (its Maximum Packet Size, topic aliases it accepts)
 * straight into one pending buffer, which the connection's event loop hands to the channel and
 * flushes once per turn. No object is made per packet; writing from another thread would queue a
 * task per packet, and a flush queued before a write would leave that write unflushed.
 * <p>
 * <b>Flow.</b> While the pending bytes exceed {@link #PENDING_HIGH_WATER_BYTES}, or the channel is
 * not writable (its client reads slower than it is sent to), the connection is {@link #writable() not
 * writable}: the session keeps further deliveries in its own queue, which is what slows publishers
 * down (back-pressure) or, for a client away, what {@code max_queued_messages} bounds. Once the
 * channel takes bytes again, the connection is told ({@code onWritable}) and the session goes on.
 * <p>
 * Threading: {@link #publish} and {@link #release} are called with the session's lock held, which
 * also guards the alias table; the pending buffer has a lock of its own, taken briefly by them and
 * by the event loop.
 */
final class Outbound
{
    /** Pending bytes above which the connection takes no more deliveries until the channel has them. */
    static final int PENDING_HIGH_WATER_BYTES = 256 * 1024;

    private static final int PUBREL = 0x62;

    private final Channel channel;
    private final Runnable onWritable;
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private final Object pendingLock = new Object();
    private ByteBuf pending;
    private volatile boolean full;
    private volatile boolean closed;
    private volatile boolean mqtt5;
    private volatile int clientMaxPacketBytes = MqttSettings.PROTOCOL_MAX_PACKET_BYTES;
    private volatile int clientTopicAliasMaximum;
    private Map<String, Integer> aliases;

    /**
     * @param channel    the connection's channel.
     * @param onWritable run on the event loop when the connection takes deliveries again.
     */
    Outbound(final Channel channel, final Runnable onWritable)
    {
        this.channel = channel;
        this.onWritable = onWritable;
    }

    /**
     * The client's version and limits, from its CONNECT.
     *
     * @param isMqtt5            whether it speaks MQTT 5 (properties are sent).
     * @param maxPacketBytes     its Maximum Packet Size.
     * @param topicAliasMaximum  the aliases it accepts, 0 for none.
     */
    void configure(final boolean isMqtt5, final int maxPacketBytes, final int topicAliasMaximum)
    {
        this.mqtt5 = isMqtt5;
        this.clientMaxPacketBytes = maxPacketBytes;
        this.clientTopicAliasMaximum = topicAliasMaximum;
    }

    /**
     * @return false if the delivery would be larger than the client's Maximum Packet Size.
     */
    boolean fits(final Delivery delivery)
    {
        final Message message = delivery.message();
        final long expiry = message.expiresAtMillis() == 0 ? -1 : Integer.MAX_VALUE;
        return PublishEncoder.packetSize(message, delivery.qos(), mqtt5, true, expiry, delivery.subscriptionId(), 0) <=
            clientMaxPacketBytes;
    }

    /**
     * @return false while the connection takes no more deliveries (see the class comment).
     */
    boolean writable()
    {
        return !full;
    }

    void publish(final Delivery delivery, final int packetId, final boolean duplicate, final long nowMillis)
    {
        final Message message = delivery.message();
        int alias = 0;
        boolean withTopic = true;
        long expiry = -1;
        if (mqtt5)
        {
            expiry = message.remainingExpirySeconds(nowMillis);
            final int known = alias(message.topic());
            withTopic = known >= 0;
            alias = Math.abs(known);
        }
        synchronized (pendingLock)
        {
            if (closed)
            {
                return;
            }
            if (pending == null)
            {
                pending = channel.alloc().buffer(PublishEncoder.packetSize(message, delivery.qos(), mqtt5, withTopic,
                    expiry, delivery.subscriptionId(), alias));
            }
            PublishEncoder.encode(pending, message, delivery.qos(), delivery.retain(), duplicate, packetId, mqtt5,
                withTopic, expiry, delivery.subscriptionId(), alias);
            updateFull();
        }
        scheduleDrain();
    }

    void release(final int packetId)
    {
        synchronized (pendingLock)
        {
            if (closed)
            {
                return;
            }
            if (pending == null)
            {
                pending = channel.alloc().buffer(4);
            }
            pending.writeByte(PUBREL).writeByte(2).writeShort(packetId);
            updateFull();
        }
        scheduleDrain();
    }

    /**
     * The channel's writability changed: hand it what is pending if it takes bytes again.
     */
    void writabilityChanged()
    {
        drain();
    }

    /**
     * The connection closed: let the pending bytes go; nothing more is taken.
     */
    void close()
    {
        synchronized (pendingLock)
        {
            closed = true;
            if (pending != null)
            {
                pending.release();
                pending = null;
            }
        }
    }

    /**
     * The alias to send a topic with, when the client accepts aliases: the first PUBLISH of a topic
     * sets one (while the client's Topic Alias Maximum has room), later ones use it alone.
     *
     * @return 0 for none; a positive alias to set (with the topic); a negative one to use (topic empty).
     */
    private int alias(final String topic)
    {
        if (clientTopicAliasMaximum == 0)
        {
            return 0;
        }
        if (aliases == null)
        {
            aliases = new HashMap<>();
        }
        final Integer known = aliases.get(topic);
        if (known != null)
        {
            return -known;
        }
        if (aliases.size() >= clientTopicAliasMaximum)
        {
            return 0;
        }
        final int alias = aliases.size() + 1;
        aliases.put(topic, alias);
        return alias;
    }

    private void updateFull()
    {
        full = (pending != null && pending.readableBytes() > PENDING_HIGH_WATER_BYTES) || !channel.isWritable();
    }

    private void scheduleDrain()
    {
        if (drainScheduled.compareAndSet(false, true))
        {
            channel.eventLoop().execute(drain);
        }
    }

    private void drain()
    {
        drainScheduled.set(false);
        final ByteBuf batch;
        final boolean wasFull;
        synchronized (pendingLock)
        {
            wasFull = full;
            if (!channel.isWritable())
            {
                // Kept until the channel takes bytes again (channelWritabilityChanged).
                full = true;
                return;
            }
            batch = pending;
            pending = null;
        }
        if (batch != null)
        {
            channel.writeAndFlush(batch, channel.voidPromise());
        }
        synchronized (pendingLock)
        {
            updateFull();
            if (wasFull && !full)
            {
                // Outside the lock: the session takes its own lock and may publish again.
                channel.eventLoop().execute(onWritable);
            }
        }
    }
}
