package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.broker.Delivery;
import io.robustmq.plugin.mqtt.broker.Message;

import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a session sends one connection (PUBLISH and PUBREL), from any thread: each packet is built
 * for the client's version and limits (its Maximum Packet Size, topic aliases it accepts), queued,
 * and written by the connection's event loop, which drains the queue and flushes once. Writing
 * straight from another thread would queue one task per packet, and a flush queued before a write
 * would leave that write unflushed.
 * <p>
 * Threading: {@link #publish} and {@link #release} are called with the session's lock held, which
 * also guards the alias table; the queue is drained on the event loop.
 */
final class Outbound
{
    private final Channel channel;
    private final Queue<MqttMessage> queued = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final Runnable drain = this::drain;
    private volatile boolean mqtt5;
    private volatile int clientMaxPacketBytes = MqttSettings.PROTOCOL_MAX_PACKET_BYTES;
    private volatile int clientTopicAliasMaximum;
    private Map<String, Integer> aliases;

    Outbound(final Channel channel)
    {
        this.channel = channel;
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
        final long remaining = 2L + ByteBufUtil.utf8Bytes(message.topic()) + 2 + message.payload().length +
            (mqtt5 ? MessageProperties.encodedLength(message.properties()) + 16 : 0);
        return 5 + remaining <= clientMaxPacketBytes;
    }

    void publish(final Delivery delivery, final int packetId, final boolean duplicate, final long nowMillis)
    {
        final Message message = delivery.message();
        MqttProperties properties;
        String topic = message.topic();
        if (mqtt5)
        {
            properties = MessageProperties.delivered(message, delivery.subscriptionId(), nowMillis);
            final int alias = alias(topic);
            if (alias != 0)
            {
                if (alias < 0)
                {
                    topic = "";
                }
                properties = MessageProperties.withTopicAlias(properties, Math.abs(alias));
            }
        }
        else
        {
            properties = MqttProperties.NO_PROPERTIES;
        }
        send(new MqttPublishMessage(
            new MqttFixedHeader(MqttMessageType.PUBLISH, duplicate, MqttQoS.valueOf(delivery.qos()), delivery.retain(), 0),
            new MqttPublishVariableHeader(topic, packetId, properties),
            Unpooled.wrappedBuffer(message.payload())));
    }

    void release(final int packetId)
    {
        send(Packets.pubReply(MqttMessageType.PUBREL, packetId, Packets.SUCCESS));
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

    private void send(final MqttMessage packet)
    {
        queued.add(packet);
        if (drainScheduled.compareAndSet(false, true))
        {
            channel.eventLoop().execute(drain);
        }
    }

    private void drain()
    {
        drainScheduled.set(false);
        MqttMessage packet;
        boolean wrote = false;
        while ((packet = queued.poll()) != null)
        {
            channel.write(packet);
            wrote = true;
        }
        if (wrote)
        {
            channel.flush();
        }
    }
}
