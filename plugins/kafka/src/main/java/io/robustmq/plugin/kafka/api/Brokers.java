package io.robustmq.plugin.kafka.api;

import org.apache.kafka.common.message.MetadataResponseData;

/**
 * Where clients reach the brokers. This node is reached where the client reached it (the listener
 * and address it connected to), unless {@code advertised_host} names another host. Other nodes'
 * Kafka listeners are not known to the cluster yet, so only this node is listed (see the Kafka
 * documentation page: a cluster's partitions led elsewhere are reported without a reachable leader).
 */
public final class Brokers
{
    /**
     * This node.
     *
     * @param nodeId         its id.
     * @param advertisedHost the host clients are told; empty for the address they connected to.
     */
    public record Self(int nodeId, String advertisedHost)
    {
    }

    private final Self self;

    public Brokers(final Self self)
    {
        this.self = self;
    }

    /**
     * @return this node.
     */
    public Self self()
    {
        return self;
    }

    /**
     * @param connection the connection a request came on.
     * @return the host clients are told to reach this node at.
     */
    String host(final ClientConnection connection)
    {
        return self.advertisedHost().isEmpty() ? connection.localAddress().getHostString() : self.advertisedHost();
    }

    /**
     * @param connection the connection a request came on.
     * @return the brokers as Metadata lists them.
     */
    MetadataResponseData.MetadataResponseBrokerCollection describe(final ClientConnection connection)
    {
        final MetadataResponseData.MetadataResponseBrokerCollection brokers =
            new MetadataResponseData.MetadataResponseBrokerCollection();
        brokers.add(new MetadataResponseData.MetadataResponseBroker()
            .setNodeId(self.nodeId())
            .setHost(host(connection))
            .setPort(connection.localAddress().getPort()));
        return brokers;
    }
}
