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
        final int bodyBytes = body.readableBytes();
        final int chunk = frameMax - Frames.OVERHEAD_BYTES;
        final ByteBuf head = alloc.buffer(256 + properties.readableBytes() +
            (bodyBytes < COPY_BELOW_BYTES ? bodyBytes + Frames.OVERHEAD_BYTES : 0));
        MethodCodec.write(head, channel, method);
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
