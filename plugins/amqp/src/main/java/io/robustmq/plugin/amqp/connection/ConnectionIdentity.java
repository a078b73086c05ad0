package io.robustmq.plugin.amqp.connection;

import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Who a connection is to the queues it declares exclusive: an id unique in the cluster
 * ({@code <node>/<serial>}), the exclusive queues it holds (deleted when it closes), and whether it
 * has closed (an exclusive queue whose declaration completes after that is deleted at once).
 *
 * @param id              the connection's id.
 * @param exclusiveQueues the names of the exclusive queues it declared (thread-safe).
 * @param closed          set once the connection has closed.
 */
record ConnectionIdentity(String id, Set<String> exclusiveQueues, AtomicBoolean closed)
{
}
