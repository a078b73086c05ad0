package io.robustmq.plugin.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import io.robustmq.kernel.support.Clients;
import io.robustmq.kernel.support.TestCluster;
import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes in this JVM forming one cluster, each with the AMQP plugin: exchanges, queues and
 * bindings declared through one node are seen by the others; a queue is led by the node it was
 * declared on and works there; another node refuses to serve it, loudly.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTest
{
    @TempDir
    Path temp;

    @Test
    void everyNodeSeesTheTopologyAndAQueueLivesWhereItWasDeclared() throws Exception
    {
        try (TestCluster cluster = TestCluster.start(temp, 3, """
            [plugins.amqp.listeners.tcp]
            port = 0
            """))
        {
            // Node 2's connection ends with the refusal below: closed by the server, not here.
            final Connection two = factory(cluster.node(2)).newConnection();
            try (Connection one = factory(cluster.node(1)).newConnection())
            {
                final Channel channel = one.createChannel();
                channel.exchangeDeclare("shared", "direct", true);
                channel.queueDeclare("local-to-one", true, false, false, null);
                channel.queueBind("local-to-one", "shared", "k");

                final Channel elsewhere = two.createChannel();
                Clients.await("node 2 sees the exchange and the queue", 30_000, () -> declaredOn(two, "local-to-one"));
                elsewhere.exchangeDeclarePassive("shared");

                channel.confirmSelect();
                channel.basicPublish("shared", "k", null, "hello".getBytes(StandardCharsets.UTF_8));
                channel.waitForConfirmsOrDie(10_000);
                final GetResponse got = channel.basicGet("local-to-one", true);
                assertEquals("hello", new String(got.getBody(), StandardCharsets.UTF_8));

                final IOException refused = assertThrows(IOException.class, () -> elsewhere.basicGet("local-to-one", true));
                final AMQP.Connection.Close close = (AMQP.Connection.Close)assertInstanceOf(ShutdownSignalException.class,
                    refused.getCause()).getReason();
                assertEquals(540, close.getReplyCode());
                assertTrue(close.getReplyText().startsWith("NOT_IMPLEMENTED - queue 'local-to-one' is on node 1: " +
                    "connect to that node"), close.getReplyText());
            }
            finally
            {
                if (two.isOpen())
                {
                    two.close();
                }
            }
        }
    }

    private static boolean declaredOn(final Connection connection, final String queue)
    {
        try (Channel check = connection.createChannel())
        {
            check.queueDeclarePassive(queue);
            return true;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    private static ConnectionFactory factory(final TestNode node)
    {
        final ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(node.port("amqp", "tcp"));
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }
}
