package io.robustmq.plugin.amqp;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.LongStringHelper;
import com.rabbitmq.client.impl.Method;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input no AMQP client sends, on raw sockets: each answered with the specification's reply code on
 * connection.close (or, for a wrong protocol header, with our header) and the socket closed; after
 * each, the node still serves a real client.
 */
class BadInputTest
{
    @TempDir
    static Path dir;
    static AmqpNode node;

    @BeforeAll
    static void start() throws Exception
    {
        node = AmqpNode.start(dir, """
            [plugins.amqp]
            channel_max = 8
            frame_max = 8192
            handshake_timeout_ms = 500
            """);
    }

    @AfterAll
    static void stop()
    {
        node.close();
    }

    @AfterEach
    void nodeStillServesAClient() throws Exception
    {
        try (Connection connection = node.factory().newConnection())
        {
            assertTrue(connection.createChannel().isOpen());
        }
    }

    @Test
    void aWrongProtocolHeaderIsAnsweredWithOursAndClosed() throws Exception
    {
        for (final byte[] header : new byte[][] {
            {'A', 'M', 'Q', 'P', 0, 1, 0, 0},
            {'A', 'M', 'Q', 'P', 3, 1, 0, 10},
            "GET / HTTP/1.1\r\n\r\n".getBytes()})
        {
            try (RawAmqp raw = new RawAmqp(node.port()))
            {
                raw.write(header);
                assertArrayEquals(RawAmqp.HEADER, raw.readBytes(8));
                assertTrue(raw.closedByServer());
            }
        }
    }

