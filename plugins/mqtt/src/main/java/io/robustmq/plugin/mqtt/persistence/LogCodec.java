package io.robustmq.plugin.mqtt.persistence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.robustmq.plugin.mqtt.broker.Message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The session log's records in bytes. A batch holds records one after the other, each
 * {@code type (1 byte) | body length (4 bytes) | body}; big-endian; a string is its UTF-8 length
 * (4 bytes) and bytes, a byte array likewise. A message's MQTT 5 properties are a count, then
 * {@code property id (1) | kind (1) | value} each.
 */
public final class LogCodec
{
    private static final byte SESSION_OPENED = 1;
    private static final byte SESSION_LEFT = 2;
    private static final byte SESSION_ENDED = 3;
    private static final byte SUBSCRIBED = 4;
    private static final byte UNSUBSCRIBED = 5;
    private static final byte STORED = 6;
    private static final byte RETAINED = 7;
    private static final byte SENT = 8;
    private static final byte RELEASED = 9;
    private static final byte ACKNOWLEDGED = 10;
    private static final byte QOS2_RECEIVED = 11;
    private static final byte QOS2_RELEASED = 12;
    private static final byte BARRIER = 13;
    private static final byte SEALED = 14;
    private static final byte CHECKPOINT_END = 15;

    private static final byte KIND_INTEGER = 1;
    private static final byte KIND_STRING = 2;
    private static final byte KIND_BINARY = 3;
    private static final byte KIND_USER_PROPERTIES = 4;

    private LogCodec()
    {
    }

    /**
     * @param record a record.
     * @param out    written at its writer index.
     */
    public static void encode(final LogRecord record, final ByteBuf out)
    {
        final int start = out.writerIndex();
        out.writeByte(0).writeInt(0);
        final byte type;
        if (record instanceof LogRecord.SessionOpened r)
        {
            string(out, r.clientId());
            out.writeLong(r.expirySeconds());
            type = SESSION_OPENED;
        }
        else if (record instanceof LogRecord.SessionLeft r)
        {
            string(out, r.clientId());
            out.writeLong(r.expirySeconds()).writeLong(r.atMillis());
            type = SESSION_LEFT;
        }
        else if (record instanceof LogRecord.SessionEnded r)
        {
            string(out, r.clientId());
            type = SESSION_ENDED;
        }
        else if (record instanceof LogRecord.Subscribed r)
        {
            string(out, r.clientId());
            string(out, r.fullFilter());
            out.writeByte(r.qos()).writeBoolean(r.noLocal()).writeBoolean(r.retainAsPublished())
                .writeByte(r.retainHandling()).writeInt(r.identifier());
            type = SUBSCRIBED;
        }
        else if (record instanceof LogRecord.Unsubscribed r)
        {
            string(out, r.clientId());
            string(out, r.fullFilter());
            type = UNSUBSCRIBED;
        }
        else if (record instanceof LogRecord.Stored r)
        {
            message(out, r.message());
            out.writeInt(r.recipients().size());
            for (final LogRecord.Recipient recipient : r.recipients())
            {
                string(out, recipient.clientId());
                out.writeByte(recipient.qos()).writeBoolean(recipient.retain()).writeInt(recipient.subscriptionId());
                string(out, recipient.shareFilter());
            }
            type = STORED;
        }
        else if (record instanceof LogRecord.Retained r)
        {
            message(out, r.message());
            type = RETAINED;
        }
        else if (record instanceof LogRecord.Sent r)
        {
            string(out, r.clientId());
            out.writeLong(r.messageId()).writeShort(r.packetId());
            type = SENT;
        }
        else if (record instanceof LogRecord.Released r)
        {
            string(out, r.clientId());
            out.writeLong(r.messageId()).writeShort(r.packetId());
            type = RELEASED;
        }
        else if (record instanceof LogRecord.Acknowledged r)
        {
            string(out, r.clientId());
            out.writeLong(r.messageId());
            type = ACKNOWLEDGED;
        }
        else if (record instanceof LogRecord.Qos2Received r)
        {
            string(out, r.clientId());
            out.writeShort(r.packetId());
            type = QOS2_RECEIVED;
        }
        else if (record instanceof LogRecord.Qos2Released r)
        {
            string(out, r.clientId());
            out.writeShort(r.packetId());
            type = QOS2_RELEASED;
        }
        else if (record instanceof LogRecord.Barrier)
        {
            type = BARRIER;
        }
        else if (record instanceof LogRecord.Sealed)
        {
            type = SEALED;
        }
        else if (record instanceof LogRecord.CheckpointEnd)
        {
            type = CHECKPOINT_END;
        }
        else
        {
            throw new IllegalArgumentException("not a session log record: " + record);
        }
        out.setByte(start, type);
        out.setInt(start + 1, out.writerIndex() - start - 5);
    }

