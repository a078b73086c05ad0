package io.robustmq.plugin.api.metadata;

/**
 * A node of the cluster.
 *
 * @param id      its id.
 * @param address its admin API's URL, {@code http://host:port}.
 * @param up      false once it has missed its heartbeats.
 */
public record NodeInfo(int id, String address, boolean up)
{
}
