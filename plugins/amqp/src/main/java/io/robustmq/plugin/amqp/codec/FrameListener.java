package io.robustmq.plugin.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;

/**
 * Told what {@link AmqpFrameDecoder} reads, on the connection's event loop.
 */
public interface FrameListener
{
    /**
     * The client opened with AMQP 0-9-1's protocol header.
     *
     * @param ctx the decoder's context.
     */
    void onProtocolHeader(ChannelHandlerContext ctx);

    /**
     * The client opened with something else: answer with our header and close (section 4.2.2).
     *
     * @param ctx the decoder's context.
     */
    void onWrongProtocolHeader(ChannelHandlerContext ctx);

    /**
     * A whole frame.
     *
     * @param ctx     the decoder's context.
     * @param type    {@link Frames#METHOD}, {@link Frames#HEADER}, {@link Frames#BODY} or
     *                {@link Frames#HEARTBEAT}.
     * @param channel the frame's channel.
     * @param payload the frame's payload, valid during the call only (copy or retain what is kept).
     * @return true to go on reading; false to pause, leaving the frames after this one unread until
     * {@link AmqpFrameDecoder#resume} (a method whose answer must come before the next frame's).
     */
    boolean onFrame(ChannelHandlerContext ctx, int type, int channel, ByteBuf payload);

    /**
     * The byte stream broke the framing (a frame too large, of an unknown type, or not ended by the
     * frame-end octet): nothing after it can be read. The decoder discards what follows.
     *
     * @param ctx   the decoder's context.
     * @param error the {@link ReplyCode#FRAME_ERROR}.
     */
    void onFramingError(ChannelHandlerContext ctx, AmqpError error);

    /**
     * Everything read so far has been decoded: flush what the frames caused to be written.
     *
     * @param ctx the decoder's context.
     */
    void onReadComplete(ChannelHandlerContext ctx);

    /**
     * The connection's socket became writable, or stopped being writable.
     *
     * @param ctx the decoder's context.
     */
    void onWritabilityChanged(ChannelHandlerContext ctx);

    /**
     * The connection closed.
     *
     * @param ctx the decoder's context.
     */
    void onClosed(ChannelHandlerContext ctx);
}
