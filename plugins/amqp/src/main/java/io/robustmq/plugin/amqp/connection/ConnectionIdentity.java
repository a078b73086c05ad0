package io.robustmq.plugin.amqp.connection;

import java.util.Set;

/**
 * Who a connection is to the queues it declares exclusive: an id unique in the cluster
 * ({@code <node>/<serial>}), and the exclusive queues it holds, deleted when it closes.
 *
 * @param id              the connection's id.
 * @param exclusiveQueues the names of the exclusive queues it declared (thread-safe).
 */
record ConnectionIdentity(String id, Set<String> exclusiveQueues)
{
}
