package io.robustmq.plugin.amqp.codec;

import io.netty.buffer.ByteBuf;

import java.util.Map;

/**
 * A content header frame's payload (specification section 4.2.6): class id, weight, body size, and
 * the property flags and list, which the server keeps as the client sent them and hands back on
 * delivery unchanged. Only the properties routing and queues need are read: delivery mode, priority,
 * expiration and headers. Stateless.
 */
public final class ContentHeader
{
    /** The basic class, the only one with content. */
    public static final int BASIC = 60;
    /** Bytes before the property flags: class id, weight, body size. */
    public static final int PROPERTIES_OFFSET = 12;

    /** The shape of each basic property, in flag order (bit 15 first). */
    private static final char[] PROPERTY_SHAPES = {
        'S', // content-type
        'S', // content-encoding
        'F', // headers
        'o', // delivery-mode
        'o', // priority
        'S', // correlation-id
        'S', // reply-to
        'S', // expiration
        'S', // message-id
        'T', // timestamp
        'S', // type
        'S', // user-id
        'S', // app-id
        'S', // cluster-id (deprecated)
    };
    private static final int HEADERS = 2;
    private static final int DELIVERY_MODE = 3;
    private static final int PRIORITY = 4;
    private static final int EXPIRATION = 7;

    private ContentHeader()
    {
    }

    /**
     * @param payload a content header frame's payload.
     * @return its body size.
     * @throws AmqpError {@link ReplyCode#FRAME_ERROR} if it is too short, or of a class other than basic,
     *                   {@link ReplyCode#SYNTAX_ERROR} if a property runs past its end.
     */
    public static long check(final ByteBuf payload) throws AmqpError
    {
        final int start = payload.readerIndex();
        final int end = payload.writerIndex();
        if (end - start < PROPERTIES_OFFSET + 2)
        {
            throw new AmqpError(ReplyCode.FRAME_ERROR, "a content header of " + (end - start) + " bytes");
        }
        final int classId = payload.getUnsignedShort(start);
        if (classId != BASIC)
        {
            throw new AmqpError(ReplyCode.FRAME_ERROR, "a content header of class " + classId + ", not basic");
        }
        final long bodySize = payload.getLong(start + 4);
        if (bodySize < 0)
        {
            throw new AmqpError(ReplyCode.FRAME_ERROR, "a content header with a negative body size");
        }
        if (propertiesEnd(payload, start + PROPERTIES_OFFSET, end) < 0)
        {
            throw new AmqpError(ReplyCode.SYNTAX_ERROR, "a content header whose properties run past its frame", BASIC, 40);
        }
        return bodySize;
    }

    /**
     * Walk the property flags and list.
     *
     * @return the index after the last property, or -1 if one runs past {@code end}.
     */
    private static int propertiesEnd(final ByteBuf in, final int flagsAt, final int end)
    {
        int flags = in.getUnsignedShort(flagsAt);
        int at = flagsAt + 2;
        int bit = 0;
        final int firstFlags = flags;
        while ((flags & 1) != 0)
        {
            if (at + 2 > end)
            {
                return -1;
            }
            flags = in.getUnsignedShort(at);
            at += 2;
        }
        for (bit = 0; bit < PROPERTY_SHAPES.length; bit++)
        {
            if ((firstFlags & (1 << (15 - bit))) != 0)
            {
                final String shape = String.valueOf(PROPERTY_SHAPES[bit]);
                if (ArgumentBounds.check(in, at, end, shape) != null)
                {
                    return -1;
                }
                at = skip(in, at, PROPERTY_SHAPES[bit]);
            }
        }
        return at <= end ? at : -1;
    }

    private static int skip(final ByteBuf in, final int at, final char shape)
    {
        return switch (shape)
        {
            case 'S' -> at + 1 + in.getUnsignedByte(at);
            case 'F' -> at + 4 + (int)in.getUnsignedInt(at);
            case 'o' -> at + 1;
            default -> at + 8;
        };
    }

    /**
     * @param properties the property flags and list, as checked by {@link #check}.
     * @return the delivery mode (2: persistent), or 0 if not given.
     */
    public static int deliveryMode(final ByteBuf properties)
    {
        final int at = propertyAt(properties, DELIVERY_MODE);
        return at < 0 ? 0 : properties.getUnsignedByte(at);
    }

    /**
     * @param properties the property flags and list, as checked by {@link #check}.
     * @return the message's priority, 0 to 255, or 0 if not given.
     */
    public static int priority(final ByteBuf properties)
    {
        final int at = propertyAt(properties, PRIORITY);
        return at < 0 ? 0 : properties.getUnsignedByte(at);
    }

    /**
     * @param properties the property flags and list, as checked by {@link #check}.
     * @return the per-message TTL the {@code expiration} property gives (a decimal count of
     * milliseconds), or -1 if it gives none or is not a whole number.
     */
    public static long expirationMs(final ByteBuf properties)
    {
        final int at = propertyAt(properties, EXPIRATION);
        if (at < 0)
        {
            return -1;
        }
        final int length = properties.getUnsignedByte(at);
        if (length == 0 || length > 18)
        {
            return -1;
        }
        long ms = 0;
        for (int i = 0; i < length; i++)
        {
            final int digit = properties.getByte(at + 1 + i) - '0';
            if (digit < 0 || digit > 9)
            {
                return -1;
            }
            ms = ms * 10 + digit;
        }
        return ms;
    }

