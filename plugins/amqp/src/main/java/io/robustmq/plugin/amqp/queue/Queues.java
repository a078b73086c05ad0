package io.robustmq.plugin.amqp.queue;

import io.netty.util.concurrent.EventExecutor;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.api.cursor.CursorStore;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The queues in use on this node, by name: each one's {@link QueueRuntime}, made the first time a
 * connection uses the queue (its shard opened on the queue thread), on that connection's event loop.
 * Thread-safe.
 */
public final class Queues
{
    private final QueueStorage storage;
    private final CursorStore cursors;
    private final Consumer<QueueRuntime> onLastConsumerGone;
    private final io.micrometer.core.instrument.MeterRegistry registry;
    private final DeadLetters deadLetters;
    private final java.time.Clock clock;
    private final Map<String, CompletableFuture<QueueRuntime>> runtimes = new ConcurrentHashMap<>();

    /**
     * @param storage            where queues keep their messages.
     * @param cursors            the node's cursor store.
     * @param onLastConsumerGone told when an auto-delete queue's last consumer is gone.
     * @param registry           where queues' meters go.
     * @param deadLetters        where queues' rejected, expired and dropped messages go.
     * @param clock              the node's clock.
     */
    public Queues(final QueueStorage storage, final CursorStore cursors, final Consumer<QueueRuntime> onLastConsumerGone,
        final io.micrometer.core.instrument.MeterRegistry registry, final DeadLetters deadLetters,
        final java.time.Clock clock)
    {
        this.registry = registry;
        this.deadLetters = deadLetters;
        this.clock = clock;
        deadLetters.queues(this);
        this.storage = storage;
        this.cursors = cursors;
        this.onLastConsumerGone = onLastConsumerGone;
    }

    /**
     * @param queue    a queue.
     * @param executor the event loop to run it on if it is not running yet.
     * @return its runtime, once its shard is open.
     */
    public CompletionStage<QueueRuntime> runtime(final QueueDef queue, final EventExecutor executor)
    {
        final CompletableFuture<QueueRuntime> existing = runtimes.get(queue.name());
        if (existing != null && !existing.isCompletedExceptionally() &&
            (!existing.isDone() || existing.join().queue().topic().equals(queue.topic())))
        {
            return existing;
        }
        final CompletableFuture<QueueRuntime> made = new CompletableFuture<>();
        final CompletableFuture<QueueRuntime> raced = existing == null ? runtimes.putIfAbsent(queue.name(), made) :
            runtimes.replace(queue.name(), existing, made) ? null : runtimes.get(queue.name());
        if (raced != null)
        {
            return raced;
        }
        final CompletionStage<io.robustmq.plugin.api.storage.Shard[]> opening;
        try
        {
            opening = storage.open(queue);
        }
        catch (final RuntimeException ex)
        {
            runtimes.remove(queue.name(), made);
            made.completeExceptionally(ex);
            return made;
        }
        opening.whenComplete((levels, failure) ->
        {
            if (failure != null)
            {
                runtimes.remove(queue.name(), made);
                made.completeExceptionally(failure);
                return;
            }
            executor.execute(() -> made.complete(new QueueRuntime(queue, levels, cursors, executor, onLastConsumerGone,
                registry, deadLetters, clock)));
        });
        return made;
    }

    /**
     * @param name a queue's name.
     * @return its runtime, if it is running.
     */
    public Optional<QueueRuntime> running(final String name)
    {
        final CompletableFuture<QueueRuntime> runtime = runtimes.get(name);
        return runtime != null && runtime.isDone() && !runtime.isCompletedExceptionally() ?
            Optional.of(runtime.join()) : Optional.empty();
    }

    /**
     * The plugin is closing: stop every runtime's timers and deliveries.
     */
    public void stopAll()
    {
        for (final CompletableFuture<QueueRuntime> runtime : runtimes.values())
        {
            if (runtime.isDone() && !runtime.isCompletedExceptionally())
            {
                runtime.join().stop();
            }
        }
    }

    /**
     * The queue is deleted: stop its runtime (cancelling its consumers) and forget its cursor.
     *
     * @param queue the queue.
     */
    public void deleted(final QueueDef queue)
    {
        final CompletableFuture<QueueRuntime> runtime = runtimes.remove(queue.name());
        if (runtime != null)
        {
            runtime.thenAccept(QueueRuntime::close);
        }
        storage.find(queue).forEach(shard -> cursors.delete(QueueRuntime.CURSOR_GROUP, shard.name(),
            CursorStore.NO_CALLBACK, 0));
    }
}
