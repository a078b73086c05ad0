package io.robustmq.plugin.amqp.connection;

import io.netty.channel.ChannelHandler;
import io.robustmq.plugin.amqp.AmqpSettings;
import io.robustmq.plugin.amqp.queue.QueueStorage;
import io.robustmq.plugin.amqp.topology.Topology;
import io.robustmq.plugin.amqp.topology.TopologyWrites;
import io.robustmq.plugin.amqp.queue.DeadLetters;
import io.robustmq.plugin.amqp.queue.PublishConfirms;
import io.robustmq.plugin.amqp.queue.Queues;
import io.robustmq.plugin.api.cursor.CursorStore;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.storage.Shards;

import java.time.Clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection of the plugin shares (settings, logins, the topology and the queues'
 * storage), and the handler each new connection's pipeline gets. Thread-safe.
 */
public final class Connections implements AutoCloseable
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Connections.class);

    private final AmqpSettings settings;
    private final LoginCheck logins;
    private final TopologyMethods topologyMethods;
    private final AmqpConnection.BasicParts basicParts;
    private final Queues queues;
    private final int nodeId;
    private final AtomicLong serial = new AtomicLong();

    /**
     * @param settings the plugin's settings.
     * @param metadata the cluster's metadata (users).
     * @param topology this node's view of exchanges, queues and bindings.
     * @param writes   changes them.
     * @param storage  queues' messages.
     * @param cursors  the node's cursor store (queues' acknowledgements).
     * @param shards   the node's shards (where appends are confirmed).
     * @param clock    the node's clock.
     * @param registry where the queues' meters go.
     * @param nodeId   this node.
     */
    public Connections(final AmqpSettings settings, final Metadata metadata, final Topology topology,
        final TopologyWrites writes, final QueueStorage storage, final CursorStore cursors, final Shards shards,
        final Clock clock, final io.micrometer.core.instrument.MeterRegistry registry, final int nodeId)
    {
        this.settings = settings;
        this.logins = new LoginCheck(metadata, settings.guest(), settings.maxPendingPasswordChecks());
        final TopologyMethods[] methods = new TopologyMethods[1];
        final PublishConfirms confirms = new PublishConfirms(shards);
        final DeadLetters deadLetters = new DeadLetters(topology, confirms, clock);
        final Queues queues = new Queues(storage, cursors, runtime -> methods[0].delete(runtime.queue())
            .whenComplete((done, failure) ->
            {
                if (failure != null)
                {
                    LOG.warn("AMQP: auto-delete queue '{}' could not be deleted: {}", runtime.queue().name(),
                        failure.toString());
                }
            }), registry, deadLetters, clock);
        methods[0] = new TopologyMethods(topology, writes, storage, queues, nodeId);
        this.topologyMethods = methods[0];
        this.basicParts = new AmqpConnection.BasicParts(topology, queues, confirms, clock);
        this.queues = queues;
        this.nodeId = nodeId;
    }

    /**
     * @return the handler of a new connection: its frame decoder, which drives the connection.
     */
    public ChannelHandler newConnection()
    {
        return new AmqpConnection(settings, logins, topologyMethods, basicParts, nodeId + "/" + serial.incrementAndGet())
            .decoder();
    }

    /**
     * @param storage where queues keep their messages.
     * @param clock   the node's clock.
     * @return the x-expires sweep, to run once a second.
     */
    public Runnable queueExpiry(final QueueStorage storage, final Clock clock)
    {
        return new io.robustmq.plugin.amqp.queue.QueueExpiry(basicParts.topology(), queues, storage, clock,
            topologyMethods::delete);
    }

    /**
     * @return the queues in use on this node.
     */
    public Queues queues()
    {
        return queues;
    }

    @Override
    public void close()
    {
        logins.close();
    }
}