    /**
     * @param in a batch's payload, read from its reader index; its reader index moves past the record.
     * @return the next record.
     * @throws IllegalStateException if the bytes are not a record.
     */
    public static LogRecord decode(final ByteBuf in)
    {
        final byte type = in.readByte();
        final int length = in.readInt();
        if (length < 0 || length > in.readableBytes())
        {
            throw new IllegalStateException("session log record of type " + type + " claims " + length +
                " bytes, " + in.readableBytes() + " left");
        }
        final ByteBuf body = in.readSlice(length);
        return switch (type)
        {
            case SESSION_OPENED -> new LogRecord.SessionOpened(string(body), body.readLong());
            case SESSION_LEFT -> new LogRecord.SessionLeft(string(body), body.readLong(), body.readLong());
            case SESSION_ENDED -> new LogRecord.SessionEnded(string(body));
            case SUBSCRIBED -> new LogRecord.Subscribed(string(body), string(body), body.readByte(), body.readBoolean(),
                body.readBoolean(), body.readByte(), body.readInt());
            case UNSUBSCRIBED -> new LogRecord.Unsubscribed(string(body), string(body));
            case STORED ->
            {
                final Message message = message(body);
                final int count = body.readInt();
                final List<LogRecord.Recipient> recipients = new ArrayList<>(count);
                for (int i = 0; i < count; i++)
                {
                    recipients.add(new LogRecord.Recipient(string(body), body.readByte(), body.readBoolean(),
                        body.readInt(), string(body)));
                }
                yield new LogRecord.Stored(message, recipients);
            }
            case RETAINED -> new LogRecord.Retained(message(body));
            case SENT -> new LogRecord.Sent(string(body), body.readLong(), body.readUnsignedShort());
            case RELEASED -> new LogRecord.Released(string(body), body.readLong(), body.readUnsignedShort());
            case ACKNOWLEDGED -> new LogRecord.Acknowledged(string(body), body.readLong());
            case QOS2_RECEIVED -> new LogRecord.Qos2Received(string(body), body.readUnsignedShort());
            case QOS2_RELEASED -> new LogRecord.Qos2Released(string(body), body.readUnsignedShort());
            case BARRIER -> new LogRecord.Barrier();
            case SEALED -> new LogRecord.Sealed();
            case CHECKPOINT_END -> new LogRecord.CheckpointEnd();
            default -> throw new IllegalStateException("unknown session log record type " + type);
        };
    }

    private static void message(final ByteBuf out, final Message message)
    {
        out.writeLong(message.id());
        string(out, message.topic());
        bytes(out, message.payload());
        out.writeByte(message.qos()).writeBoolean(message.retain()).writeLong(message.expiresAtMillis());
        string(out, message.publisher());
        properties(out, message.properties());
    }

    private static Message message(final ByteBuf in)
    {
        final long id = in.readLong();
        final String topic = string(in);
        final byte[] payload = bytes(in);
        final int qos = in.readByte();
        final boolean retain = in.readBoolean();
        final long expiresAt = in.readLong();
        final String publisher = string(in);
        return new Message(topic, payload, qos, retain, properties(in), expiresAt, publisher, id);
    }

    private static void properties(final ByteBuf out, final MqttProperties properties)
    {
        final int countAt = out.writerIndex();
        out.writeInt(0);
        int count = 0;
        for (final MqttProperties.MqttProperty<?> property : properties.listAll())
        {
            out.writeByte(property.propertyId());
            if (property instanceof MqttProperties.IntegerProperty p)
            {
                out.writeByte(KIND_INTEGER).writeInt(p.value());
            }
            else if (property instanceof MqttProperties.StringProperty p)
            {
                out.writeByte(KIND_STRING);
                string(out, p.value());
            }
            else if (property instanceof MqttProperties.BinaryProperty p)
            {
                out.writeByte(KIND_BINARY);
                bytes(out, p.value());
            }
            else if (property instanceof MqttProperties.UserProperties p)
            {
                out.writeByte(KIND_USER_PROPERTIES).writeInt(p.value().size());
                for (final MqttProperties.StringPair pair : p.value())
                {
                    string(out, pair.key);
                    string(out, pair.value);
                }
            }
            else
            {
                throw new IllegalArgumentException("a message property the session log cannot hold: " + property);
            }
            count++;
        }
        out.setInt(countAt, count);
    }

    private static MqttProperties properties(final ByteBuf in)
    {
        final int count = in.readInt();
        if (count == 0)
        {
            return MqttProperties.NO_PROPERTIES;
        }
        final MqttProperties properties = new MqttProperties();
        for (int i = 0; i < count; i++)
        {
            final int id = in.readUnsignedByte();
            final byte kind = in.readByte();
            switch (kind)
            {
                case KIND_INTEGER -> properties.add(new MqttProperties.IntegerProperty(id, in.readInt()));
                case KIND_STRING -> properties.add(new MqttProperties.StringProperty(id, string(in)));
                case KIND_BINARY -> properties.add(new MqttProperties.BinaryProperty(id, bytes(in)));
                case KIND_USER_PROPERTIES ->
                {
                    final int pairs = in.readInt();
                    final List<MqttProperties.StringPair> values = new ArrayList<>(pairs);
                    for (int j = 0; j < pairs; j++)
                    {
                        values.add(new MqttProperties.StringPair(string(in), string(in)));
                    }
                    properties.add(new MqttProperties.UserProperties(values));
                }
                default -> throw new IllegalStateException("unknown property kind " + kind + " in the session log");
            }
        }
        return properties;
    }

    private static void string(final ByteBuf out, final String value)
    {
        out.writeInt(ByteBufUtil.utf8Bytes(value));
        out.writeCharSequence(value, StandardCharsets.UTF_8);
    }

    private static String string(final ByteBuf in)
    {
        final int length = in.readInt();
        final String value = in.toString(in.readerIndex(), length, StandardCharsets.UTF_8);
        in.skipBytes(length);
        return value;
    }

    private static void bytes(final ByteBuf out, final byte[] value)
    {
        out.writeInt(value.length).writeBytes(value);
    }

    private static byte[] bytes(final ByteBuf in)
    {
        final byte[] value = new byte[in.readInt()];
        in.readBytes(value);
        return value;
    }
}
