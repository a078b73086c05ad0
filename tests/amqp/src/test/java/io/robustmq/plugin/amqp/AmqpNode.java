package io.robustmq.plugin.amqp;

import com.rabbitmq.client.ConnectionFactory;
import io.robustmq.kernel.support.TestNode;

import java.nio.file.Path;

/**
 * A node started in the test with the AMQP plugin on an ephemeral port.
 */
final class AmqpNode implements AutoCloseable
{
    private final TestNode node;

    private AmqpNode(final TestNode node)
    {
        this.node = node;
    }

    /**
     * @param dir   a temporary directory.
     * @param extra more of the node's TOML (e.g. {@code [plugins.amqp]} keys).
     * @return the started node.
     */
    static AmqpNode start(final Path dir, final String extra) throws Exception
    {
        return new AmqpNode(TestNode.start(dir, """
            [plugins.amqp.listeners.tcp]
            port = 0
            """ + extra));
    }

    TestNode node()
    {
        return node;
    }

    int port()
    {
        return node.port("amqp", "tcp");
    }

    /**
     * @return a RabbitMQ client's connection factory for this node, as guest, without automatic recovery
     * (a test sees what the server did, not the client's attempt to undo it).
     */
    ConnectionFactory factory()
    {
        final ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port());
        factory.setAutomaticRecoveryEnabled(false);
        factory.setConnectionTimeout(10_000);
        return factory;
    }

    @Override
    public void close()
    {
        node.close();
    }
}
