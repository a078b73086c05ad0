package io.robustmq.plugin.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import io.robustmq.kernel.support.Clients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Exchanges, queues and bindings declared, checked, bound and deleted by RabbitMQ's Java client, as
 * RabbitMQ answers them, and kept across a restart of the node.
 */
class TopologyTest
{
    @TempDir
    Path dir;
    AmqpNode node;
    Connection connection;

    @BeforeEach
    void start() throws Exception
    {
        node = AmqpNode.start(dir, "");
        connection = node.factory().newConnection();
    }

    @AfterEach
    void stop() throws Exception
    {
        if (connection.isOpen())
        {
            connection.close();
        }
        node.close();
    }

    @Test
    void exchangesOfEveryTypeAreDeclaredAndRedeclaredEquivalently() throws Exception
    {
        final Channel channel = connection.createChannel();
        for (final String type : new String[] {"direct", "fanout", "topic", "headers"})
        {
            channel.exchangeDeclare("x-" + type, type, true);
            channel.exchangeDeclare("x-" + type, type, true);
            channel.exchangeDeclarePassive("x-" + type);
        }
        channel.exchangeDeclare("amq.direct", "direct", true);
        channel.exchangeDeclarePassive("amq.topic");
        channel.exchangeDeclarePassive("");

        assertChannelClosed(connection.createChannel(), 406, "PRECONDITION_FAILED - inequivalent arg 'type' for " +
            "exchange 'x-direct' in vhost '/': received 'fanout' but current is 'direct'",
            c -> c.exchangeDeclare("x-direct", "fanout", true));
        assertChannelClosed(connection.createChannel(), 406, "PRECONDITION_FAILED - inequivalent arg 'durable' for " +
            "exchange 'x-topic' in vhost '/': received 'false' but current is 'true'",
            c -> c.exchangeDeclare("x-topic", "topic", false));
        assertChannelClosed(connection.createChannel(), 404, "NOT_FOUND - no exchange 'missing' in vhost '/'",
            c -> c.exchangeDeclarePassive("missing"));
        assertChannelClosed(connection.createChannel(), 403, "ACCESS_REFUSED - exchange name 'amq.mine' contains " +
            "reserved prefix 'amq.*'", c -> c.exchangeDeclare("amq.mine", "direct"));
        assertChannelClosed(connection.createChannel(), 403, "ACCESS_REFUSED - operation not permitted on exchange " +
            "'amq.fanout'", c -> c.exchangeDelete("amq.fanout"));
        assertTrue(channel.isOpen(), "errors close only their own channels");
    }

    @Test
    void anUnknownExchangeTypeClosesTheConnection()
    {
        final IOException failure = assertThrows(IOException.class,
            () -> connection.createChannel().exchangeDeclare("odd", "no-such-type"));
        final AMQP.Connection.Close close = (AMQP.Connection.Close)assertInstanceOf(ShutdownSignalException.class,
            failure.getCause()).getReason();
        assertEquals(503, close.getReplyCode());
        assertEquals("COMMAND_INVALID - unknown exchange type 'no-such-type'", close.getReplyText());
    }

    @Test
    void queuesAreDeclaredServerNamedPassivelyAndEquivalently() throws Exception
    {
        final Channel channel = connection.createChannel();
        final AMQP.Queue.DeclareOk named = channel.queueDeclare();
        assertTrue(named.getQueue().startsWith("amq.gen-"), named.getQueue());
        assertEquals(0, named.getMessageCount());
        assertEquals(0, named.getConsumerCount());

        assertEquals("orders", channel.queueDeclare("orders", true, false, false, null).getQueue());
        assertEquals("orders", channel.queueDeclare("orders", true, false, false, null).getQueue());
        assertEquals("orders", channel.queueDeclarePassive("orders").getQueue());
        channel.queueDeclare("typed", true, false, false, Map.of("x-queue-type", "classic"));

        assertChannelClosed(connection.createChannel(), 406, "PRECONDITION_FAILED - inequivalent arg 'durable' for " +
            "queue 'orders' in vhost '/': received 'false' but current is 'true'",
            c -> c.queueDeclare("orders", false, false, false, null));
        assertChannelClosed(connection.createChannel(), 404, "NOT_FOUND - no queue 'missing' in vhost '/'",
            c -> c.queueDeclarePassive("missing"));
        assertChannelClosed(connection.createChannel(), 403, "ACCESS_REFUSED - queue name 'amq.mine' contains " +
            "reserved prefix 'amq.*'", c -> c.queueDeclare("amq.mine", false, false, false, null));
        assertChannelClosed(connection.createChannel(), 406, "PRECONDITION_FAILED - invalid arg 'x-queue-type' for " +
            "queue 'quorum' in vhost '/': only classic queues are implemented, got 'quorum'",
            c -> c.queueDeclare("quorum", true, false, false, Map.of("x-queue-type", "quorum")));

        assertEquals(0, channel.queueDelete("orders").getMessageCount());
        assertEquals(0, channel.queueDelete("orders").getMessageCount(), "deleting a queue that is gone is done");
        assertChannelClosed(connection.createChannel(), 404, "NOT_FOUND - no queue 'orders' in vhost '/'",
            c -> c.queueDeclarePassive("orders"));
    }

