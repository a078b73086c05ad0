package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PacketSizeGuardTest
{
    /** Collects what passes the guard, and the events it fires. */
    private static final class Sink extends ChannelInboundHandlerAdapter
    {
        final ByteArrayOutputStream passed = new ByteArrayOutputStream();
        final List<Object> events = new ArrayList<>();

        @Override
        public void channelRead(final ChannelHandlerContext ctx, final Object msg)
        {
            final ByteBuf bytes = (ByteBuf)msg;
            final byte[] copy = new byte[bytes.readableBytes()];
            bytes.readBytes(copy);
            bytes.release();
            passed.writeBytes(copy);
        }

        @Override
        public void userEventTriggered(final ChannelHandlerContext ctx, final Object evt)
        {
            events.add(evt);
        }
    }

    private static byte[] packet(final int bodyLength)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        int length = bodyLength;
        do
        {
            int digit = length % 128;
            length /= 128;
            out.write(length > 0 ? digit | 0x80 : digit);
        }
        while (length > 0);
        out.writeBytes(new byte[bodyLength]);
        return out.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 2L, 3L, 4L, 5L})
    void packetsWithinTheLimitPassUnchangedHoweverTheStreamIsCut(final long seed)
    {
        final Random random = new Random(seed);
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0; i < 50; i++)
        {
            stream.writeBytes(packet(random.nextInt(300)));
        }
        final byte[] all = stream.toByteArray();
        final Sink sink = new Sink();
        final EmbeddedChannel channel = new EmbeddedChannel(new PacketSizeGuard(305), sink);
        int at = 0;
        while (at < all.length)
        {
            final int chunk = Math.min(all.length - at, 1 + random.nextInt(40));
            channel.writeInbound(Unpooled.wrappedBuffer(all, at, chunk));
            at += chunk;
        }
        assertArrayEquals(all, sink.passed.toByteArray());
        assertTrue(sink.events.isEmpty());
        assertFalse(channel.finish());
    }

    @Test
    void anOversizePacketStopsTheStreamAfterTheWholePacketsBeforeIt()
    {
        final Sink sink = new Sink();
        final EmbeddedChannel channel = new EmbeddedChannel(new PacketSizeGuard(100), sink);
        final byte[] small = packet(10);
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.writeBytes(small);
        stream.writeBytes(new byte[]{0x30, (byte)0x80, (byte)0x80, 0x40});
        channel.writeInbound(Unpooled.wrappedBuffer(stream.toByteArray()));
        assertArrayEquals(small, sink.passed.toByteArray(), "the packet before it passed");
        assertEquals(1, sink.events.size());
        final PacketSizeGuard.PacketTooLarge tooLarge =
            assertInstanceOf(PacketSizeGuard.PacketTooLarge.class, sink.events.get(0));
        assertEquals(1 + 3 + 0x40 * 128 * 128, tooLarge.declared());
        assertFalse(channel.config().isAutoRead(), "nothing more is read");
        channel.writeInbound(Unpooled.wrappedBuffer(new byte[1000]));
        assertEquals(small.length, sink.passed.size(), "and nothing more passes");
        channel.finishAndReleaseAll();
    }
}
