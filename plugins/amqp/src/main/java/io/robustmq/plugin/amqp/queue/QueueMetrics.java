package io.robustmq.plugin.amqp.queue;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.List;

/**
 * One queue's meters on {@code /metrics}, tagged {@code queue}, while the queue is in use on this
 * node: {@code robustmq_amqp_queue_messages_ready}, {@code _messages_unacknowledged} and
 * {@code _consumers} (gauges), {@code robustmq_amqp_queue_published_total},
 * {@code _delivered_total}, {@code _redelivered_total} and {@code _acknowledged_total} (counters).
 * Removed from the registry when the queue is deleted.
 */
final class QueueMetrics implements AutoCloseable
{
    private final MeterRegistry registry;
    private final Counter published;
    private final Counter delivered;
    private final Counter redelivered;
    private final Counter acknowledged;
    private final List<Meter> meters;

    QueueMetrics(final MeterRegistry registry, final QueueRuntime queue)
    {
        this.registry = registry;
        final String name = queue.queue().name();
        this.published = Counter.builder("robustmq.amqp.queue.published")
            .description("Messages appended to the queue's shard").tag("queue", name).register(registry);
        this.delivered = Counter.builder("robustmq.amqp.queue.delivered")
            .description("Messages delivered from the queue (basic.deliver and basic.get-ok), redeliveries included")
            .tag("queue", name).register(registry);
        this.redelivered = Counter.builder("robustmq.amqp.queue.redelivered")
            .description("Messages delivered again after a requeue, a closed channel or a restart")
            .tag("queue", name).register(registry);
        this.acknowledged = Counter.builder("robustmq.amqp.queue.acknowledged")
            .description("Deliveries acknowledged (no-ack deliveries and rejections without requeue included)")
            .tag("queue", name).register(registry);
        final Gauge ready = Gauge.builder("robustmq.amqp.queue.messages.ready", queue, QueueRuntime::readyCount)
            .description("Messages ready for delivery").tag("queue", name).register(registry);
        final Gauge unacknowledged = Gauge.builder("robustmq.amqp.queue.messages.unacknowledged", queue,
            QueueRuntime::unacknowledgedCount).description("Messages delivered and not yet acknowledged")
            .tag("queue", name).register(registry);
        final Gauge consumers = Gauge.builder("robustmq.amqp.queue.consumers", queue, QueueRuntime::consumerCount)
            .description("Consumers of the queue on this node").tag("queue", name).register(registry);
        this.meters = List.of(published, delivered, redelivered, acknowledged, ready, unacknowledged, consumers);
    }

    void published()
    {
        published.increment();
    }

    void delivered(final boolean again)
    {
        delivered.increment();
        if (again)
        {
            redelivered.increment();
        }
    }

    void acknowledged()
    {
        acknowledged.increment();
    }

    @Override
    public void close()
    {
        meters.forEach(registry::remove);
    }
}
