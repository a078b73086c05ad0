package io.robustmq.plugin.amqp.codec;

import io.netty.buffer.ByteBuf;

/**
 * The AMQP 0-9-1 framing (section 4.2.3 of the specification): a frame is a type octet, a channel
 * short, a payload size long, the payload, and the frame-end octet {@code 0xCE}. The protocol header
 * a client opens with is {@code "AMQP" 0 0 9 1}.
 */
public final class Frames
{
    /** A method frame. */
    public static final int METHOD = 1;
    /** A content header frame. */
    public static final int HEADER = 2;
    /** A content body frame. */
    public static final int BODY = 3;
    /** A heartbeat frame (RabbitMQ and the clients send 8, as the 0-9-1 specification's errata say). */
    public static final int HEARTBEAT = 8;
    /** The octet that ends every frame. */
    public static final int FRAME_END = 0xCE;
    /** Type, channel and size: the bytes before a frame's payload. */
    public static final int HEADER_BYTES = 7;
    /** The header and the frame-end octet: a frame's bytes besides its payload. */
    public static final int OVERHEAD_BYTES = HEADER_BYTES + 1;
    /** The largest frame either peer must accept before frame-max is negotiated, and the least it may be. */
    public static final int FRAME_MIN_SIZE = 4096;
    /** The protocol header of AMQP 0-9-1: what a client sends first, and what a server answers a wrong one with. */
    private static final byte[] PROTOCOL_HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
    /** The protocol header's length. */
    public static final int PROTOCOL_HEADER_BYTES = PROTOCOL_HEADER.length;

    private Frames()
    {
    }

    /**
     * @param in    a buffer.
     * @param count how many of its readable bytes to compare, at most {@link #PROTOCOL_HEADER_BYTES}.
     * @return true if they are the first {@code count} bytes of AMQP 0-9-1's protocol header (not
     * read past).
     */
    public static boolean startsProtocolHeader(final ByteBuf in, final int count)
    {
        final int start = in.readerIndex();
        for (int i = 0; i < count; i++)
        {
            if (in.getByte(start + i) != PROTOCOL_HEADER[i])
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param out where to write AMQP 0-9-1's protocol header.
     */
    public static void writeProtocolHeader(final ByteBuf out)
    {
        out.writeBytes(PROTOCOL_HEADER);
    }

    /**
     * Write a heartbeat frame.
     *
     * @param out where to write it.
     */
    public static void writeHeartbeat(final ByteBuf out)
    {
        out.writeByte(HEARTBEAT).writeShort(0).writeInt(0).writeByte(FRAME_END);
    }

    /**
     * Begin a frame whose payload size is not known yet: write its type and channel and leave room for
     * the size, for {@link #endFrame} to fill in.
     *
     * @param out     where to write.
     * @param type    the frame type.
     * @param channel the channel.
     * @return where the frame starts, for {@link #endFrame}.
     */
    public static int beginFrame(final ByteBuf out, final int type, final int channel)
    {
        final int start = out.writerIndex();
        out.writeByte(type).writeShort(channel).writeInt(0);
        return start;
    }

    /**
     * End a frame begun by {@link #beginFrame}: fill in its payload size and write the frame-end octet.
     *
     * @param out   where it was written.
     * @param start what {@link #beginFrame} returned.
     */
    public static void endFrame(final ByteBuf out, final int start)
    {
        out.setInt(start + 3, out.writerIndex() - start - HEADER_BYTES);
        out.writeByte(FRAME_END);
    }
}
