package io.robustmq.plugin.kafka;

import io.robustmq.kernel.support.TestNode;

import java.nio.file.Path;

/**
 * A node started in the test with the Kafka plugin on an ephemeral port.
 */
final class KafkaNode implements AutoCloseable
{
    private final TestNode node;

    private KafkaNode(final TestNode node)
    {
        this.node = node;
    }

    /**
     * @param dir   a temporary directory.
     * @param extra more of the node's TOML (e.g. {@code [plugins.kafka]} keys).
     * @return the started node.
     */
    static KafkaNode start(final Path dir, final String extra) throws Exception
    {
        return new KafkaNode(TestNode.start(dir, """
            [plugins.kafka.listeners.tcp]
            port = 0
            """ + extra));
    }

    TestNode node()
    {
        return node;
    }

    int port()
    {
        return node.port("kafka", "tcp");
    }

    String bootstrap()
    {
        return "127.0.0.1:" + port();
    }

    @Override
    public void close()
    {
        node.close();
    }
}
