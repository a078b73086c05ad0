package io.robustmq.plugin.amqp.topology;

import java.util.Optional;

/**
 * The exchange types AMQP 0-9-1 defines (section 3.1.3), by the names clients declare them with.
 */
public enum ExchangeType
{
    /** Routes to the bindings whose key equals the routing key. */
    DIRECT("direct"),
    /** Routes to every binding. */
    FANOUT("fanout"),
    /** Routes to the bindings whose pattern matches the routing key's dot-separated words. */
    TOPIC("topic"),
    /** Routes by the message's headers against each binding's arguments. */
    HEADERS("headers");

    private final String label;

    ExchangeType(final String label)
    {
        this.label = label;
    }

    /**
     * @return the name clients use.
     */
    public String label()
    {
        return label;
    }

    /**
     * @param label a name a client used.
     * @return the type, or empty if there is none of that name.
     */
    public static Optional<ExchangeType> of(final String label)
    {
        for (final ExchangeType type : values())
        {
            if (type.label.equals(label))
            {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