    @Test
    void aQueueArgumentNotImplementedYetIsRefusedLoudly()
    {
        final IOException failure = assertThrows(IOException.class, () -> connection.createChannel()
            .queueDeclare("lazy", true, false, false, Map.of("x-queue-mode", "lazy")));
        final AMQP.Connection.Close close = (AMQP.Connection.Close)assertInstanceOf(ShutdownSignalException.class,
            failure.getCause()).getReason();
        assertEquals(540, close.getReplyCode());
        assertEquals("NOT_IMPLEMENTED - queue argument 'x-queue-mode' is not implemented yet", close.getReplyText());
    }

    @Test
    void anExclusiveQueueBelongsToItsConnectionAndGoesWithIt() throws Exception
    {
        final String queue = connection.createChannel().queueDeclare("mine", false, true, false, null).getQueue();
        try (Connection other = node.factory().newConnection())
        {
            assertChannelClosed(other.createChannel(), 405, "RESOURCE_LOCKED - cannot obtain exclusive access to " +
                "locked queue 'mine' in vhost '/'. It could be originally declared on another connection or the " +
                "exclusive property value does not match that of the original declaration.",
                c -> c.queueDeclarePassive(queue));
            connection.close();
            Clients.await("the exclusive queue deleted with its connection", 10_000, () -> !queueExists(other, queue));
        }
    }

    @Test
    void bindingsNeedBothEndsAndKeepTheirExchangeInUse() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.exchangeDeclare("events", "topic", true);
        channel.exchangeDeclare("audit", "fanout", true);
        channel.queueDeclare("all-events", true, false, false, null);
        channel.queueBind("all-events", "events", "#");
        channel.queueBind("all-events", "events", "#");
        channel.exchangeBind("audit", "events", "audit.*");

        assertChannelClosed(connection.createChannel(), 404, "NOT_FOUND - no exchange 'nowhere' in vhost '/'",
            c -> c.queueBind("all-events", "nowhere", "#"));
        assertChannelClosed(connection.createChannel(), 404, "NOT_FOUND - no queue 'nobody' in vhost '/'",
            c -> c.queueBind("nobody", "events", "#"));
        assertChannelClosed(connection.createChannel(), 403, "ACCESS_REFUSED - operation not permitted on the " +
            "default exchange", c -> c.queueBind("all-events", "", "all-events"));
        assertChannelClosed(connection.createChannel(), 406, "PRECONDITION_FAILED - exchange 'events' in vhost '/' " +
            "in use", c -> c.exchangeDelete("events", true));

        final String bindings = node.node().get("/v1/plugins/amqp/bindings").body();
        assertTrue(bindings.contains("{\"source\":\"events\",\"destination\":\"all-events\",\"destination_type\":" +
            "\"queue\",\"routing_key\":\"#\",\"arguments\":{}}"), bindings);
        assertTrue(bindings.contains("\"destination\":\"audit\",\"destination_type\":\"exchange\""), bindings);
        final String queues = node.node().get("/v1/plugins/amqp/queues").body();
        assertTrue(queues.contains("\"name\":\"all-events\",\"durable\":true"), queues);
        final String exchanges = node.node().get("/v1/plugins/amqp/exchanges").body();
        assertTrue(exchanges.contains("\"name\":\"events\",\"type\":\"topic\""), exchanges);
        assertEquals(404, node.node().get("/v1/plugins/amqp/nothing").statusCode());

