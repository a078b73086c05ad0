package io.robustmq.plugin.api.metadata;

import java.util.Map;
import java.util.Optional;

/**
 * A node of the cluster.
 *
 * @param id        its id.
 * @param address   its admin API's URL, {@code http://host:port}.
 * @param up        false once it has missed its heartbeats.
 * @param endpoints where its protocols' listeners are reached: {@code plugin.listener} (e.g.
 *                  {@code kafka.tcp}) to {@code host:port}, an IPv6 host in brackets; empty until
 *                  the node has bound its listeners and said so.
 */
public record NodeInfo(int id, String address, boolean up, Map<String, String> endpoints)
{
    public NodeInfo
    {
        endpoints = Map.copyOf(endpoints);
    }

    /**
     * A node that has said nothing of its listeners.
     */
    public NodeInfo(final int id, final String address, final boolean up)
    {
        this(id, address, up, Map.of());
    }

    /**
     * @param plugin   a plugin's name, e.g. {@code kafka}.
     * @param listener one of its listeners' names, e.g. {@code tcp}.
     * @return where that listener is reached on this node, or empty.
     */
    public Optional<Endpoint> endpoint(final String plugin, final String listener)
    {
        final String address = endpoints.get(plugin + "." + listener);
        if (address == null)
        {
            return Optional.empty();
        }
        final int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]"))
        {
            host = host.substring(1, host.length() - 1);
        }
        return Optional.of(new Endpoint(host, Integer.parseInt(address.substring(colon + 1))));
    }

    /**
     * Where a listener is reached.
     *
     * @param host a host name or address (an IPv6 address without brackets).
     * @param port its port.
     */
    public record Endpoint(String host, int port)
    {
    }
}