    /**
     * The properties of a message dead-lettered from a queue, as RabbitMQ makes them: an
     * {@code x-death} entry for the queue and reason (its count raised if there is one already, and
     * moved first), {@code x-first-death-*} headers on its first death, and no {@code expiration}.
     *
     * @param properties the message's property flags and list.
     * @param reason     {@code rejected}, {@code expired} or {@code maxlen}.
     * @param queue      the queue it died in.
     * @param exchange   the exchange it was published to.
     * @param routingKey its routing key.
     * @param nowMs      the time, epoch ms.
     * @return the new property flags and list.
     */
    @SuppressWarnings("unchecked")
    public static byte[] deadLettered(final ByteBuf properties, final String reason, final String queue,
        final String exchange, final String routingKey, final long nowMs)
    {
        final byte[] header = new byte[PROPERTIES_OFFSET + properties.readableBytes()];
        header[0] = 0;
        header[1] = (byte)BASIC;
        properties.getBytes(properties.readerIndex(), header, PROPERTIES_OFFSET, properties.readableBytes());
        try
        {
            final com.rabbitmq.client.AMQP.BasicProperties read = (com.rabbitmq.client.AMQP.BasicProperties)
                com.rabbitmq.client.impl.AMQImpl.readContentHeaderFrom(new java.io.DataInputStream(
                    new java.io.ByteArrayInputStream(header)));
            final Map<String, Object> headers = read.getHeaders() == null ? new java.util.HashMap<>() :
                new java.util.HashMap<>(read.getHeaders());
            final java.util.List<Object> deaths = new java.util.ArrayList<>();
            Map<String, Object> mine = null;
            if (headers.get("x-death") instanceof java.util.List<?> earlier)
            {
                for (final Object entry : earlier)
                {
                    if (entry instanceof Map<?, ?> death && mine == null &&
                        queue.equals(String.valueOf(death.get("queue"))) &&
                        reason.equals(String.valueOf(death.get("reason"))))
                    {
                        mine = new java.util.HashMap<>((Map<String, Object>)death);
                    }
                    else
                    {
                        deaths.add(entry);
                    }
                }
            }
            if (mine == null)
            {
                mine = new java.util.HashMap<>();
                mine.put("count", 0L);
                mine.put("reason", reason);
                mine.put("queue", queue);
                mine.put("exchange", exchange);
                mine.put("routing-keys", java.util.List.of(routingKey));
            }
            final Long count = FieldTables.wholeNumber(mine.get("count"));
            mine.put("count", (count == null ? 0 : count) + 1);
            mine.put("time", new java.util.Date(nowMs / 1000 * 1000));
            deaths.add(0, mine);
            headers.put("x-death", deaths);
            if (!headers.containsKey("x-first-death-reason"))
            {
                headers.put("x-first-death-reason", reason);
                headers.put("x-first-death-queue", queue);
                headers.put("x-first-death-exchange", exchange);
            }
            final com.rabbitmq.client.impl.AMQContentHeader written = (com.rabbitmq.client.impl.AMQContentHeader)
                read.builder().headers(headers).expiration(null).build();
            final byte[] frame = written.toFrame(0, 0).getPayload();
            return java.util.Arrays.copyOfRange(frame, PROPERTIES_OFFSET, frame.length);
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalArgumentException("properties that do not decode: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param properties the property flags and list, as checked by {@link #check}.
     * @return the headers table, normalized, or null if not given.
     */
    public static Map<String, Object> headers(final ByteBuf properties)
    {
        final int at = propertyAt(properties, HEADERS);
        if (at < 0)
        {
            return null;
        }
        final int length = 4 + (int)properties.getUnsignedInt(at);
        final byte[] table = new byte[length];
        properties.getBytes(at, table);
        return FieldTables.decode(table);
    }

    /**
     * @return where property {@code index} starts, or -1 if it is not given.
     */
    private static int propertyAt(final ByteBuf properties, final int index)
    {
        final int start = properties.readerIndex();
        final int firstFlags = properties.getUnsignedShort(start);
        if ((firstFlags & (1 << (15 - index))) == 0)
        {
            return -1;
        }
        int at = start;
        int flags = firstFlags;
        at += 2;
        while ((flags & 1) != 0)
        {
            flags = properties.getUnsignedShort(at);
            at += 2;
        }
        for (int bit = 0; bit < index; bit++)
        {
            if ((firstFlags & (1 << (15 - bit))) != 0)
            {
                at = skip(properties, at, PROPERTY_SHAPES[bit]);
            }
        }
        return at;
    }

    /**
     * Write a content header frame for a message delivered.
     *
     * @param out        where.
     * @param channel    the channel.
     * @param bodySize   the body's size.
     * @param properties the property flags and list, as received.
     */
    public static void write(final ByteBuf out, final int channel, final long bodySize, final ByteBuf properties)
    {
        final int start = Frames.beginFrame(out, Frames.HEADER, channel);
        out.writeShort(BASIC).writeShort(0).writeLong(bodySize);
        out.writeBytes(properties, properties.readerIndex(), properties.readableBytes());
        Frames.endFrame(out, start);
    }
}
