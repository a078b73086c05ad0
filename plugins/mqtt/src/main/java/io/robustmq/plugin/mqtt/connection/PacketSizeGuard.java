package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Sits before Netty's MQTT decoder and follows packet boundaries in the byte stream (the fixed
 * header's first byte, then its variable-length Remaining Length) without copying or holding
 * bytes. A packet declaring more than the limit is refused as soon as its length is read, before
 * the decoder would buffer it: the connection is told {@link PacketTooLarge} (the handler after
 * the decoder answers per protocol version) and nothing more is read from it.
 * <p>
 * Netty's decoder itself waits for a whole packet before it checks the size, so without this guard
 * a client declaring 256 MB would make the broker buffer 256 MB.
 */
public final class PacketSizeGuard extends ChannelInboundHandlerAdapter
{
    /**
     * Fired down the pipeline when a packet is too large.
     *
     * @param declared the packet's size, as its header declares it.
     * @param limit    the largest allowed.
     */
    public record PacketTooLarge(long declared, int limit)
    {
    }

    private static final int TYPE_BYTE = 0;
    private static final int LENGTH = 1;
    private static final int BODY = 2;
    private static final int REFUSED = 3;

    private final int maxPacketBytes;
    private int state = TYPE_BYTE;
    private int lengthBytes;
    private long remainingLength;
    private int multiplier;
    private long bodyLeft;

    /**
     * @param maxPacketBytes the largest packet accepted, fixed header included.
     */
    public PacketSizeGuard(final int maxPacketBytes)
    {
        this.maxPacketBytes = maxPacketBytes;
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof ByteBuf bytes))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        if (state == REFUSED)
        {
            bytes.release();
            return;
        }
        int index = bytes.readerIndex();
        final int end = bytes.writerIndex();
        int packetStart = -1;
        while (index < end)
        {
            switch (state)
            {
                case TYPE_BYTE ->
                {
                    packetStart = index;
                    index++;
                    state = LENGTH;
                    lengthBytes = 0;
                    remainingLength = 0;
                    multiplier = 1;
                }
                case LENGTH ->
                {
                    final int digit = bytes.getUnsignedByte(index++);
                    remainingLength += (long)(digit & 0x7F) * multiplier;
                    multiplier *= 128;
                    lengthBytes++;
                    final long packetBytes = 1 + lengthBytes + remainingLength;
                    if (packetBytes > maxPacketBytes)
                    {
                        refuse(ctx, bytes, packetStart, packetBytes);
                        return;
                    }
                    if ((digit & 0x80) == 0)
                    {
                        bodyLeft = remainingLength;
                        state = bodyLeft == 0 ? TYPE_BYTE : BODY;
                    }
                    else if (lengthBytes == 4)
                    {
                        // A fifth length byte is malformed: let the decoder say so.
                        state = REFUSED;
                        ctx.fireChannelRead(bytes);
                        return;
                    }
                }
                default ->
                {
                    final int skip = (int)Math.min(bodyLeft, end - index);
                    index += skip;
                    bodyLeft -= skip;
                    if (bodyLeft == 0)
                    {
                        state = TYPE_BYTE;
                    }
                }
            }
        }
        ctx.fireChannelRead(bytes);
    }

    /**
     * Pass on the whole packets before the one refused (when it started in this buffer), then stop.
     */
    private void refuse(final ChannelHandlerContext ctx, final ByteBuf bytes, final int packetStart, final long declared)
    {
        state = REFUSED;
        if (packetStart > bytes.readerIndex())
        {
            ctx.fireChannelRead(bytes.retainedSlice(bytes.readerIndex(), packetStart - bytes.readerIndex()));
        }
        bytes.release();
        ctx.channel().config().setAutoRead(false);
        ctx.fireUserEventTriggered(new PacketTooLarge(declared, maxPacketBytes));
    }
}
