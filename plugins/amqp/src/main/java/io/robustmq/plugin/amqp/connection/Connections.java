package io.robustmq.plugin.amqp.connection;

import io.netty.channel.ChannelHandler;
import io.robustmq.plugin.amqp.AmqpSettings;
import io.robustmq.plugin.amqp.queue.QueueStorage;
import io.robustmq.plugin.amqp.topology.Topology;
import io.robustmq.plugin.amqp.topology.TopologyWrites;
import io.robustmq.plugin.api.metadata.Metadata;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection of the plugin shares (settings, logins, the topology and the queues'
 * storage), and the handler each new connection's pipeline gets. Thread-safe.
 */
public final class Connections implements AutoCloseable
{
    private final AmqpSettings settings;
    private final LoginCheck logins;
    private final TopologyMethods topologyMethods;
    private final int nodeId;
    private final AtomicLong serial = new AtomicLong();

    /**
     * @param settings the plugin's settings.
     * @param metadata the cluster's metadata (users).
     * @param topology this node's view of exchanges, queues and bindings.
     * @param writes   changes them.
     * @param storage  queues' messages.
     * @param nodeId   this node.
     */
    public Connections(final AmqpSettings settings, final Metadata metadata, final Topology topology,
        final TopologyWrites writes, final QueueStorage storage, final int nodeId)
    {
        this.settings = settings;
        this.logins = new LoginCheck(metadata, settings.guest(), settings.maxPendingPasswordChecks());
        this.topologyMethods = new TopologyMethods(topology, writes, storage, nodeId);
        this.nodeId = nodeId;
    }

    /**
     * @return the handler of a new connection: its frame decoder, which drives the connection.
     */
    public ChannelHandler newConnection()
    {
        return new AmqpConnection(settings, logins, topologyMethods, nodeId + "/" + serial.incrementAndGet()).decoder();
    }

    @Override
    public void close()
    {
        logins.close();
    }
}
