package io.robustmq.plugin.amqp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a connection's bytes into AMQP 0-9-1 frames and hands each to its {@link FrameListener}
 * while it is still in the read buffer: no frame object, no copy. First the protocol header, then
 * frames. A frame's size is checked against the negotiated frame-max as soon as its 7-byte header is
 * there, before its payload is waited for, so a frame larger than the limit never takes memory; it
 * is a {@link ReplyCode#FRAME_ERROR}, and so are an unknown frame type and a missing frame-end
 * octet, after which the rest of the stream is discarded.
 * <p>
 * Threading: the connection's event loop.
 */
public final class AmqpFrameDecoder extends ByteToMessageDecoder
{
    private enum State
    {
        PROTOCOL_HEADER,
        FRAMES,
        DISCARD
    }

    private final FrameListener listener;
    private State state = State.PROTOCOL_HEADER;
    private int maxFrameBytes;
    private boolean paused;

    /**
     * @param listener      told every frame.
     * @param maxFrameBytes the largest frame accepted (the whole frame, header and end octet
     *                      included, as frame-max counts it) until {@link #maxFrameBytes(int)}.
     */
    public AmqpFrameDecoder(final FrameListener listener, final int maxFrameBytes)
    {
        this.listener = listener;
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * @param maxFrameBytes the frame-max negotiated with the client.
     */
    public void maxFrameBytes(final int maxFrameBytes)
    {
        this.maxFrameBytes = maxFrameBytes;
    }

    /**
     * Read no more frames: what arrives from now on is discarded (after a framing error, or once the
     * connection is closing and waits for nothing but the socket to close).
     */
    public void discard()
    {
        state = State.DISCARD;
    }

    /**
     * Read again after a frame paused the reading: the frames already received are decoded at once,
     * and the socket is read again.
     *
     * @param ctx this decoder's context.
     */
    public void resume(final ChannelHandlerContext ctx)
    {
        if (!paused)
        {
            return;
        }
        paused = false;
        ctx.channel().config().setAutoRead(true);
        try
        {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            channelReadComplete(ctx);
        }
        catch (final Exception ex)
        {
            ctx.fireExceptionCaught(ex);
        }
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
    {
        while (in.isReadable() && !ctx.isRemoved() && !paused)
        {
            switch (state)
            {
                case PROTOCOL_HEADER ->
                {
                    if (!readProtocolHeader(ctx, in))
                    {
                        return;
                    }
                }
                case FRAMES ->
                {
                    if (!readFrame(ctx, in))
                    {
                        return;
                    }
                }
                default ->
                {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    private boolean readProtocolHeader(final ChannelHandlerContext ctx, final ByteBuf in)
    {
        final int readable = Math.min(in.readableBytes(), Frames.PROTOCOL_HEADER_BYTES);
        if (!Frames.startsProtocolHeader(in, readable))
        {
            state = State.DISCARD;
            in.skipBytes(in.readableBytes());
            listener.onWrongProtocolHeader(ctx);
            return false;
        }
        if (readable < Frames.PROTOCOL_HEADER_BYTES)
        {
            return false;
        }
        in.skipBytes(Frames.PROTOCOL_HEADER_BYTES);
        state = State.FRAMES;
        listener.onProtocolHeader(ctx);
        return true;
    }

    private boolean readFrame(final ChannelHandlerContext ctx, final ByteBuf in)
    {
        if (in.readableBytes() < Frames.HEADER_BYTES)
        {
            return false;
        }
        final int start = in.readerIndex();
        final int type = in.getUnsignedByte(start);
        final int channel = in.getUnsignedShort(start + 1);
        final long size = in.getUnsignedInt(start + 3);
        if (type != Frames.METHOD && type != Frames.HEADER && type != Frames.BODY && type != Frames.HEARTBEAT)
        {
            return framingError(ctx, in, "unknown frame type " + type);
        }
        if (size > maxFrameBytes - Frames.OVERHEAD_BYTES)
        {
            return framingError(ctx, in, "a frame of " + (size + Frames.OVERHEAD_BYTES) +
                " bytes is larger than frame-max " + maxFrameBytes);
        }
        final int frameBytes = (int)size + Frames.OVERHEAD_BYTES;
        if (in.readableBytes() < frameBytes)
        {
            return false;
        }
        if (in.getUnsignedByte(start + frameBytes - 1) != Frames.FRAME_END)
        {
            return framingError(ctx, in, "a frame of type " + type + " on channel " + channel +
                " does not end with the frame-end octet");
        }
        final ByteBuf payload = in.slice(start + Frames.HEADER_BYTES, (int)size);
        in.skipBytes(frameBytes);
        if (!listener.onFrame(ctx, type, channel, payload))
        {
            paused = true;
            ctx.channel().config().setAutoRead(false);
            return false;
        }
        return true;
    }

    private boolean framingError(final ChannelHandlerContext ctx, final ByteBuf in, final String text)
    {
        state = State.DISCARD;
        in.skipBytes(in.readableBytes());
        listener.onFramingError(ctx, new AmqpError(ReplyCode.FRAME_ERROR, text));
        return false;
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) throws Exception
    {
        listener.onReadComplete(ctx);
        if (paused)
        {
            // ByteToMessageDecoder asks for another read when auto-read is off and it produced nothing,
            // which is always so here: while paused, the socket must not be read.
            discardSomeReadBytes();
            ctx.fireChannelReadComplete();
            return;
        }
        super.channelReadComplete(ctx);
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        listener.onWritabilityChanged(ctx);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        try
        {
            super.channelInactive(ctx);
        }
        finally
        {
            listener.onClosed(ctx);
        }
    }
}
