package io.robustmq.plugin.amqp.topology;

import io.robustmq.plugin.amqp.codec.FieldTables;

import java.util.HashMap;
import java.util.Map;

/**
 * How exchanges, queues and bindings are kept in the cluster's metadata: objects of the owner
 * {@value #OWNER}, of the kinds {@value #EXCHANGE}, {@value #QUEUE} and {@value #BINDING}, whose
 * values are AMQP field tables (so that a later version can add fields that an older one skips).
 * Stateless.
 */
public final class Entities
{
    /** The metadata owner of every AMQP object. */
    public static final String OWNER = "amqp";
    /** The kind of an exchange. */
    public static final String EXCHANGE = "exchange";
    /** The kind of a queue. */
    public static final String QUEUE = "queue";
    /** The kind of a binding. */
    public static final String BINDING = "binding";

    private Entities()
    {
    }

    /**
     * @param exchange an exchange.
     * @return its value in the metadata.
     */
    public static byte[] encode(final ExchangeDef exchange)
    {
        final Map<String, Object> table = new HashMap<>();
        table.put("type", exchange.type().label());
        table.put("durable", exchange.durable());
        table.put("auto_delete", exchange.autoDelete());
        table.put("internal", exchange.internal());
        table.put("arguments", exchange.arguments());
        table.put("home_node", exchange.homeNode());
        return FieldTables.encode(table);
    }

    /**
     * @param name  the exchange's name.
     * @param value its value in the metadata.
     * @return the exchange.
     * @throws IllegalArgumentException if the value is not an exchange's.
     */
    public static ExchangeDef exchange(final String name, final byte[] value)
    {
        final Map<String, Object> table = FieldTables.decode(value);
        final String type = (String)table.get("type");
        return new ExchangeDef(name, ExchangeType.of(type).orElseThrow(() ->
            new IllegalArgumentException("exchange " + name + " has an unknown type " + type)),
            flag(table, "durable"), flag(table, "auto_delete"), flag(table, "internal"), arguments(table),
            number(table, "home_node"));
    }

    /**
     * @param queue a queue.
     * @return its value in the metadata.
     */
    public static byte[] encode(final QueueDef queue)
    {
        final Map<String, Object> table = new HashMap<>();
        table.put("durable", queue.durable());
        table.put("auto_delete", queue.autoDelete());
        table.put("exclusive_owner", queue.exclusiveOwner());
        table.put("arguments", queue.arguments());
        table.put("topic", queue.topic());
        table.put("home_node", queue.homeNode());
        return FieldTables.encode(table);
    }

    /**
     * @param name  the queue's name.
     * @param value its value in the metadata.
     * @return the queue.
     * @throws IllegalArgumentException if the value is not a queue's.
     */
    public static QueueDef queue(final String name, final byte[] value)
    {
        final Map<String, Object> table = FieldTables.decode(value);
        return new QueueDef(name, flag(table, "durable"), flag(table, "auto_delete"),
            (String)table.getOrDefault("exclusive_owner", ""), arguments(table), (String)table.get("topic"),
            number(table, "home_node"));
    }

    /**
     * @param binding a binding.
     * @return its value in the metadata.
     */
    public static byte[] encode(final BindingDef binding)
    {
        final Map<String, Object> table = new HashMap<>();
        table.put("source", binding.source());
        table.put("destination_kind", binding.toQueue() ? QUEUE : EXCHANGE);
        table.put("destination", binding.destination());
        table.put("routing_key", binding.routingKey());
        table.put("arguments", binding.arguments());
        return FieldTables.encode(table);
    }

    /**
     * @param value a binding's value in the metadata.
     * @return the binding.
     * @throws IllegalArgumentException if the value is not a binding's.
     */
    public static BindingDef binding(final byte[] value)
    {
        final Map<String, Object> table = FieldTables.decode(value);
        return new BindingDef((String)table.get("source"), QUEUE.equals(table.get("destination_kind")),
            (String)table.get("destination"), (String)table.get("routing_key"), arguments(table));
    }

    private static boolean flag(final Map<String, Object> table, final String key)
    {
        return Boolean.TRUE.equals(table.get(key));
    }

    private static int number(final Map<String, Object> table, final String key)
    {
        final Long number = FieldTables.wholeNumber(table.get(key));
        return number == null ? -1 : number.intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(final Map<String, Object> table)
    {
        final Object arguments = table.get("arguments");
        return arguments instanceof Map<?, ?> map ? (Map<String, Object>)map : Map.of();
    }
}
