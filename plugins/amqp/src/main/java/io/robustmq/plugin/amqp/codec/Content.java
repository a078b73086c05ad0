package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;

/**
 * A method with content (basic.deliver, basic.get-ok, basic.return) as the frames that carry it: the
 * method frame, the content header frame with the properties as the publisher sent them, and the
 * body in frames no larger than frame-max. A small body is copied after the headers; a large one is
 * sent as slices of the buffer it is in (a journal segment's memory), without a copy.
 */
public final class Content
{
    /** Bodies up to this size are copied into the frames' buffer rather than sliced. */
    static final int COPY_BELOW_BYTES = 4096;
    /** basic.deliver's method id. */
    private static final int BASIC_DELIVER = 60;

    private Content()
    {
    }

    /**
     * @param alloc      where the frames' buffers come from.
     * @param channel    the channel.
     * @param method     the method.
     * @param properties the message's property flags and list.
     * @param body       the message's body (not released: slices of it are retained).
     * @param frameMax   the connection's frame-max.
     * @return the frames, one buffer for the caller to write.
     */
    public static ByteBuf frames(final ByteBufAllocator alloc, final int channel, final Method method,
        final ByteBuf properties, final ByteBuf body, final int frameMax)
    {
        final ByteBuf head = head(alloc, properties, body);
        MethodCodec.write(head, channel, method);
        return withContent(alloc, head, channel, properties, body, frameMax);
    }

    /**
     * basic.deliver with its content, written without a method object: the consumer tag already
     * encoded, the exchange and routing key copied as the stored message holds them (short strings).
     *
     * @param alloc       where the frames' buffers come from.
     * @param channel     the channel.
     * @param consumerTag the consumer tag as a short string (its length octet, then its bytes).
     * @param deliveryTag the delivery tag.
     * @param redelivered whether it was delivered before.
     * @param names       a buffer holding the exchange and the routing key as short strings.
     * @param exchangeAt  where the exchange's length octet is in it.
     * @param routingKeyAt where the routing key's length octet is in it.
     * @param properties  the message's property flags and list.
     * @param body        the message's body (not released: slices of it are retained).
     * @param frameMax    the connection's frame-max.
     * @return the frames, one buffer for the caller to write.
     */
    public static ByteBuf deliver(final ByteBufAllocator alloc, final int channel, final byte[] consumerTag,
        final long deliveryTag, final boolean redelivered, final ByteBuf names, final int exchangeAt,
        final int routingKeyAt, final ByteBuf properties, final ByteBuf body, final int frameMax)
    {
        final ByteBuf head = head(alloc, properties, body);
        final int start = Frames.beginFrame(head, Frames.METHOD, channel);
        head.writeShort(ContentHeader.BASIC).writeShort(BASIC_DELIVER);
        head.writeBytes(consumerTag);
        head.writeLong(deliveryTag);
        head.writeByte(redelivered ? 1 : 0);
        head.writeBytes(names, exchangeAt, 1 + names.getUnsignedByte(exchangeAt));
        head.writeBytes(names, routingKeyAt, 1 + names.getUnsignedByte(routingKeyAt));
        Frames.endFrame(head, start);
        return withContent(alloc, head, channel, properties, body, frameMax);
    }

    /**
     * @param text a consumer tag, at most 255 bytes of UTF-8 (as basic.consume checked it).
     * @return it as a short string: its length octet, then its bytes.
     */
    public static byte[] shortString(final String text)
    {
        final byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        final byte[] encoded = new byte[1 + bytes.length];
        encoded[0] = (byte)bytes.length;
        System.arraycopy(bytes, 0, encoded, 1, bytes.length);
        return encoded;
    }

    private static ByteBuf head(final ByteBufAllocator alloc, final ByteBuf properties, final ByteBuf body)
    {
        final int bodyBytes = body.readableBytes();
        return alloc.buffer(256 + properties.readableBytes() +
            (bodyBytes < COPY_BELOW_BYTES ? bodyBytes + Frames.OVERHEAD_BYTES : 0));
    }

    private static ByteBuf withContent(final ByteBufAllocator alloc, final ByteBuf head, final int channel,
        final ByteBuf properties, final ByteBuf body, final int frameMax)
    {
        final int bodyBytes = body.readableBytes();
        final int chunk = frameMax - Frames.OVERHEAD_BYTES;
        ContentHeader.write(head, channel, bodyBytes, properties);
        if (bodyBytes < COPY_BELOW_BYTES && bodyBytes <= chunk)
        {
            if (bodyBytes > 0)
            {
                head.writeByte(Frames.BODY).writeShort(channel).writeInt(bodyBytes);
                head.writeBytes(body, body.readerIndex(), bodyBytes);
                head.writeByte(Frames.FRAME_END);
            }
            return head;
        }
        final CompositeByteBuf frames = alloc.compositeBuffer(2 + 3 * (bodyBytes / chunk + 1));
        frames.addComponent(true, head);
        for (int at = 0; at < bodyBytes; at += chunk)
        {
            final int length = Math.min(chunk, bodyBytes - at);
            frames.addComponent(true, alloc.buffer(Frames.HEADER_BYTES).writeByte(Frames.BODY).writeShort(channel)
                .writeInt(length));
            frames.addComponent(true, body.retainedSlice(body.readerIndex() + at, length));
            frames.addComponent(true, alloc.buffer(1).writeByte(Frames.FRAME_END));
        }
        return frames;
    }
}
