package io.robustmq.plugin.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.SaslConfig;
import com.rabbitmq.client.SaslMechanism;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.LongStringHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RabbitMQ's Java client opens connections and channels on a node started in the test: the built-in
 * guest from loopback, the cluster's users with PLAIN and AMQPLAIN, refused logins, the virtual host,
 * the negotiated limits and heartbeats.
 */
class ConnectionTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    static AmqpNode node;

    @BeforeAll
    static void start() throws Exception
    {
        node = AmqpNode.start(dir, """
            [plugins.amqp]
            channel_max = 16
            frame_max = 65536
            heartbeat_s = 30
            """);
        final HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(node.node().adminUrl() +
            "/v1/users")).POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"alice\", \"password\": \"alice-secret\"}"))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, created.statusCode() / 100, created.body());
    }

    @AfterAll
    static void stop()
    {
        node.close();
    }

    @Test
    void aClientsCloseIsAnsweredAndTheSocketLeftForTheClientToClose() throws Exception
    {
        try (RawAmqp raw = RawAmqp.open(node.port()))
        {
            raw.send(1, new AMQImpl.Channel.Open(""));
            raw.expectMethod(AMQImpl.Channel.OpenOk.class);
            raw.send(0, new AMQImpl.Connection.Close(200, "bye", 0, 0));
            raw.expectMethod(AMQImpl.Connection.CloseOk.class);
            // A consumer thread's acknowledgement racing the close: discarded, not met by a reset.
            raw.send(1, new AMQImpl.Basic.Ack(1, false));
            raw.timeout(300);
            assertFalse(raw.closedByServer(), "the socket is the client's to close once it reads close-ok");
            raw.send(1, new AMQImpl.Basic.Ack(2, false));
            raw.timeout(10_000);
            assertTrue(raw.closedByServer(), "a client that keeps it open is closed after a second");
        }
    }

    @Test
    void guestLogsInFromLoopbackAndSeesTheServersPropertiesAndLimits() throws Exception
    {
        try (Connection connection = node.factory().newConnection())
        {
            final Map<String, Object> properties = connection.getServerProperties();
            assertEquals("RobustMQ", properties.get("product").toString());
            assertEquals("robustmq", properties.get("cluster_name").toString());
            @SuppressWarnings("unchecked")
            final Map<String, Object> capabilities = (Map<String, Object>)properties.get("capabilities");
            assertEquals(Boolean.TRUE, capabilities.get("authentication_failure_close"));
            assertEquals(16, connection.getChannelMax());
            assertEquals(65536, connection.getFrameMax());
            assertEquals(30, connection.getHeartbeat());

            final Channel first = connection.createChannel();
            final Channel second = connection.createChannel();
            assertTrue(first.isOpen() && second.isOpen());
            first.close();
            assertFalse(first.isOpen());
            assertTrue(second.isOpen());
        }
    }

    @Test
    void manyChannelsOpenUpToChannelMaxAndCloseWithTheirConnection() throws Exception
    {
        try (Connection connection = node.factory().newConnection())
        {
            for (int i = 1; i <= 16; i++)
            {
                assertEquals(i, connection.createChannel(i).getChannelNumber());
            }
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void aClusterUserLogsInWithPlain() throws Exception
    {
        final ConnectionFactory factory = node.factory();
        factory.setUsername("alice");
        factory.setPassword("alice-secret");
        try (Connection connection = factory.newConnection())
        {
            assertTrue(connection.createChannel().isOpen());
        }
    }

    @Test
    void aClusterUserLogsInWithAmqplain() throws Exception
    {
        final ConnectionFactory factory = node.factory();
        factory.setSaslConfig(amqplain("alice", "alice-secret"));
        try (Connection connection = factory.newConnection())
        {
            assertTrue(connection.isOpen());
        }
    }

    @Test
    void aWrongPasswordIsRefusedWithAccessRefused()
    {
        final ConnectionFactory factory = node.factory();
        factory.setUsername("alice");
        factory.setPassword("wrong");
        assertThrows(AuthenticationFailureException.class, factory::newConnection);

        final ConnectionFactory guest = node.factory();
        guest.setPassword("not-guest");
        assertThrows(AuthenticationFailureException.class, guest::newConnection);

        final ConnectionFactory nobody = node.factory();
        nobody.setSaslConfig(amqplain("nobody", "x"));
        assertThrows(AuthenticationFailureException.class, nobody::newConnection);
    }

    @Test
    void anUnknownVirtualHostIsNotAllowed()
    {
        final ConnectionFactory factory = node.factory();
        factory.setVirtualHost("elsewhere");
        final IOException refused = assertThrows(IOException.class, factory::newConnection);
        final ShutdownSignalException shutdown = assertInstanceOf(ShutdownSignalException.class, refused.getCause());
        final AMQP.Connection.Close close = (AMQP.Connection.Close)shutdown.getReason();
        assertEquals(530, close.getReplyCode());
        assertTrue(close.getReplyText().startsWith("NOT_ALLOWED - vhost elsewhere not found"), close.getReplyText());
    }

    @Test
    void aClientMayAskForSmallerLimitsAndHeartbeats() throws Exception
    {
        final ConnectionFactory factory = node.factory();
        factory.setRequestedChannelMax(4);
        factory.setRequestedFrameMax(8192);
        factory.setRequestedHeartbeat(1);
        try (Connection connection = factory.newConnection())
        {
            assertEquals(4, connection.getChannelMax());
            assertEquals(8192, connection.getFrameMax());
            assertEquals(1, connection.getHeartbeat());
            // Nothing to wait for but time: three intervals in which only heartbeats cross. The server
            // closes a connection silent for two, so the client's heartbeats must count, and the
            // client closes one whose server is silent.
            Thread.sleep(3_000);
            assertTrue(connection.isOpen());
            assertTrue(connection.createChannel().isOpen());
        }
    }

    /**
     * RabbitMQ's AMQPLAIN: a field table without its length, holding LOGIN and PASSWORD (the Java client
     * only offers PLAIN and EXTERNAL of its own).
     */
    private static SaslConfig amqplain(final String user, final String password)
    {
        final SaslMechanism mechanism = new SaslMechanism()
        {
            @Override
            public String getName()
            {
                return "AMQPLAIN";
            }

            @Override
            public LongString handleChallenge(final LongString challenge, final String username, final String pass)
            {
                final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(bytes))
                {
                    field(out, "LOGIN", user);
                    field(out, "PASSWORD", password);
                }
                catch (final IOException ex)
                {
                    throw new IllegalStateException(ex);
                }
                return LongStringHelper.asLongString(bytes.toByteArray());
            }
        };
        return mechanisms -> mechanism;
    }

    private static void field(final DataOutputStream out, final String name, final String value) throws IOException
    {
        final byte[] key = name.getBytes(StandardCharsets.UTF_8);
        final byte[] text = value.getBytes(StandardCharsets.UTF_8);
        out.writeByte(key.length);
        out.write(key);
        out.writeByte('S');
        out.writeInt(text.length);
        out.write(text);
    }
}
