package io.robustmq.plugin.amqp.connection;

import io.netty.buffer.ByteBuf;

/**
 * A message being received on a channel: basic.publish, then its content header, then body frames
 * until the body size the header said. Holds pooled buffers until released.
 */
final class Publishing
{
    private final String exchange;
    private final String routingKey;
    private final boolean mandatory;
    private long publishTag;
    private long bodySize = -1;
    private ByteBuf properties;
    private ByteBuf body;

    Publishing(final String exchange, final String routingKey, final boolean mandatory)
    {
        this.exchange = exchange;
        this.routingKey = routingKey;
        this.mandatory = mandatory;
    }

    String exchange()
    {
        return exchange;
    }

    String routingKey()
    {
        return routingKey;
    }

    boolean mandatory()
    {
        return mandatory;
    }

    /**
     * @return the message's publish sequence number in confirm mode, 0 outside it.
     */
    long publishTag()
    {
        return publishTag;
    }

    /**
     * @param tag the message's publish sequence number, given once it is complete (confirm mode).
     */
    void publishTag(final long tag)
    {
        publishTag = tag;
    }

    /**
     * @return the body bytes received so far.
     */
    int received()
    {
        return body == null ? 0 : body.readableBytes();
    }

    /**
     * @return true once the content header arrived.
     */
    boolean hasHeader()
    {
        return bodySize >= 0;
    }

    /**
     * @param size       the body size the header says.
     * @param properties the header's property flags and list (a copy, owned from now on).
     * @param body       where the body goes, growing as it arrives up to {@code size} bytes (owned from
     *                   now on).
     */
    void header(final long size, final ByteBuf properties, final ByteBuf body)
    {
        this.bodySize = size;
        this.properties = properties;
        this.body = body;
    }

    ByteBuf properties()
    {
        return properties;
    }

    ByteBuf body()
    {
        return body;
    }

    /**
     * @return body bytes still to come.
     */
    long remaining()
    {
        return bodySize - body.readableBytes();
    }

    /**
     * Let the buffers go.
     */
    void release()
    {
        if (properties != null)
        {
            properties.release();
            properties = null;
        }
        if (body != null)
        {
            body.release();
            body = null;
        }
    }
}
