package io.robustmq.plugin.amqp.topology;

import java.util.Map;

/**
 * A queue as declared.
 *
 * @param name           its name.
 * @param durable        whether it and its persistent messages outlive a restart; a transient queue is
 *                       deleted when the node that declared it restarts.
 * @param autoDelete     deleted once its last consumer is cancelled.
 * @param exclusiveOwner the connection that declared it exclusive ({@code <node>/<connection>}), or empty:
 *                       only that connection may use it, and it is deleted when that connection closes.
 * @param arguments      its arguments, normalized ({@code x-message-ttl}, {@code x-max-length}, ...).
 * @param topic          the topic whose one shard stores its messages.
 * @param homeNode       the node that declared it.
 */
public record QueueDef(String name, boolean durable, boolean autoDelete, String exclusiveOwner,
    Map<String, Object> arguments, String topic, int homeNode)
{
    public QueueDef
    {
        arguments = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(arguments));
    }

    /**
     * @return true if one connection holds it exclusively.
     */
    public boolean exclusive()
    {
        return !exclusiveOwner.isEmpty();
    }
}
