package io.robustmq.plugin.mqtt;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the broker does with packets no client library would send: each refused as the
 * specification says, over a raw socket, and the node serving on afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest
{
    @TempDir
    static Path temp;
    private MqttNode node;

    @BeforeAll
    void start() throws Exception
    {
        node = MqttNode.start(temp, """
            [plugins.mqtt]
            max_packet_bytes = 4096
            connect_timeout_s = 1
            """);
    }

    @AfterAll
    void stop()
    {
        node.close();
    }

    private Socket open() throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", node.tcpPort());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void send(final Socket socket, final byte[] bytes) throws IOException
    {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
    }

    /** Reads until the broker closes the connection; fails if it does not within the timeout. */
    private static byte[] untilClosed(final Socket socket) throws IOException
    {
        return socket.getInputStream().readAllBytes();
    }

    private static Socket connected(final BadInputTest test, final int level) throws IOException
    {
        final Socket socket = test.open();
        send(socket, RawMqtt.connect(level, "bad-input-" + level + "-" + System.nanoTime()));
        assertEquals(0, RawMqtt.readConnAckCode(socket.getInputStream()));
        return socket;
    }

    /** The reason code of the DISCONNECT the broker sent before closing (MQTT 5). */
    private static int disconnectReason(final byte[] rest)
    {
        assertTrue(rest.length >= 3 && (rest[0] & 0xFF) == 0xE0, "a DISCONNECT, got " + rest.length + " bytes");
        return rest[2] & 0xFF;
    }

    @Test
    void aPacketBeforeConnectClosesTheConnection() throws IOException
    {
        try (Socket socket = open())
        {
            send(socket, new byte[]{(byte)0xC0, 0});
            assertEquals(0, untilClosed(socket).length);
        }
    }

    @Test
    void noKeepAliveIsAcceptedWhenNoMaximumIsSet() throws IOException
    {
        try (Socket socket = open())
        {
            send(socket, RawMqtt.connect(4, "no-keep-alive", 0));
            assertEquals(0, RawMqtt.readConnAckCode(socket.getInputStream()));
        }
    }

    @Test
    void anUnsupportedProtocolLevelGetsReturnCode1() throws IOException
    {
        try (Socket socket = open())
        {
            send(socket, RawMqtt.connect(9, "future"));
            assertEquals(0x01, RawMqtt.readConnAckCode(socket.getInputStream()));
            assertEquals(0, untilClosed(socket).length);
        }
    }

    @Test
    void anOversizePacketIsRefusedBeforeItIsRead() throws IOException
    {
        try (Socket socket = connected(this, 5))
        {
            // A PUBLISH declaring 100 MB: the broker must not wait for (or buffer) its body.
            send(socket, new byte[]{0x30, (byte)0x80, (byte)0x80, (byte)0x80, 0x30});
            assertEquals(0x95, disconnectReason(untilClosed(socket)));
        }
        try (Socket socket = connected(this, 4))
        {
            send(socket, new byte[]{0x30, (byte)0x80, (byte)0x80, (byte)0x80, 0x30});
            assertEquals(0, untilClosed(socket).length, "MQTT 3: closed without a word");
        }
    }

    @Test
    void qos3AndReservedFlagsAreMalformed() throws IOException
    {
        try (Socket socket = connected(this, 5))
        {
            send(socket, RawMqtt.packet(0x36, new byte[]{0, 1, 'a', 0, 1, 0}));
            assertEquals(0x81, disconnectReason(untilClosed(socket)));
        }
        try (Socket socket = connected(this, 4))
        {
            send(socket, RawMqtt.packet(0x82 | 0x08, new byte[]{0, 1, 0, 1, 'a', 0}));
            assertEquals(0, untilClosed(socket).length, "SUBSCRIBE with DUP set");
        }
    }

    @Test
    void aSecondConnectIsAProtocolError() throws IOException
    {
        try (Socket socket = connected(this, 5))
        {
            send(socket, RawMqtt.connect(5, "again"));
            assertEquals(0x82, disconnectReason(untilClosed(socket)));
        }
    }

    @Test
    void wildcardsInATopicNameAndBadFiltersAreRefused() throws IOException
    {
        try (Socket socket = connected(this, 5))
        {
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            RawMqtt.string(body, "a/+/b");
            body.write(0);
            send(socket, RawMqtt.packet(0x30, body.toByteArray()));
            final int reason = disconnectReason(untilClosed(socket));
            assertTrue(reason == 0x90 || reason == 0x81, "topic name invalid or malformed: " + reason);
        }
        try (Socket socket = connected(this, 4))
        {
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(0);
            body.write(7);
            RawMqtt.string(body, "a/#/b");
            body.write(1);
            RawMqtt.string(body, "ok/+");
            body.write(1);
            send(socket, RawMqtt.packet(0x82, body.toByteArray()));
            final InputStream in = socket.getInputStream();
            assertEquals(0x90, in.read(), "SUBACK");
            assertEquals(4, in.read());
            assertEquals(0, in.read());
            assertEquals(7, in.read());
            assertEquals(0x80, in.read(), "the bad filter fails");
            assertEquals(1, in.read(), "the good one is granted");
        }
    }

    @Test
    void aTopicNameThatIsNotUtf8IsMalformedAndTheMessageIsNotRouted() throws Exception
    {
        final ByteArrayOutputStream watcherSubscribe = new ByteArrayOutputStream();
        watcherSubscribe.write(new byte[] {0, 1});
        RawMqtt.string(watcherSubscribe, "#");
        watcherSubscribe.write(0);
        try (Socket watcher = connected(this, 4))
        {
            send(watcher, RawMqtt.packet(0x82, watcherSubscribe.toByteArray()));
            final InputStream watching = watcher.getInputStream();
            assertEquals(0x90, watching.read(), "SUBACK");
            watching.readNBytes(4);
            // 0xC3 0x28: a lead byte followed by no continuation byte; then an overlong '/' (0xC0 0xAF); then U+0000.
            final byte[][] badNames = {{'a', (byte)0xC3, 0x28}, {'a', (byte)0xC0, (byte)0xAF}, {'a', 0, 'b'}};
            for (final byte[] name : badNames)
            {
                for (final int level : new int[] {5, 4})
                {
                    try (Socket socket = connected(this, level))
                    {
                        final ByteArrayOutputStream body = new ByteArrayOutputStream();
                        body.write(new byte[] {0, (byte)name.length});
                        body.write(name);
                        if (level == 5)
                        {
                            body.write(0);
                        }
                        body.write("payload".getBytes(StandardCharsets.UTF_8));
                        send(socket, RawMqtt.packet(0x30, body.toByteArray()));
                        final byte[] rest = untilClosed(socket);
                        if (level == 5)
                        {
                            // Netty's decoder checks strings strictly (U+0000 included): a malformed packet.
                            assertEquals(0x81, disconnectReason(rest), "malformed packet");
                        }
                        else
                        {
                            assertEquals(0, rest.length, "MQTT 3: closed without a word");
                        }
                    }
                }
            }
            // A well-formed name with characters beyond ASCII passes, and is the only message the watcher sees.
            try (Socket socket = connected(this, 4))
            {
                final byte[] name = "température/é".getBytes(StandardCharsets.UTF_8);
                final ByteArrayOutputStream body = new ByteArrayOutputStream();
                body.write(new byte[] {0, (byte)name.length});
                body.write(name);
                body.write('x');
                send(socket, RawMqtt.packet(0x30, body.toByteArray()));
            }
            assertEquals(0x30, watching.read(), "a PUBLISH");
            final int length = watching.read();
            final byte[] publish = watching.readNBytes(length);
            assertEquals("température/é", new String(publish, 2, publish.length - 3, StandardCharsets.UTF_8));
        }
    }

    /** An acknowledgement's first byte, packet id and reason code (MQTT 5; its properties, if any, skipped). */
    private static byte[] reply(final InputStream in) throws IOException
    {
        final int first = in.read();
        final byte[] rest = in.readNBytes(in.read());
        return new byte[] {(byte)first, rest[0], rest[1], rest.length > 2 ? rest[2] : 0};
    }

    @Test
    void packetIdMisuseGetsTheSpecsAnswers() throws IOException
    {
        try (Socket socket = connected(this, 5))
        {
            final InputStream in = socket.getInputStream();
            // PUBREL and PUBREC for packet ids the broker never used: 0x92 Packet Identifier not found.
            send(socket, RawMqtt.packet(0x62, new byte[] {0x12, 0x34}));
            assertArrayEquals(new byte[] {0x70, 0x12, 0x34, (byte)0x92}, reply(in), "PUBCOMP 0x92");
            send(socket, RawMqtt.packet(0x50, new byte[] {0x12, 0x35}));
            assertArrayEquals(new byte[] {0x62, 0x12, 0x35, (byte)0x92}, reply(in), "PUBREL 0x92");
            // A PUBACK for an unknown id is ignored: the connection goes on (a PINGREQ is answered).
            send(socket, RawMqtt.packet(0x40, new byte[] {0x12, 0x36}));
            send(socket, RawMqtt.packet(0xC0, new byte[0]));
            assertArrayEquals(new byte[] {(byte)0xD0, 0}, in.readNBytes(2), "PINGRESP");
        }
        for (final int level : new int[] {5, 4})
        {
            // A QoS 1 PUBLISH with packet id 0 (MQTT-2.2.1-3: a non-zero id): malformed.
            try (Socket socket = connected(this, level))
            {
                final ByteArrayOutputStream body = new ByteArrayOutputStream();
                RawMqtt.string(body, "ids/zero");
                body.write(new byte[] {0, 0});
                if (level == 5)
                {
                    body.write(0);
                }
                send(socket, RawMqtt.packet(0x32, body.toByteArray()));
                final byte[] rest = untilClosed(socket);
                if (level == 5)
                {
                    final int reason = disconnectReason(rest);
                    assertTrue(reason == 0x81 || reason == 0x82, "malformed or protocol error: " + reason);
                }
                else
                {
                    assertEquals(0, rest.length, "MQTT 3: closed without a word");
                }
            }
        }
    }

    @Test
    void aConnectionThatSendsPartOfAConnectAndStopsIsClosed() throws IOException
    {
        try (Socket socket = open())
        {
            // The first bytes of a CONNECT (type, then a remaining length of 20), and nothing more.
            send(socket, new byte[] {0x10, 20, 0, 4, 'M'});
            // Closed by connect_timeout_s (1 s here); without it the read would time out after 10 s and fail.
            assertEquals(0, untilClosed(socket).length, "closed without a CONNACK");
        }
    }

    @Test
    void aSilentClientIsDisconnectedAfterOneAndAHalfKeepAlives() throws IOException
    {
        try (Socket socket = open())
        {
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            RawMqtt.string(body, "MQTT");
            body.write(5);
            body.write(0x02);
            body.write(0);
            body.write(1);
            body.write(0);
            RawMqtt.string(body, "sleepy");
            send(socket, RawMqtt.packet(0x10, body.toByteArray()));
            assertEquals(0, RawMqtt.readConnAckCode(socket.getInputStream()));
            final long start = System.nanoTime();
            assertEquals(0x8D, disconnectReason(untilClosed(socket)), "keep alive timeout");
            assertTrue(System.nanoTime() - start >= 1_000_000_000L, "not before 1.5 s of silence");
        }
    }
}
