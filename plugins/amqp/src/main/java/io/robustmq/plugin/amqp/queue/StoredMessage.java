package io.robustmq.plugin.amqp.queue;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * A message as a queue's shard stores it (one message per batch, format
 * {@code BatchFormat.AMQP_MESSAGE}):
 * <pre>
 *   version      1 byte, 1
 *   exchange     shortstr: a length byte, then UTF-8
 *   routing key  shortstr
 *   properties   int32 length, then the content header's property flags and list as the publisher sent them
 *   body         the rest
 * </pre>
 * Delivery hands the properties back unchanged and the body without a copy. A flyweight: wrap a
 * payload, read its parts; not thread-safe, one per reader.
 */
public final class StoredMessage
{
    /** The layout's version. */
    public static final int VERSION = 1;

    private ByteBuf payload;
    private int routingKeyAt;
    private int propertiesAt;
    private int bodyAt;

    /**
     * Write a message.
     *
     * @param out        where.
     * @param exchange   the exchange it was published to, as UTF-8 of at most 255 bytes.
     * @param routingKey its routing key, likewise.
     * @param properties its property flags and list.
     * @param body       its body.
     */
    public static void write(final ByteBuf out, final String exchange, final String routingKey, final ByteBuf properties,
        final ByteBuf body)
    {
        out.writeByte(VERSION);
        shortString(out, exchange);
        shortString(out, routingKey);
        out.writeInt(properties.readableBytes());
        out.writeBytes(properties, properties.readerIndex(), properties.readableBytes());
        out.writeBytes(body, body.readerIndex(), body.readableBytes());
    }

    private static void shortString(final ByteBuf out, final String text)
    {
        final int lengthAt = out.writerIndex();
        out.writeByte(0);
        final int length = out.writeCharSequence(text, StandardCharsets.UTF_8);
        out.setByte(lengthAt, length);
    }

    /**
     * @param payload a stored message, from its reader index.
     * @return this, reading it.
     * @throws IllegalArgumentException if it is not a message of this layout.
     */
    public StoredMessage wrap(final ByteBuf payload)
    {
        final int start = payload.readerIndex();
        final int end = payload.writerIndex();
        if (end - start < 7 || payload.getUnsignedByte(start) != VERSION)
        {
            throw new IllegalArgumentException("not an AMQP message of layout version " + VERSION);
        }
        this.payload = payload;
        routingKeyAt = start + 2 + payload.getUnsignedByte(start + 1);
        propertiesAt = routingKeyAt + 1 + payload.getUnsignedByte(routingKeyAt);
        if (propertiesAt + 4 > end)
        {
            throw new IllegalArgumentException("a stored AMQP message cut short");
        }
        bodyAt = propertiesAt + 4 + payload.getInt(propertiesAt);
        if (bodyAt > end)
        {
            throw new IllegalArgumentException("a stored AMQP message cut short");
        }
        return this;
    }

    /**
     * @return the exchange it was published to.
     */
    public String exchange()
    {
        final int start = payload.readerIndex();
        return payload.toString(start + 2, payload.getUnsignedByte(start + 1), StandardCharsets.UTF_8);
    }

    /**
     * @return where the exchange's name is in the payload, as a short string (its length octet).
     */
    public int exchangeAt()
    {
        return payload.readerIndex() + 1;
    }

    /**
     * @return where the routing key is in the payload, as a short string (its length octet).
     */
    public int routingKeyAt()
    {
        return routingKeyAt;
    }

    /**
     * @return the stored message it reads.
     */
    public ByteBuf payload()
    {
        return payload;
    }

    /**
     * @return its routing key.
     */
    public String routingKey()
    {
        return payload.toString(routingKeyAt + 1, payload.getUnsignedByte(routingKeyAt), StandardCharsets.UTF_8);
    }

    /**
     * @return its property flags and list, a slice of the payload.
     */
    public ByteBuf properties()
    {
        return payload.slice(propertiesAt + 4, bodyAt - propertiesAt - 4);
    }

    /**
     * @return its body, a slice of the payload.
     */
    public ByteBuf body()
    {
        return payload.slice(bodyAt, payload.writerIndex() - bodyAt);
    }
}
