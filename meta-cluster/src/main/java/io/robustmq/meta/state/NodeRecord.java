package io.robustmq.meta.state;

import java.util.Map;

/**
 * A node as the cluster knows it.
 *
 * @param id            the node's id.
 * @param address       its admin API address.
 * @param up            false once it has missed its heartbeats.
 * @param registeredAt  cluster time it (last) registered, ms.
 * @param lastHeartbeat cluster time of its last heartbeat, ms.
 * @param endpoints     where its protocols' listeners are reached, {@code plugin.listener} to
 *                      {@code host:port} (see {@link NodeEndpoints}); empty until it says.
 */
public record NodeRecord(
    int id, String address, boolean up, long registeredAt, long lastHeartbeat, Map<String, String> endpoints)
{
    public NodeRecord
    {
        endpoints = Map.copyOf(endpoints);
    }

    /**
     * @param up            whether it is up now.
     * @param lastHeartbeat cluster time of its last heartbeat, ms.
     * @return this node with that state.
     */
    NodeRecord withState(final boolean up, final long lastHeartbeat)
    {
        return new NodeRecord(id, address, up, registeredAt, lastHeartbeat, endpoints);
    }
}
