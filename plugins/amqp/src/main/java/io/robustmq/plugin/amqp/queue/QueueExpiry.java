package io.robustmq.plugin.amqp.queue;

import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.amqp.topology.Topology;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code x-expires}: deletes the queues this node serves that have had no consumer, no basic.get and
 * no declaration for their expiry, looked at once a second on the node's scheduler. A queue in use
 * on the node counts from its last use; one not in use here yet (after a restart) from when this
 * sweep first saw it, as RabbitMQ restarts the timer when its node starts. Thread-safe.
 */
public final class QueueExpiry implements Runnable
{
    private final Topology topology;
    private final Queues queues;
    private final QueueStorage storage;
    private final Clock clock;
    private final Function<QueueDef, CompletionStage<Void>> delete;
    private final Map<String, Long> firstSeenMs = new ConcurrentHashMap<>();
    private final Map<String, Boolean> deleting = new ConcurrentHashMap<>();

    /**
     * @param topology the queues.
     * @param queues   the queues in use on this node.
     * @param storage  which node serves a queue.
     * @param clock    the node's clock.
     * @param delete   deletes a queue (its bindings, object and messages).
     */
    public QueueExpiry(final Topology topology, final Queues queues, final QueueStorage storage, final Clock clock,
        final Function<QueueDef, CompletionStage<Void>> delete)
    {
        this.topology = topology;
        this.queues = queues;
        this.storage = storage;
        this.clock = clock;
        this.delete = delete;
    }

    @Override
    public void run()
    {
        final long now = clock.millis();
        for (final QueueDef queue : topology.queues())
        {
            final Object expires = queue.arguments().get("x-expires");
            if (expires == null || !storage.servedHere(queue) || deleting.containsKey(queue.name()))
            {
                continue;
            }
            final Optional<QueueRuntime> running = queues.running(queue.name());
            final boolean expired;
            if (running.isPresent())
            {
                firstSeenMs.remove(queue.name());
                expired = running.get().expiredUnused(now);
            }
            else
            {
                final long since = firstSeenMs.computeIfAbsent(queue.name(), name -> now);
                final Long limit = io.robustmq.plugin.amqp.codec.FieldTables.wholeNumber(expires);
                expired = limit != null && now - since >= limit;
            }
            if (expired)
            {
                deleting.put(queue.name(), Boolean.TRUE);
                delete.apply(queue).whenComplete((done, failure) ->
                {
                    deleting.remove(queue.name());
                    firstSeenMs.remove(queue.name());
                });
            }
        }
    }
}
