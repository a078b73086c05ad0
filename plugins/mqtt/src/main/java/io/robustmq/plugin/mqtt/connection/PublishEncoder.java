package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.robustmq.plugin.mqtt.broker.Message;

import java.nio.charset.StandardCharsets;

/**
 * Writes PUBLISH packets for deliveries straight into a connection's outgoing bytes, without an
 * object per packet: the topic's UTF-8 bytes come with the message, and its MQTT 5 properties are
 * encoded once per message and copied for each delivery, with the per-delivery ones (the remaining
 * expiry, the subscription identifier, a topic alias) added.
 */
final class PublishEncoder
{
    private static final int PUBLISH = 0x30;
    private static final int PAYLOAD_FORMAT_INDICATOR = 0x01;
    private static final int MESSAGE_EXPIRY_INTERVAL = 0x02;
    private static final int SUBSCRIPTION_IDENTIFIER = 0x0B;
    private static final int TOPIC_ALIAS = 0x23;

    private PublishEncoder()
    {
    }

    /**
     * @param message        the message.
     * @param qos            the QoS it is delivered with.
     * @param mqtt5          whether the client speaks MQTT 5.
     * @param withTopic      whether the topic name is sent (false: its alias alone).
     * @param expirySeconds  the remaining expiry interval to send, or -1 for none.
     * @param subscriptionId the subscription identifier to send, or 0.
     * @param alias          the topic alias to send, or 0.
     * @return the packet's size in bytes, fixed header included.
     */
    static int packetSize(
        final Message message,
        final int qos,
        final boolean mqtt5,
        final boolean withTopic,
        final long expirySeconds,
        final int subscriptionId,
        final int alias)
    {
        final int remaining = remainingLength(message, qos, mqtt5, withTopic,
            mqtt5 ? propertiesLength(message, expirySeconds, subscriptionId, alias) : 0);
        return 1 + varIntSize(remaining) + remaining;
    }

    /**
     * Write one PUBLISH.
     *
     * @param out            where; its writer index moves past the packet.
     * @param message        the message.
     * @param qos            the QoS it is delivered with.
     * @param retain         the RETAIN flag.
     * @param duplicate      the DUP flag.
     * @param packetId       the packet id (QoS 1 and 2).
     * @param mqtt5          whether the client speaks MQTT 5.
     * @param withTopic      whether the topic name is sent (false: its alias alone).
     * @param expirySeconds  the remaining expiry interval to send, or -1 for none.
     * @param subscriptionId the subscription identifier to send, or 0.
     * @param alias          the topic alias to send, or 0.
     */
    static void encode(
        final ByteBuf out,
        final Message message,
        final int qos,
        final boolean retain,
        final boolean duplicate,
        final int packetId,
        final boolean mqtt5,
        final boolean withTopic,
        final long expirySeconds,
        final int subscriptionId,
        final int alias)
    {
        final int propertiesLength = mqtt5 ? propertiesLength(message, expirySeconds, subscriptionId, alias) : 0;
        final int remaining = remainingLength(message, qos, mqtt5, withTopic, propertiesLength);
        out.ensureWritable(1 + varIntSize(remaining) + remaining);
        out.writeByte(PUBLISH | (duplicate ? 0x08 : 0) | qos << 1 | (retain ? 0x01 : 0));
        writeVarInt(out, remaining);
        final byte[] topic = withTopic ? message.topicBytes() : EMPTY;
        out.writeShort(topic.length).writeBytes(topic);
        if (qos > 0)
        {
            out.writeShort(packetId);
        }
        if (mqtt5)
        {
            writeVarInt(out, propertiesLength);
            out.writeBytes(wireProperties(message));
            if (expirySeconds >= 0)
            {
                out.writeByte(MESSAGE_EXPIRY_INTERVAL).writeInt((int)expirySeconds);
            }
            if (subscriptionId > 0)
            {
                out.writeByte(SUBSCRIPTION_IDENTIFIER);
                writeVarInt(out, subscriptionId);
            }
            if (alias > 0)
            {
                out.writeByte(TOPIC_ALIAS).writeShort(alias);
            }
        }
        out.writeBytes(message.payload());
    }

    private static final byte[] EMPTY = new byte[0];

    private static int remainingLength(
        final Message message,
        final int qos,
        final boolean mqtt5,
        final boolean withTopic,
        final int propertiesLength)
    {
        return 2 + (withTopic ? message.topicBytes().length : 0) + (qos > 0 ? 2 : 0) +
            (mqtt5 ? varIntSize(propertiesLength) + propertiesLength : 0) + message.payload().length;
    }

    private static int propertiesLength(final Message message, final long expirySeconds, final int subscriptionId,
        final int alias)
    {
        return wireProperties(message).length + (expirySeconds >= 0 ? 5 : 0) +
            (subscriptionId > 0 ? 1 + varIntSize(subscriptionId) : 0) + (alias > 0 ? 3 : 0);
    }

    /**
     * @return the message's own properties as a PUBLISH carries them, encoded on first use and kept.
     */
    static byte[] wireProperties(final Message message)
    {
        byte[] encoded = message.wireProperties();
        if (encoded == null)
        {
            encoded = encodeProperties(message.properties());
            message.wireProperties(encoded);
        }
        return encoded;
    }

    private static byte[] encodeProperties(final MqttProperties properties)
    {
        if (properties == null || properties.isEmpty())
        {
            return EMPTY;
        }
        final ByteBuf out = Unpooled.buffer();
        for (final MqttProperties.MqttProperty<?> property : properties.listAll())
        {
            final int id = property.propertyId();
            if (property instanceof MqttProperties.UserProperties users)
            {
                for (final MqttProperties.StringPair pair : users.value())
                {
                    out.writeByte(id);
                    string(out, pair.key);
                    string(out, pair.value);
                }
            }
            else if (property instanceof MqttProperties.UserProperty user)
            {
                out.writeByte(id);
                string(out, user.value().key);
                string(out, user.value().value);
            }
            else if (property instanceof MqttProperties.StringProperty text)
            {
                out.writeByte(id);
                string(out, text.value());
            }
            else if (property instanceof MqttProperties.BinaryProperty binary)
            {
                out.writeByte(id).writeShort(binary.value().length).writeBytes(binary.value());
            }
            else if (property instanceof MqttProperties.IntegerProperty number && id == PAYLOAD_FORMAT_INDICATOR)
            {
                out.writeByte(id).writeByte(number.value());
            }
            else
            {
                throw new IllegalArgumentException("a property a message does not carry to subscribers: " + property);
            }
        }
        return ByteBufUtil.getBytes(out);
    }

    private static void string(final ByteBuf out, final String value)
    {
        final byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length).writeBytes(bytes);
    }

    static int varIntSize(final int value)
    {
        return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
    }

    private static void writeVarInt(final ByteBuf out, final int value)
    {
        int remaining = value;
        do
        {
            int digit = remaining & 0x7F;
            remaining >>>= 7;
            out.writeByte(remaining > 0 ? digit | 0x80 : digit);
        }
        while (remaining > 0);
    }
}