        channel.queueUnbind("all-events", "events", "#");
        channel.exchangeUnbind("audit", "events", "audit.*");
        channel.queueUnbind("all-events", "events", "never-bound");
        channel.exchangeDelete("events", true);
        assertChannelClosed(connection.createChannel(), 404, "NOT_FOUND - no exchange 'events' in vhost '/'",
            c -> c.exchangeDeclarePassive("events"));
    }

    @Test
    void anAutoDeleteExchangeGoesWithItsLastBinding() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.exchangeDeclare("short-lived", "direct", false, true, null);
        channel.queueDeclare("bound", false, false, false, null);
        channel.queueBind("bound", "short-lived", "k");
        channel.exchangeDeclarePassive("short-lived");
        channel.queueUnbind("bound", "short-lived", "k");
        assertChannelClosed(connection.createChannel(), 404, "NOT_FOUND - no exchange 'short-lived' in vhost '/'",
            c -> c.exchangeDeclarePassive("short-lived"));
    }

    @Test
    void durableExchangesQueuesAndBindingsOutliveARestart() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.exchangeDeclare("kept", "direct", true);
        channel.queueDeclare("kept-queue", true, false, false, null);
        channel.queueBind("kept-queue", "kept", "key");
        connection.close();
        node.close();

        node = AmqpNode.start(dir, "");
        connection = node.factory().newConnection();
        final Channel after = connection.createChannel();
        after.exchangeDeclarePassive("kept");
        assertEquals("kept-queue", after.queueDeclarePassive("kept-queue").getQueue());
        assertChannelClosed(connection.createChannel(), 406, "PRECONDITION_FAILED - exchange 'kept' in vhost '/' in use",
            c -> c.exchangeDelete("kept", true));
        assertTrue(after.isOpen());
    }

    @Test
    void transientAndExclusiveOnesGoWithARestart() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.exchangeDeclare("passing", "fanout", false);
        channel.queueDeclare("passing-queue", false, false, false, null);
        channel.queueDeclare("held", true, true, false, null);
        connection.close();
        node.close();

        node = AmqpNode.start(dir, "");
        connection = node.factory().newConnection();
        for (final String queue : new String[] {"passing-queue", "held"})
        {
            Clients.await("queue " + queue + " deleted at start", 10_000, () -> !queueExists(queue));
        }
        Clients.await("exchange deleted at start", 10_000, () ->
        {
            try (Channel check = connection.createChannel())
            {
                check.exchangeDeclarePassive("passing");
                return false;
            }
            catch (final IOException | java.util.concurrent.TimeoutException ex)
            {
                return true;
            }
        });
    }

    private boolean queueExists(final String queue)
    {
        return queueExists(connection, queue);
    }

    /**
     * @return false once a passive declaration is answered 404 (another refusal, such as 405 for a
     * queue another connection holds, means it exists).
     */
    private static boolean queueExists(final Connection on, final String queue)
    {
        try (Channel check = on.createChannel())
        {
            check.queueDeclarePassive(queue);
            return true;
        }
        catch (final IOException ex)
        {
            return !(ex.getCause() instanceof ShutdownSignalException shutdown &&
                shutdown.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == 404);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            return true;
        }
    }

    private interface ChannelCall
    {
        void call(Channel channel) throws IOException;
    }

    private static void assertChannelClosed(final Channel channel, final int code, final String text,
        final ChannelCall call)
    {
        final IOException failure = assertThrows(IOException.class, () -> call.call(channel));
        final ShutdownSignalException shutdown = assertInstanceOf(ShutdownSignalException.class, failure.getCause());
        assertFalse(shutdown.isHardError(), "a channel error, not the connection's: " + shutdown.getMessage());
        final AMQP.Channel.Close close = (AMQP.Channel.Close)shutdown.getReason();
        assertEquals(code, close.getReplyCode(), close.getReplyText());
        assertEquals(text, close.getReplyText());
        assertFalse(channel.isOpen());
    }
}
