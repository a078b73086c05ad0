package io.robustmq.plugin.mqtt.persistence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.robustmq.plugin.mqtt.broker.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LogCodecTest
{
    static Message message(final long id, final String topic, final String payload)
    {
        final MqttProperties properties = new MqttProperties();
        properties.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1));
        properties.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "text/plain; charset=ü"));
        properties.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_TOPIC, "replies/1"));
        properties.add(new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA, new byte[] {1, 2, 3}));
        properties.add(new MqttProperties.UserProperties(List.of(new MqttProperties.StringPair("k", "v"),
            new MqttProperties.StringPair("k", "second"))));
        return new Message(topic, payload.getBytes(StandardCharsets.UTF_8), 2, true, properties, 1_700_000_000_000L,
            "publisher-ü", id);
    }

    @Test
    void everyRecordComesBackAsItWasWritten()
    {
        final List<LogRecord> records = List.of(
            new LogRecord.SessionOpened("client-é", 4_294_967_295L),
            new LogRecord.SessionLeft("client-é", 60, 1_700_000_000_123L),
            new LogRecord.SessionEnded("client-é"),
            new LogRecord.Subscribed("c", "$share/g/a/+/#", 2, true, true, 2, 268_435_455),
            new LogRecord.Unsubscribed("c", "a/#"),
            new LogRecord.Sent("c", Long.MAX_VALUE, 65535),
            new LogRecord.Released("c", 7, 1),
            new LogRecord.Acknowledged("c", 7),
            new LogRecord.Qos2Received("c", 65535),
            new LogRecord.Qos2Released("c", 1),
            new LogRecord.Barrier(),
            new LogRecord.Sealed(),
            new LogRecord.CheckpointEnd());
        final ByteBuf buffer = Unpooled.buffer();
        records.forEach(record -> LogCodec.encode(record, buffer));
        final List<LogRecord> decoded = new ArrayList<>();
        while (buffer.isReadable())
        {
            decoded.add(LogCodec.decode(buffer));
        }
        assertEquals(records, decoded);
    }

    @Test
    void aMessageKeepsItsPayloadPropertiesAndRecipients()
    {
        final Message message = message(42, "sensors/ü/temp", "21.5");
        final LogRecord.Stored stored = new LogRecord.Stored(message, List.of(
            new LogRecord.Recipient("a", 1, false, 0, ""),
            new LogRecord.Recipient("b", 2, true, 9, "$share/g/sensors/#")));
        final ByteBuf buffer = Unpooled.buffer();
        LogCodec.encode(stored, buffer);
        LogCodec.encode(new LogRecord.Retained(message), buffer);

        final LogRecord.Stored back = (LogRecord.Stored)LogCodec.decode(buffer);
        assertEquals(stored.recipients(), back.recipients());
        assertSameMessage(message, back.message());
        assertSameMessage(message, ((LogRecord.Retained)LogCodec.decode(buffer)).message());
        assertFalse(buffer.isReadable());
    }

    private static void assertSameMessage(final Message expected, final Message actual)
    {
        assertEquals(expected.id(), actual.id());
        assertEquals(expected.topic(), actual.topic());
        assertArrayEquals(expected.payload(), actual.payload());
        assertEquals(expected.qos(), actual.qos());
        assertEquals(expected.retain(), actual.retain());
        assertEquals(expected.expiresAtMillis(), actual.expiresAtMillis());
        assertEquals(expected.publisher(), actual.publisher());
        assertEquals(expected.properties().listAll().size(), actual.properties().listAll().size());
        assertEquals("replies/1", actual.properties().getProperty(MqttProperties.RESPONSE_TOPIC).value());
        assertArrayEquals(new byte[] {1, 2, 3},
            (byte[])actual.properties().getProperty(MqttProperties.CORRELATION_DATA).value());
        assertEquals(1, actual.properties().getProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR).value());
        assertEquals(2, ((MqttProperties.UserProperties)actual.properties().getProperty(MqttProperties.USER_PROPERTY))
            .value().size());
    }

    @Test
    void bytesThatAreNotARecordAreRefused()
    {
        final ByteBuf truncated = Unpooled.buffer();
        LogCodec.encode(new LogRecord.SessionOpened("client", 60), truncated);
        truncated.writerIndex(truncated.writerIndex() - 1);
        assertThrows(IllegalStateException.class, () -> LogCodec.decode(truncated));

        final ByteBuf unknown = Unpooled.buffer().writeByte(99).writeInt(0);
        assertThrows(IllegalStateException.class, () -> LogCodec.decode(unknown));
    }
}
