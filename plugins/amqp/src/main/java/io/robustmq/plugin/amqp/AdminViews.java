package io.robustmq.plugin.amqp;

import io.robustmq.plugin.amqp.queue.QueueRuntime;
import io.robustmq.plugin.amqp.queue.Queues;
import io.robustmq.plugin.amqp.topology.BindingDef;
import io.robustmq.plugin.amqp.topology.ExchangeDef;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.amqp.topology.Topology;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The plugin's views on the admin API: {@code GET /v1/plugins/amqp/queues}, {@code .../exchanges}
 * and {@code .../bindings}, from this node's view of the cluster's metadata; a queue's counts are
 * this node's, when the queue is in use here.
 */
final class AdminViews
{
    private AdminViews()
    {
    }

    /**
     * @param topology exchanges, queues, bindings.
     * @param queues   the queues in use on this node.
     * @return the views, by name.
     */
    static Map<String, Supplier<Object>> of(final Topology topology, final Queues queues)
    {
        return Map.of(
            "queues", () -> Map.of("queues", queues(topology, queues)),
            "exchanges", () -> Map.of("exchanges", exchanges(topology)),
            "bindings", () -> Map.of("bindings", bindings(topology)));
    }

    private static List<Map<String, Object>> queues(final Topology topology, final Queues queues)
    {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final List<QueueDef> sorted = new ArrayList<>(topology.queues());
        sorted.sort(Comparator.comparing(QueueDef::name));
        for (final QueueDef queue : sorted)
        {
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", queue.name());
            row.put("durable", queue.durable());
            row.put("auto_delete", queue.autoDelete());
            row.put("exclusive", queue.exclusive());
            final Optional<QueueRuntime> running = queues.running(queue.name());
            row.put("messages_ready", running.map(QueueRuntime::readyCount).orElse(null));
            row.put("messages_unacknowledged", running.map(QueueRuntime::unacknowledgedCount).orElse(null));
            row.put("consumers", running.map(QueueRuntime::consumerCount).orElse(null));
            row.put("arguments", printable(queue.arguments()));
            row.put("topic", queue.topic());
            row.put("node", queue.homeNode());
            rows.add(row);
        }
        return rows;
    }

    private static List<Map<String, Object>> exchanges(final Topology topology)
    {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final List<ExchangeDef> sorted = new ArrayList<>(topology.exchanges());
        sorted.sort(Comparator.comparing(ExchangeDef::name));
        for (final ExchangeDef exchange : sorted)
        {
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", exchange.name());
            row.put("type", exchange.type().label());
            row.put("durable", exchange.durable());
            row.put("auto_delete", exchange.autoDelete());
            row.put("internal", exchange.internal());
            row.put("built_in", Topology.BUILT_IN.containsKey(exchange.name()));
            row.put("arguments", printable(exchange.arguments()));
            rows.add(row);
        }
        return rows;
    }

    private static List<Map<String, Object>> bindings(final Topology topology)
    {
        final List<Map<String, Object>> rows = new ArrayList<>();
        final List<BindingDef> sorted = new ArrayList<>(topology.bindings());
        sorted.sort(Comparator.comparing(BindingDef::source).thenComparing(BindingDef::destination)
            .thenComparing(BindingDef::routingKey));
        for (final BindingDef binding : sorted)
        {
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("source", binding.source());
            row.put("destination", binding.destination());
            row.put("destination_type", binding.toQueue() ? "queue" : "exchange");
            row.put("routing_key", binding.routingKey());
            row.put("arguments", printable(binding.arguments()));
            rows.add(row);
        }
        return rows;
    }

    /**
     * @return the arguments with every value as JSON can show it (a string, number or boolean; others
     * by their text).
     */
    private static Map<String, Object> printable(final Map<String, Object> arguments)
    {
        final Map<String, Object> printable = new LinkedHashMap<>();
        arguments.forEach((key, value) -> printable.put(key, value == null || value instanceof String ||
            value instanceof Number || value instanceof Boolean ? value : String.valueOf(value)));
        return printable;
    }
}
