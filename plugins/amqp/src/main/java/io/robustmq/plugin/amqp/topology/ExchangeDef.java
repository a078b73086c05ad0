package io.robustmq.plugin.amqp.topology;

import java.util.Map;

/**
 * An exchange as declared.
 *
 * @param name       its name.
 * @param type       its type.
 * @param durable    whether it outlives a restart (every exchange is kept in the cluster's metadata;
 *                   a transient one is deleted when the node that declared it restarts).
 * @param autoDelete deleted once its last binding (as a source) is removed.
 * @param internal   clients cannot publish to it; only other exchanges route to it.
 * @param arguments  its arguments, normalized ({@code alternate-exchange}).
 * @param homeNode   the node that declared it.
 */
public record ExchangeDef(String name, ExchangeType type, boolean durable, boolean autoDelete, boolean internal,
    Map<String, Object> arguments, int homeNode)
{
    /** The argument naming the exchange that takes what this one cannot route. */
    public static final String ALTERNATE_EXCHANGE = "alternate-exchange";

    public ExchangeDef
    {
        arguments = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(arguments));
    }

    /**
     * @return the alternate exchange's name, or null.
     */
    public String alternateExchange()
    {
        final Object alternate = arguments.get(ALTERNATE_EXCHANGE);
        return alternate instanceof String name ? name : null;
    }
}
