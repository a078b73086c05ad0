package io.robustmq.plugin.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;

/**
 * Reads a basic.publish in place ({@link Methods#isBasicPublish}): one per channel, on the
 * connection's loop. A publisher names the same exchange and routing key message after message, so
 * the last of each is kept and handed back when the bytes are the same, without a new String.
 */
public final class PublishReader
{
    private byte[] exchangeBytes = new byte[0];
    private String exchange = "";
    private byte[] routingKeyBytes = new byte[0];
    private String routingKey = "";
    private boolean mandatory;
    private boolean immediate;

    /**
     * @param payload a basic.publish's payload, as {@link Methods#isBasicPublish} checked it.
     * @return this, holding what it names.
     */
    public PublishReader read(final ByteBuf payload)
    {
        final int exchangeAt = payload.readerIndex() + 6;
        final int exchangeLength = payload.getUnsignedByte(exchangeAt);
        final int routingKeyAt = exchangeAt + 1 + exchangeLength;
        final int routingKeyLength = payload.getUnsignedByte(routingKeyAt);
        if (!same(payload, exchangeAt + 1, exchangeLength, exchangeBytes))
        {
            exchangeBytes = ByteBufUtil.getBytes(payload, exchangeAt + 1, exchangeLength);
            exchange = new String(exchangeBytes, StandardCharsets.UTF_8);
        }
        if (!same(payload, routingKeyAt + 1, routingKeyLength, routingKeyBytes))
        {
            routingKeyBytes = ByteBufUtil.getBytes(payload, routingKeyAt + 1, routingKeyLength);
            routingKey = new String(routingKeyBytes, StandardCharsets.UTF_8);
        }
        final int bits = payload.getUnsignedByte(routingKeyAt + 1 + routingKeyLength);
        mandatory = (bits & 1) != 0;
        immediate = (bits & 2) != 0;
        return this;
    }

    private static boolean same(final ByteBuf payload, final int at, final int length, final byte[] last)
    {
        if (length != last.length)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (payload.getByte(at + i) != last[i])
            {
                return false;
            }
        }
        return true;
    }

    public String exchange()
    {
        return exchange;
    }

    public String routingKey()
    {
        return routingKey;
    }

    public boolean mandatory()
    {
        return mandatory;
    }

    public boolean immediate()
    {
        return immediate;
    }
}
