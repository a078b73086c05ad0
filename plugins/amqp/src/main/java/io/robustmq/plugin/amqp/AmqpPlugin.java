package io.robustmq.plugin.amqp;

import io.netty.channel.ChannelPipeline;
import io.robustmq.plugin.amqp.connection.Connections;
import io.robustmq.plugin.amqp.queue.QueueStorage;
import io.robustmq.plugin.amqp.topology.ExchangeDef;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.amqp.topology.Topology;
import io.robustmq.plugin.amqp.topology.TopologyWrites;
import io.robustmq.plugin.api.ListenerConfig;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.Transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * AMQP 0-9-1 on one node: its listeners (TCP 5672; TLS 5671 when given a certificate), the
 * exchanges, queues and bindings every connection shares, and the pipeline of each connection.
 * Queues' shards are opened and deleted on a thread of the plugin's own, {@code robustmq-amqp-queues},
 * never on an event loop.
 */
final class AmqpPlugin implements ProtocolPlugin
{
    /** Queue shards waiting to be opened or deleted at once; one more fails its method. */
    private static final int MAX_PENDING_FILE_WORK = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(AmqpPlugin.class);

    private final List<ListenerSpec> listeners;
    private final ThreadPoolExecutor fileWork;
    private final Topology topology;
    private final TopologyWrites writes;
    private final QueueStorage storage;
    private final Connections connections;
    private final int nodeId;
    private final java.util.concurrent.ScheduledExecutorService scheduler;
    private final java.time.Clock clock;
    private java.util.concurrent.ScheduledFuture<?> expiry;

    AmqpPlugin(final PluginContext context)
    {
        final AmqpSettings settings = AmqpSettings.read(context.config());
        final List<ListenerSpec> specs = new ArrayList<>();
        ListenerConfig.read(context, new ListenerConfig.Defaults("tcp", Transport.TCP, 5672, true, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults("tls", Transport.TLS, 5671, false, null, null))
            .ifPresent(specs::add);
        this.listeners = List.copyOf(specs);
        this.fileWork = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING_FILE_WORK), task ->
            {
                final Thread thread = new Thread(task, "robustmq-amqp-queues");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
        this.topology = new Topology(context.metadata());
        this.storage = new QueueStorage(context.metadata(), context.shards(), fileWork, context.nodeId());
        this.writes = new TopologyWrites(context.metadata(), topology);
        this.nodeId = context.nodeId();
        this.scheduler = context.scheduler();
        this.clock = context.clock();
        this.connections = new Connections(settings, context.metadata(), topology, writes, storage, context.cursors(),
            context.shards(), context.clock(), context.meterRegistry(), nodeId);
    }

    /**
     * Delete what this node declared that does not outlive it: transient queues and exchanges, and
     * exclusive queues (their connections are gone), as a RabbitMQ node does when it starts.
     */
    @Override
    public void start()
    {
        final Runnable sweep = connections.queueExpiry(storage, clock);
        expiry = scheduler.scheduleWithFixedDelay(() ->
        {
            try
            {
                sweep.run();
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("AMQP: the x-expires sweep failed: {}", ex.toString());
            }
        }, 1, 1, java.util.concurrent.TimeUnit.SECONDS);
        for (final QueueDef queue : topology.queues())
        {
            if (queue.homeNode() == nodeId && (!queue.durable() || queue.exclusive()))
            {
                writes.deleteQueue(queue.name(), 50, 40).thenCompose(done -> storage.delete(queue))
                    .whenComplete((done, failure) -> report("queue", queue.name(), failure));
            }
        }
        for (final ExchangeDef exchange : topology.exchanges())
        {
            if (exchange.homeNode() == nodeId && !exchange.durable())
            {
                writes.deleteExchange(exchange.name(), false, 40, 20)
                    .whenComplete((done, failure) -> report("exchange", exchange.name(), failure));
            }
        }
    }

    private static void report(final String kind, final String name, final Throwable failure)
    {
        if (failure == null)
        {
            LOG.info("AMQP: transient {} '{}' of this node's previous run deleted", kind, name);
        }
        else
        {
            LOG.warn("AMQP: transient {} '{}' of this node's previous run could not be deleted: {}", kind, name,
                failure.toString());
        }
    }

    @Override
    public List<ListenerSpec> listeners()
    {
        return listeners;
    }

    @Override
    public java.util.Map<String, java.util.function.Supplier<Object>> adminViews()
    {
        return AdminViews.of(topology, connections.queues());
    }

    @Override
    public void initChannel(final ChannelPipeline pipeline, final ListenerSpec listener)
    {
        pipeline.addLast("amqp", connections.newConnection());
    }

    @Override
    public void close()
    {
        if (expiry != null)
        {
            expiry.cancel(false);
        }
        connections.queues().stopAll();
        connections.close();
        topology.close();
        fileWork.shutdownNow();
    }
}
