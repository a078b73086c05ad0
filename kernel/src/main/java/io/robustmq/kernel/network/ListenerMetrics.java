package io.robustmq.kernel.network;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One listener's connection count, its limit, and its traffic, exported as
 * {@code robustmq_listener_*} with the tags plugin, listener and transport.
 */
public final class ListenerMetrics implements AutoCloseable
{
    private final MeterRegistry registry;
    private final String label;
    private final int maxConnections;
    private final AtomicInteger active = new AtomicInteger();
    private final LongAdder bytesReceived = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final Counter accepted;
    private final Counter rejected;
    private final Counter timedOut;
    private final List<Meter> meters = new ArrayList<>();

    /**
     * @param registry       where the meters go.
     * @param plugin         the plugin's name.
     * @param listener       the listener's name.
     * @param transport      its transport label.
     * @param maxConnections its connection limit.
     */
    public ListenerMetrics(
        final MeterRegistry registry,
        final String plugin,
        final String listener,
        final String transport,
        final int maxConnections)
    {
        this.registry = registry;
        this.label = plugin + "/" + listener;
        this.maxConnections = maxConnections;
        final Tags tags = Tags.of("plugin", plugin, "listener", listener, "transport", transport);
        accepted = register(Counter.builder("robustmq.listener.connections.accepted")
            .description("Connections accepted").tags(tags).register(registry));
        rejected = register(Counter.builder("robustmq.listener.connections.rejected")
            .description("Connections closed on accept because the listener was at max_connections")
            .tags(tags).register(registry));
        timedOut = register(Counter.builder("robustmq.listener.connections.timed.out")
            .description("Connections closed for sending no protocol bytes within first_bytes_timeout_ms")
            .tags(tags).register(registry));
        register(Gauge.builder("robustmq.listener.connections.active", active, AtomicInteger::get)
            .description("Open connections").tags(tags).register(registry));
        register(FunctionCounter.builder("robustmq.listener.bytes.received", bytesReceived, LongAdder::sum)
            .description("Bytes read from the wire, TLS and WebSocket framing included").tags(tags)
            .register(registry));
        register(FunctionCounter.builder("robustmq.listener.bytes.sent", bytesSent, LongAdder::sum)
            .description("Bytes written to the wire, TLS and WebSocket framing included").tags(tags)
            .register(registry));
    }

    private <T extends Meter> T register(final T meter)
    {
        meters.add(meter);
        return meter;
    }

    /**
     * @return {@code plugin/listener}, for log lines.
     */
    public String label()
    {
        return label;
    }

    /**
     * Count a new connection if the listener has room for it.
     *
     * @return true if accepted; false if the listener is full (counted as rejected).
     */
    public boolean tryOpen()
    {
        while (true)
        {
            final int current = active.get();
            if (current >= maxConnections)
            {
                rejected.increment();
                return false;
            }
            if (active.compareAndSet(current, current + 1))
            {
                accepted.increment();
                return true;
            }
        }
    }

    /**
     * Count a connection that {@link #tryOpen()} accepted as closed.
     */
    public void closed()
    {
        active.decrementAndGet();
    }

    /**
     * Count a connection closed for sending nothing in time.
     */
    public void timedOut()
    {
        timedOut.increment();
    }

    /**
     * @return open connections now.
     */
    public int activeConnections()
    {
        return active.get();
    }

    void received(final int bytes)
    {
        bytesReceived.add(bytes);
    }

    void sent(final int bytes)
    {
        bytesSent.add(bytes);
    }

    @Override
    public void close()
    {
        for (final Meter meter : meters)
        {
            registry.remove(meter);
        }
    }
}