    @Test
    void aFrameOverFrameMaxIsAFrameError() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(1, new AMQImpl.Channel.Open(""));
            raw.expectMethod(AMQImpl.Channel.OpenOk.class);
            // Only the header goes out: the server must refuse on the size alone, without waiting for it.
            raw.write(new byte[] {3, 0, 1, 0x7F, (byte)0xFF, (byte)0xFF, (byte)0xFF});
            assertConnectionClosed(raw, 501, "FRAME_ERROR - a frame of 2147483655 bytes is larger than frame-max 8192");
        }
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.frame(3, 1, new byte[8192 - 7], 0xCE);
            assertConnectionClosed(raw, 501, "FRAME_ERROR - a frame of 8193 bytes is larger than frame-max 8192");
        }
    }

    @Test
    void aFrameWithoutItsEndOctetOrOfAnUnknownTypeIsAFrameError() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.frame(1, 0, new byte[] {0, 10, 0, 51}, 0x00);
            assertConnectionClosed(raw, 501, "FRAME_ERROR - a frame of type 1 on channel 0 does not end with the " +
                "frame-end octet");
        }
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.frame(7, 0, new byte[0], 0xCE);
            assertConnectionClosed(raw, 501, "FRAME_ERROR - unknown frame type 7");
        }
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.frame(8, 1, new byte[0], 0xCE);
            assertConnectionClosed(raw, 501, "FRAME_ERROR - a heartbeat frame on channel 1");
        }
    }

    @Test
    void anUnknownMethodIsNotImplemented() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.frame(1, 0, new byte[] {0, 99, 0, 1}, 0xCE);
            assertConnectionClosed(raw, 540, "NOT_IMPLEMENTED - unknown method (class 99, method 1)");
        }
    }

    @Test
    void aServersMethodFromAClientIsCommandInvalid() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(0, new AMQImpl.Connection.Tune(1, 4096, 0));
            assertConnectionClosed(raw, 503, "COMMAND_INVALID - connection.tune is sent by servers, not clients");
        }
    }

    @Test
    void argumentsLongerThanTheirFrameAreASyntaxError() throws Exception
    {
        // channel.open whose shortstr says 200 bytes where the frame holds 0.
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.frame(1, 1, new byte[] {0, 20, 0, 10, (byte)200}, 0xCE);
            assertConnectionClosed(raw, 502, "SYNTAX_ERROR - malformed method (class 20, method 10): argument 1 " +
                "(shortstr) runs past the frame's end");
        }
        // connection.start-ok whose client properties hold a longstr claiming 2 GiB: refused before decoding.
        try (RawAmqp raw = new RawAmqp(node.port()))
        {
            raw.write(RawAmqp.HEADER);
            raw.expectMethod(AMQImpl.Connection.Start.class);
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeShort(10);
            out.writeShort(11);
            out.writeInt(8);               // the table's length
            out.writeByte(1);
            out.writeByte('k');
            out.writeByte('S');
            out.writeInt(0x7FFF_FFF0);     // a longstr of 2 GiB, in an 8-byte table
            out.writeByte(1);
            raw.frame(1, 0, bytes.toByteArray(), 0xCE);
            assertConnectionClosed(raw, 502, "SYNTAX_ERROR - malformed method (class 10, method 11): argument 1 " +
                "(table) runs past the frame's end");
        }
    }

    @Test
    void aChannelUsedBeforeItIsOpenedOrOpenedTwiceIsAChannelError() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(1, new AMQImpl.Channel.Flow(true));
            assertConnectionClosed(raw, 504, "CHANNEL_ERROR - expected 'channel.open' on channel 1, got channel.flow");
        }
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(2, new AMQImpl.Channel.Open(""));
            raw.expectMethod(AMQImpl.Channel.OpenOk.class);
            raw.send(2, new AMQImpl.Channel.Open(""));
            assertConnectionClosed(raw, 504, "CHANNEL_ERROR - second 'channel.open' seen");
        }
        try (RawAmqp raw = new RawAmqp(node.port()))
        {
            raw.write(RawAmqp.HEADER);
            raw.expectMethod(AMQImpl.Connection.Start.class);
            raw.send(1, new AMQImpl.Channel.Open(""));
            assertConnectionClosed(raw, 504, "CHANNEL_ERROR - channel 1 used before connection.open-ok");
        }
    }

    @Test
    void aChannelAboveChannelMaxIsNotAllowed() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(9, new AMQImpl.Channel.Open(""));
            assertConnectionClosed(raw, 530, "NOT_ALLOWED - channel 9 is above the negotiated channel_max (8)");
        }
    }

    @Test
    void contentWithoutAPublishIsAnUnexpectedFrame() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(1, new AMQImpl.Channel.Open(""));
            raw.expectMethod(AMQImpl.Channel.OpenOk.class);
            raw.frame(3, 1, new byte[] {1, 2, 3}, 0xCE);
            assertConnectionClosed(raw, 505, "UNEXPECTED_FRAME - a content body frame on channel 1 that no " +
                "basic.publish started");
        }
    }

    @Test
    void channelFlowIsAnswered() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(1, new AMQImpl.Channel.Open(""));
            raw.expectMethod(AMQImpl.Channel.OpenOk.class);
            raw.send(1, new AMQImpl.Channel.Flow(false));
            assertEquals(false, raw.expectMethod(AMQImpl.Channel.FlowOk.class).getActive());
            raw.send(1, new AMQImpl.Channel.Flow(true));
            assertEquals(true, raw.expectMethod(AMQImpl.Channel.FlowOk.class).getActive());
        }
    }

    @Test
    void aTuneOkAboveTheServersLimitsIsNotAllowed() throws Exception
    {
        try (RawAmqp raw = new RawAmqp(node.port()))
        {
            raw.loginAsGuest();
            raw.send(0, new AMQImpl.Connection.TuneOk(8, 1 << 20, 0));
            assertConnectionClosed(raw, 530, "NOT_ALLOWED - negotiated frame_max = 1048576, outside 4096..8192");
        }
    }

    @Test
    void anUnsupportedMechanismIsRefused() throws Exception
    {
        try (RawAmqp raw = new RawAmqp(node.port()))
        {
            raw.write(RawAmqp.HEADER);
            raw.expectMethod(AMQImpl.Connection.Start.class);
            raw.send(0, new AMQImpl.Connection.StartOk(Map.of(), "EXTERNAL", LongStringHelper.asLongString(""), "en_US"));
            assertConnectionClosed(raw, 403, "ACCESS_REFUSED - unsupported authentication mechanism 'EXTERNAL' " +
                "(offered: PLAIN AMQPLAIN)");
        }
    }

    @Test
    void aHandshakeThatStallsIsClosed() throws Exception
    {
        try (RawAmqp raw = new RawAmqp(node.port()))
        {
            raw.write(RawAmqp.HEADER);
            raw.expectMethod(AMQImpl.Connection.Start.class);
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void aClientThatStopsSendingIsClosedAfterTwoHeartbeats() throws Exception
    {
        try (RawAmqp raw = new RawAmqp(node.port()))
        {
            raw.loginAsGuest();
            raw.send(0, new AMQImpl.Connection.TuneOk(8, 8192, 1));
            raw.send(0, new AMQImpl.Connection.Open("/", "", false));
            raw.expectMethod(AMQImpl.Connection.OpenOk.class);
            final RawAmqp.Frame heartbeat = raw.read();
            assertEquals(8, heartbeat.type(), "the server's heartbeat, half an interval after its last frame");
            raw.timeout(5_000);
            assertTrue(raw.closedByServer(), "closed after two silent intervals");
        }
    }

    private static void assertConnectionClosed(final RawAmqp raw, final int code, final String text) throws IOException
    {
        final Method method = raw.readMethod();
        final AMQImpl.Connection.Close close = assertInstanceOf(AMQImpl.Connection.Close.class, method);
        assertEquals(code, close.getReplyCode(), close.getReplyText());
        assertEquals(text, close.getReplyText());
        raw.send(0, new AMQImpl.Connection.CloseOk());
        assertTrue(raw.closedByServer());
    }
}
