package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.broker.Message;

import java.util.HashMap;
import java.util.Map;

/**
 * What a session sends one connection (PUBLISH and PUBREL), from any thread: each delivery is
 * noted in a ring (the message and a few numbers, no object per delivery), and the connection's
 * event loop encodes what the ring holds for the client's version and limits (its Maximum Packet
 * Size, topic aliases it accepts) straight into one buffer, hands it to the channel and flushes once
 * per turn. Encoding on the subscriber's event loop spreads a fan-out's work over every event loop;
 * writing from another thread would queue a task per packet, and a flush queued before a write
 * would leave that write unflushed.
 * <p>
 * <b>Flow.</b> While the deliveries noted and not yet handed to the channel exceed
 * {@link #PENDING_HIGH_WATER_BYTES}, or the channel is not writable (its client reads slower than it
 * is sent to), the connection is {@link #writable() not writable}: the session keeps further
 * deliveries in its own queue, which is what slows publishers down (back-pressure) or, for a client
 * away, what {@code max_queued_messages} bounds. Once the channel takes bytes again, the connection
 * is told ({@code onWritable}) and the session goes on.
 * <p>
 * Threading: {@link #publish} and {@link #release} are called with the session's lock held; the ring
 * has a lock of its own, taken briefly by them and by the event loop, which swaps the ring for an
 * empty one and encodes outside the lock. The alias table is the event loop's alone.
 */
final class Outbound
{
    /** Pending bytes above which the connection takes no more deliveries until the channel has them. */
    static final int PENDING_HIGH_WATER_BYTES = 256 * 1024;

    private static final int PUBREL = 0x62;

    private final Channel channel;
    private final Runnable onWritable;
    /** 1 while a drain is queued on the event loop (a field, not an AtomicBoolean: one object less per connection). */
    private volatile int drainScheduled;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Outbound> DRAIN_SCHEDULED =
        java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Outbound.class, "drainScheduled");
    private final Runnable drain = this::drain;
    private final Object ringLock = new Object();
    /** Noted by the sessions; guarded by ringLock. */
    private DeliveryRing noted;
    /** Being encoded by the event loop. */
    private DeliveryRing encoding;
    private long notedBytes;
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
    boolean fits(final Message message, final int qos, final int subscriptionId)
    {
        return packetSize(message, qos, subscriptionId) <= clientMaxPacketBytes;
    }

    private int packetSize(final Message message, final int qos, final int subscriptionId)
    {
        final long expiry = message.expiresAtMillis() == 0 ? -1 : Integer.MAX_VALUE;
        return PublishEncoder.packetSize(message, qos, mqtt5, true, expiry, subscriptionId, mqtt5 ? 1 : 0);
    }

    /**
     * @return false while the connection takes no more deliveries (see the class comment).
     */
    boolean writable()
    {
        return !full;
    }

    void publish(final Message message, final int qos, final boolean retain, final int subscriptionId,
        final int packetId, final boolean duplicate)
    {
        final int size = packetSize(message, qos, subscriptionId);
        synchronized (ringLock)
        {
            if (closed)
            {
                return;
            }
            noted().add(message, DeliveryRing.publish(qos, retain, duplicate, packetId, subscriptionId));
            notedBytes += size;
            updateFull();
        }
        scheduleDrain();
    }

    void release(final int packetId)
    {
        synchronized (ringLock)
        {
            if (closed)
            {
                return;
            }
            noted().add(null, DeliveryRing.release(packetId));
            notedBytes += 4;
            updateFull();
        }
        scheduleDrain();
    }

    /**
     * The channel's writability changed: hand it what is noted if it takes bytes again.
     */
    void writabilityChanged()
    {
        drain();
    }

    /**
     * The connection closed: forget what was noted; nothing more is taken.
     */
    void close()
    {
        synchronized (ringLock)
        {
            closed = true;
            if (noted != null)
            {
                noted.clear();
            }
            notedBytes = 0;
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

    /**
     * @return the ring deliveries are noted in, made on the first (an idle connection has none).
     */
    private DeliveryRing noted()
    {
        if (noted == null)
        {
            noted = new DeliveryRing();
        }
        return noted;
    }

    private void updateFull()
    {
        full = notedBytes > PENDING_HIGH_WATER_BYTES || !channel.isWritable();
    }

    private void scheduleDrain()
    {
        if (DRAIN_SCHEDULED.compareAndSet(this, 0, 1))
        {
            channel.eventLoop().execute(drain);
        }
    }

    private void drain()
    {
        drainScheduled = 0;
        final boolean wasFull;
        final long bytes;
        synchronized (ringLock)
        {
            wasFull = full;
            if (!channel.isWritable() || noted == null || noted.isEmpty())
            {
                // Kept until the channel takes bytes again (channelWritabilityChanged).
                updateFull();
                if (wasFull && !full)
                {
                    channel.eventLoop().execute(onWritable);
                }
                return;
            }
            final DeliveryRing swapped = noted;
            noted = encoding != null ? encoding : new DeliveryRing();
            encoding = swapped;
            bytes = notedBytes;
            notedBytes = 0;
        }
        final ByteBuf batch = channel.alloc().buffer((int)Math.min(bytes, Integer.MAX_VALUE - 8));
        try
        {
            encode(batch);
        }
        catch (final RuntimeException ex)
        {
            // Not sent; the ring is cleared all the same, so the next drain does not meet the same entry.
            batch.release();
            encoding.clear();
            throw ex;
        }
        encoding.clear();
        channel.writeAndFlush(batch, channel.voidPromise());
        synchronized (ringLock)
        {
            updateFull();
            if (wasFull && !full)
            {
                channel.eventLoop().execute(onWritable);
            }
        }
    }

    private void encode(final ByteBuf batch)
    {
        final boolean isMqtt5 = mqtt5;
        final long now = System.currentTimeMillis();
        for (int i = 0; i < encoding.size(); i++)
        {
            final Message message = encoding.message(i);
            final long entry = encoding.entry(i);
            if (message == null)
            {
                batch.writeByte(PUBREL).writeByte(2).writeShort(DeliveryRing.packetId(entry));
                continue;
            }
            int alias = 0;
            boolean withTopic = true;
            long expiry = -1;
            if (isMqtt5)
            {
                expiry = message.remainingExpirySeconds(now);
                final int known = alias(message.topic());
                withTopic = known >= 0;
                alias = Math.abs(known);
            }
            PublishEncoder.encode(batch, message, DeliveryRing.qos(entry), DeliveryRing.retain(entry),
                DeliveryRing.duplicate(entry), DeliveryRing.packetId(entry), isMqtt5, withTopic, expiry,
                DeliveryRing.subscriptionId(entry), alias);
        }
    }
}
