package io.robustmq.plugin.mqtt;

import io.robustmq.kernel.support.TestNode;

import java.nio.file.Path;

/**
 * A node started in the test with the MQTT plugin on ephemeral ports (TCP and WebSocket), and
 * helpers to reach it.
 */
final class MqttNode implements AutoCloseable
{
    private final TestNode node;

    private MqttNode(final TestNode node)
    {
        this.node = node;
    }

    /**
     * @param dir   a temporary directory.
     * @param extra more of the node's TOML (e.g. an {@code [plugins.mqtt]} section's keys).
     * @return the started node.
     */
    static MqttNode start(final Path dir, final String extra) throws Exception
    {
        return new MqttNode(TestNode.start(dir, """
            [plugins.mqtt.listeners.tcp]
            port = 0
            [plugins.mqtt.listeners.ws]
            port = 0
            """ + extra));
    }

    TestNode node()
    {
        return node;
    }

    int tcpPort()
    {
        return node.port("mqtt", "tcp");
    }

    String tcpUri()
    {
        return "tcp://127.0.0.1:" + tcpPort();
    }

    String wsUri()
    {
        return "ws://127.0.0.1:" + node.port("mqtt", "ws") + "/mqtt";
    }

    @Override
    public void close()
    {
        node.close();
    }
}
