package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.robustmq.plugin.mqtt.broker.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PUBLISH packets the encoder writes read back, with Netty's own MQTT decoder, as what was meant.
 */
class PublishEncoderTest
{
    private static MqttPublishMessage decode(final MqttVersion version, final ByteBuf publish)
    {
        // The decoder learns the version from a CONNECT, as it would on a connection.
        final EmbeddedChannel channel = new EmbeddedChannel(new MqttDecoder(4_000_000));
        final MqttConnectMessage connect = MqttMessageBuilders.connect().clientId("c").protocolVersion(version).build();
        final EmbeddedChannel encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        encoder.writeOutbound(connect);
        channel.writeInbound((ByteBuf)encoder.readOutbound());
        channel.readInbound();
        channel.writeInbound(publish);
        final MqttPublishMessage message = channel.readInbound();
        assertTrue(message.decoderResult().isSuccess(), () -> String.valueOf(message.decoderResult().cause()));
        return message;
    }

    private static Message message(final MqttProperties properties)
    {
        return new Message("sensors/température", "21.5".getBytes(StandardCharsets.UTF_8), 2, true, properties,
            0, "publisher");
    }

    @Test
    void mqtt3PublishAtEachQos()
    {
        for (int qos = 0; qos <= 2; qos++)
        {
            final Message message = message(MqttProperties.NO_PROPERTIES);
            final ByteBuf out = Unpooled.buffer();
            PublishEncoder.encode(out, message, qos, qos == 1, qos == 2, 4242, false, true, -1, 0, 0);
            assertEquals(PublishEncoder.packetSize(message, qos, false, true, -1, 0, 0), out.readableBytes());
            final MqttPublishMessage decoded = decode(MqttVersion.MQTT_3_1_1, out);
            assertEquals("sensors/température", decoded.variableHeader().topicName());
            assertEquals(qos, decoded.fixedHeader().qosLevel().value());
            assertEquals(qos == 1, decoded.fixedHeader().isRetain());
            assertEquals(qos == 2, decoded.fixedHeader().isDup());
            assertEquals(qos == 0 ? -1 : 4242, decoded.variableHeader().packetId());
            assertArrayEquals("21.5".getBytes(StandardCharsets.UTF_8), ByteBufUtil.getBytes(decoded.payload()));
            decoded.release();
        }
    }

    @Test
    void mqtt5PublishCarriesTheMessagesPropertiesAndThoseOfTheDelivery()
    {
        final MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1));
        properties.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "text/plain"));
        properties.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_TOPIC, "replies/é"));
        properties.add(new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA, new byte[] {9, 8, 7}));
        properties.add(new MqttProperties.UserProperties(List.of(new MqttProperties.StringPair("a", "1"),
            new MqttProperties.StringPair("a", "2"))));
        final Message message = message(properties);
        final ByteBuf out = Unpooled.buffer();
        PublishEncoder.encode(out, message, 1, false, false, 7, true, true, 30, 268_435_455, 5);
        assertEquals(PublishEncoder.packetSize(message, 1, true, true, 30, 268_435_455, 5), out.readableBytes());
        final MqttPublishMessage decoded = decode(MqttVersion.MQTT_5, out);
        final MqttProperties back = decoded.variableHeader().properties();
        assertEquals(1, back.getProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR).value());
        assertEquals("text/plain", back.getProperty(MqttProperties.CONTENT_TYPE).value());
        assertEquals("replies/é", back.getProperty(MqttProperties.RESPONSE_TOPIC).value());
        assertArrayEquals(new byte[] {9, 8, 7}, (byte[])back.getProperty(MqttProperties.CORRELATION_DATA).value());
        assertEquals(2, ((MqttProperties.UserProperties)back.getProperty(MqttProperties.USER_PROPERTY)).value().size());
        assertEquals(30, back.getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL).value());
        assertEquals(268_435_455, back.getProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER).value());
        assertEquals(5, back.getProperty(MqttProperties.TOPIC_ALIAS).value());
        decoded.release();

        // An alias alone: the topic name is empty.
        final ByteBuf aliasOnly = Unpooled.buffer();
        PublishEncoder.encode(aliasOnly, message, 0, false, false, 0, true, false, -1, 0, 5);
        final MqttPublishMessage short5 = decode(MqttVersion.MQTT_5, aliasOnly);
        assertEquals("", short5.variableHeader().topicName());
        assertEquals(5, short5.variableHeader().properties().getProperty(MqttProperties.TOPIC_ALIAS).value());
        short5.release();
    }

    @Test
    void aLargePayloadGetsAFourByteRemainingLength()
    {
        final Message message = new Message("t", new byte[3_000_000], 0, false, MqttProperties.NO_PROPERTIES, 0, "p");
        final ByteBuf out = Unpooled.buffer();
        PublishEncoder.encode(out, message, 0, false, false, 0, false, true, -1, 0, 0);
        assertEquals(1 + 4 + 2 + 1 + 3_000_000, out.readableBytes());
        assertEquals(3_000_000, decode(MqttVersion.MQTT_3_1_1, out).payload().readableBytes());
    }
}
