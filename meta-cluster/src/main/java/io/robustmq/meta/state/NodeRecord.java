package io.robustmq.meta.state;

/**
 * A node as the cluster knows it.
 *
 * @param id            the node's id.
 * @param address       its admin API address.
 * @param up            false once it has missed its heartbeats.
 * @param registeredAt  cluster time it (last) registered, ms.
 * @param lastHeartbeat cluster time of its last heartbeat, ms.
 */
public record NodeRecord(int id, String address, boolean up, long registeredAt, long lastHeartbeat)
{
}
