package io.robustmq.plugin.amqp.topology;

import io.robustmq.plugin.amqp.codec.FieldTables;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A binding: messages the source exchange routes to it go on to a queue or another exchange.
 *
 * @param source      the exchange it binds from.
 * @param toQueue     true if the destination is a queue, false if an exchange.
 * @param destination the queue's or exchange's name.
 * @param routingKey  its key (direct), pattern (topic), or nothing (fanout, headers).
 * @param arguments   its arguments, normalized (a headers exchange's match).
 */
public record BindingDef(String source, boolean toQueue, String destination, String routingKey,
    Map<String, Object> arguments)
{
    public BindingDef
    {
        arguments = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(arguments));
    }

    /**
     * @return the binding's name among the cluster's bindings: two bindings are the same if and only if
     * their source, destination, key and arguments are (exchange and queue names and keys are at most
     * 255 bytes, so the name stays within the metadata's limit).
     */
    public String objectName()
    {
        return (toQueue ? "q:" : "e:") + destination + '\n' + source + '\n' + routingKey + '\n' + argumentsDigest();
    }

    private String argumentsDigest()
    {
        if (arguments.isEmpty())
        {
            return "-";
        }
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(FieldTables.encode(arguments));
            return HexFormat.of().formatHex(digest, 0, 16);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every Java platform", ex);
        }
    }

    /**
     * @return how RabbitMQ names it in a reply text.
     */
    public String describe()
    {
        return "binding of " + (toQueue ? "queue '" : "exchange '") + destination + "' to exchange '" + source +
            "' with routing key '" + routingKey + "'";
    }
}
