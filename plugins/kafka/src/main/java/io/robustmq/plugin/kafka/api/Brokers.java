package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.NodeInfo;
import io.robustmq.plugin.api.metadata.ShardInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Where clients reach the brokers, which node leads a partition, and which coordinates a group.
 * <p>
 * A broker is a node of the cluster that is up and has said where its Kafka listeners are (see
 * {@link NodeInfo#endpoints()}). A client is told each broker's endpoint for the listener it
 * connected to ({@code kafka.tcp}, {@code kafka.tls}, ...), as Kafka's brokers answer per listener.
 * This node is told as the client reached it (the address it connected to), unless
 * {@code network.advertised_host} names another host.
 * <p>
 * The coordinator of a group is the node at {@code floorMod(groupId.hashCode(), n)} among the
 * cluster's {@code n} registered nodes in order of id, up or down: a group's committed offsets are
 * kept by its coordinator alone (they are not replicated yet), so while that node is down its groups
 * have no coordinator (COORDINATOR_NOT_AVAILABLE) rather than another node without their offsets.
 */
public final class Brokers
{
    /** The plugin's name in a node's endpoints. */
    private static final String PLUGIN = "kafka";

    private final Metadata metadata;
    private final int selfId;
    private final String advertisedHost;

    /**
     * @param metadata       the cluster's metadata.
     * @param selfId         this node's id.
     * @param advertisedHost the host clients are told to reach this node at; empty for the address
     *                       they connected to.
     */
    public Brokers(final Metadata metadata, final int selfId, final String advertisedHost)
    {
        this.metadata = metadata;
        this.selfId = selfId;
        this.advertisedHost = advertisedHost;
    }

    /**
     * A broker as clients are told it.
     *
     * @param nodeId its id.
     * @param host   where to reach it.
     * @param port   its port.
     */
    public record Broker(int nodeId, String host, int port)
    {
    }

    /**
     * @return this node's id.
     */
    public int selfId()
    {
        return selfId;
    }

    /**
     * @param connection the connection a request came on.
     * @return every broker a client of that listener can reach, in order of id.
     */
    List<Broker> describe(final ClientConnection connection)
    {
        final List<NodeInfo> nodes = new ArrayList<>(metadata.nodes());
        nodes.sort(Comparator.comparingInt(NodeInfo::id));
        final List<Broker> brokers = new ArrayList<>(nodes.size() + 1);
        boolean selfListed = false;
        for (final NodeInfo node : nodes)
        {
            if (node.id() == selfId)
            {
                brokers.add(self(connection));
                selfListed = true;
            }
            else if (node.up())
            {
                node.endpoint(PLUGIN, connection.listenerName())
                    .ifPresent(endpoint -> brokers.add(new Broker(node.id(), endpoint.host(), endpoint.port())));
            }
        }
        if (!selfListed)
        {
            brokers.add(0, self(connection));
        }
        return brokers;
    }

    /**
     * @param nodeId     a node's id.
     * @param connection the connection a request came on.
     * @return the node as a broker for that listener, or empty if it is down or has no such listener.
     */
    Optional<Broker> broker(final int nodeId, final ClientConnection connection)
    {
        if (nodeId == selfId)
        {
            return Optional.of(self(connection));
        }
        for (final NodeInfo node : metadata.nodes())
        {
            if (node.id() == nodeId && node.up())
            {
                return node.endpoint(PLUGIN, connection.listenerName())
                    .map(endpoint -> new Broker(node.id(), endpoint.host(), endpoint.port()));
            }
        }
        return Optional.empty();
    }

    /**
     * @param topic     a topic's name.
     * @param partition a partition's index.
     * @return true if this node leads the partition now.
     */
    boolean leads(final String topic, final int partition)
    {
        final Optional<ShardInfo> shard = metadata.shard(topic, partition);
        return shard.isPresent() && shard.get().leader() == selfId;
    }

    /**
     * @param groupId a group's id.
     * @return the id of the node that coordinates the group, by the rule in the class comment; this
     * node's when the cluster knows no node yet.
     */
    int coordinator(final String groupId)
    {
        final List<NodeInfo> nodes = metadata.nodes();
        if (nodes.isEmpty())
        {
            return selfId;
        }
        final int[] ids = new int[nodes.size()];
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = nodes.get(i).id();
        }
        java.util.Arrays.sort(ids);
        return ids[Math.floorMod(groupId.hashCode(), ids.length)];
    }

    /**
     * @param groupId a group's id.
     * @return true if this node coordinates the group.
     */
    boolean coordinates(final String groupId)
    {
        return coordinator(groupId) == selfId;
    }

    private Broker self(final ClientConnection connection)
    {
        return new Broker(selfId, advertisedHost.isEmpty() ? connection.localAddress().getHostString() : advertisedHost,
            connection.localAddress().getPort());
    }
}
