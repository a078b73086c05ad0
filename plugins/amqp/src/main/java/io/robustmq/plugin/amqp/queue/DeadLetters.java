package io.robustmq.plugin.amqp.queue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.robustmq.plugin.amqp.codec.ContentHeader;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.amqp.topology.Topology;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.Shard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Republishes the messages a queue lets go (rejected without requeue, expired, dropped from the
 * head for a length limit) to its {@code x-dead-letter-exchange}, with its
 * {@code x-dead-letter-routing-key} or their own, and the {@code x-death} headers RabbitMQ adds. As
 * RabbitMQ's default, at most once: a queue it cannot reach does not get it, nor one whose engine stays
 * full for a second (logged); a message that would cycle (its x-death names the queue it goes to, and
 * none of its deaths was a rejection) is dropped, as RabbitMQ drops it.
 * Thread-safe.
 */
public final class DeadLetters
{
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    /** Attempts of an append the engine back-pressures, a millisecond apart. */
    private static final int MAX_ATTEMPTS = 1000;

    private final Topology topology;
    private final PublishConfirms confirms;
    private final Clock clock;
    private Queues queues;
    /** The last dead letter's appends; guarded by this. */
    private CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);

    /**
     * @param topology exchanges, queues, bindings.
     * @param confirms the plugin's append callback (failures logged).
     * @param clock    the node's clock.
     */
    public DeadLetters(final Topology topology, final PublishConfirms confirms, final Clock clock)
    {
        this.topology = topology;
        this.confirms = confirms;
        this.clock = clock;
    }

    /**
     * @param queues the queues in use, whose shards take dead letters (set once, before any queue runs).
     */
    public void queues(final Queues queues)
    {
        this.queues = queues;
    }

    /**
     * Dead-letter a message, if its queue says where.
     *
     * @param from      the queue it leaves, on whose loop this is called.
     * @param arguments the queue's arguments.
     * @param message   the message, read (its payload stays the caller's).
     * @param reason    {@code rejected}, {@code expired} or {@code maxlen}.
     */
    void publish(final QueueRuntime from, final QueueArguments arguments, final StoredMessage message,
        final String reason)
    {
        final String exchange = arguments.deadLetterExchange();
        if (exchange == null)
        {
            return;
        }
        final String routingKey = arguments.deadLetterRoutingKey() != null ? arguments.deadLetterRoutingKey() :
            message.routingKey();
        final long now = clock.millis();
        final ByteBuf properties = Unpooled.wrappedBuffer(ContentHeader.deadLettered(message.properties(), reason,
            from.queue().name(), message.exchange(), message.routingKey(), now));
        final Set<String> routed = new LinkedHashSet<>();
        final java.util.Map<String, Object> headers = ContentHeader.headers(properties);
        topology.route(exchange, routingKey, headers, routed);
        final List<CompletableFuture<QueueRuntime>> targets = new ArrayList<>();
        for (final String name : routed)
        {
            if (cycles(headers, name))
            {
                continue;
            }
            final QueueDef queue = topology.queue(name).orElse(null);
            if (queue != null)
            {
                targets.add(queues.runtime(queue, from.executor()).toCompletableFuture());
            }
        }
        if (targets.isEmpty())
        {
            return;
        }
        final ByteBuf stored = Unpooled.buffer(16 + properties.readableBytes() + message.body().readableBytes());
        StoredMessage.write(stored, exchange, routingKey, properties, message.body());
        final CompletableFuture<Void> opened = CompletableFuture.allOf(targets.toArray(new CompletableFuture<?>[0]));
        synchronized (this)
        {
            // One chain, so that dead letters are appended in the order they died, also while the
            // queues they go to are being opened.
            chain = chain.thenCombine(opened.exceptionally(failure -> null), (previous, ignored) -> null)
                .handle((done, failure) ->
                {
                    append(from, targets, stored, now);
                    return null;
                });
        }
    }

    private void append(final QueueRuntime from, final List<CompletableFuture<QueueRuntime>> targets,
        final ByteBuf stored, final long now)
    {
        final List<QueueRuntime> opened = new ArrayList<>(targets.size());
        for (final CompletableFuture<QueueRuntime> target : targets)
        {
            if (target.isCompletedExceptionally())
            {
                LOG.warn("AMQP: a message dead-lettered from queue '{}' could not reach a queue", from.queue().name());
            }
            else
            {
                opened.add(target.join());
            }
        }
        append(from, opened, stored, now, 0);
    }

    /**
     * Append to each queue; one whose engine is full now is tried again a millisecond later, for up to
     * {@link #MAX_ATTEMPTS} attempts, then the dead letter is dropped for it (logged).
     */
    private void append(final QueueRuntime from, final List<QueueRuntime> targets, final ByteBuf stored,
        final long now, final int attempt)
    {
        final List<QueueRuntime> again = new ArrayList<>();
        try
        {
            for (final QueueRuntime runtime : targets)
            {
                final int result = runtime.shardFor(stored).append(stored.duplicate(), 1, now, BatchFormat.AMQP_MESSAGE,
                    confirms.callbackId(), PublishConfirms.NOBODY);
                if (result == Shard.SUBMITTED)
                {
                    runtime.published();
                }
                else if (result == Shard.BACK_PRESSURED && attempt < MAX_ATTEMPTS)
                {
                    again.add(runtime);
                }
                else
                {
                    LOG.warn("AMQP: a message dead-lettered from queue '{}' was not stored in queue '{}' ({})",
                        from.queue().name(), runtime.queue().name(), result);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("AMQP: a message dead-lettered from queue '{}' could not be appended: {}", from.queue().name(),
                ex.toString());
            again.clear();
        }
        if (again.isEmpty())
        {
            stored.release();
            return;
        }
        from.executor().schedule(() -> append(from, again, stored, now, attempt + 1), 1,
            java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * @return true if a dead letter going to {@code queue} would cycle: its {@code x-death} names that
     * queue already and no death of it was a rejection (RabbitMQ drops such a message).
     */
    @SuppressWarnings("unchecked")
    private static boolean cycles(final java.util.Map<String, Object> headers, final String queue)
    {
        if (headers == null || !(headers.get("x-death") instanceof List<?> deaths))
        {
            return false;
        }
        boolean named = false;
        for (final Object entry : deaths)
        {
            if (entry instanceof java.util.Map<?, ?> death)
            {
                if ("rejected".equals(String.valueOf(death.get("reason"))))
                {
                    return false;
                }
                named |= queue.equals(String.valueOf(death.get("queue")));
            }
        }
        return named;
    }
}
