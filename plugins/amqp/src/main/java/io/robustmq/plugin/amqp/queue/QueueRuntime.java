package io.robustmq.plugin.amqp.queue;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.robustmq.plugin.amqp.codec.ContentHeader;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorStore;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.TailListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One queue on this node while it is in use: its shard, its cursor in the cursor store, its consumers,
 * and where delivery stands.
 * <pre>
 *   shard:   ... acknowledged | C | delivered, some unacknowledged | next | ready ... | durable offset
 *   requeued: unacknowledged offsets below next that are ready again (nack, reject, a channel closed,
 *             a restart), delivered first, with redelivered set
 * </pre>
 * Messages go to consumers round robin, to each while it can take one (its prefetch, its channel's
 * flow and socket). An acknowledgement moves the cursor; once the cursor's committed offset is
 * {@link #DELETE_EVERY} past the shard's earliest offset, the consumed head of the shard is deleted,
 * at most once every {@link #DELETE_INTERVAL_MS} (a deletion is recorded durably on the shard's writer,
 * a force that holds the queue's appends back meanwhile; segments go whole, so more often frees
 * nothing more).
 * After a restart, every message delivered and not acknowledged is requeued.
 * <p>
 * Threading: everything runs on the queue's event loop ({@link #executor()}); the public methods
 * hand themselves to it when called from elsewhere. The counts are readable from any thread.
 */
public final class QueueRuntime
{
    /** The cursor store's group of every AMQP queue's cursor. */
    public static final String CURSOR_GROUP = "amqp";
    /** How far the committed offset runs ahead of the shard's start before the head is deleted. */
    static final long DELETE_EVERY = 1024;
    /** The least time between two deletions of a queue's consumed head. */
    static final long DELETE_INTERVAL_MS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(QueueRuntime.class);
    private static final long RETRY_MS = 1;

    private final QueueDef queue;
    private final Shard shard;
    private final Cursor cursor;
    private final EventExecutor executor;
    private final ShardView view;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    private final TreeSet<Long> requeued = new TreeSet<>();
    private final TailListener tail;
    private final Consumer<QueueRuntime> onLastConsumerGone;
    private final QueueMetrics metrics;
    private final QueueArguments arguments;
    private final DeadLetters deadLetters;
    private final java.time.Clock clock;
    private final StoredMessage reading = new StoredMessage();
    /** Offsets below this have been counted in {@link #readyBytes} (for x-max-length-bytes). */
    private long measuredUpTo;
    private volatile long readyBytes;
    /** When the queue was last used (a consumer, basic.get, a declaration), epoch ms; x-expires. */
    private volatile long lastUsedMs;
    /** The next offset never delivered; volatile for the counts other threads read. */
    private volatile long next;
    private int roundRobin;
    private boolean dispatchScheduled;
    private boolean hadConsumer;
    private boolean exclusiveConsumer;
    private boolean closed;
    /** Set once the plugin closes: no timer of the queue's does anything from then on (any thread). */
    private volatile boolean stopped;
    private long deleting = -1;
    private long lastDeleteMs = Long.MIN_VALUE / 2;
    private boolean deleteScheduled;
    private volatile long readyCount;
    private volatile int consumerCount;

    /**
     * @param queue              the queue.
     * @param shard              its shard, open.
     * @param cursors            the node's cursor store.
     * @param executor           the event loop the queue runs on.
     * @param onLastConsumerGone told, on the executor, when the last consumer of an auto-delete
     *                           queue that had one is gone.
     * @param registry           where the queue's meters go.
     * @param deadLetters        where rejected, expired and dropped messages go.
     * @param clock              the node's clock (message TTLs).
     */
    QueueRuntime(final QueueDef queue, final Shard shard, final CursorStore cursors, final EventExecutor executor,
        final Consumer<QueueRuntime> onLastConsumerGone, final io.micrometer.core.instrument.MeterRegistry registry,
        final DeadLetters deadLetters, final java.time.Clock clock)
    {
        this.arguments = arguments(queue);
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.queue = queue;
        this.shard = shard;
        this.cursor = cursors.open(CURSOR_GROUP, shard.name());
        this.executor = executor;
        this.view = shard.newView();
        this.onLastConsumerGone = onLastConsumerGone;
        this.next = Math.max(cursor.deliveredOffset(), shard.earliestOffset());
        final long[] page = new long[256];
        long from = 0;
        int count;
        do
        {
            count = cursor.unacknowledged(from, page);
            for (int i = 0; i < count; i++)
            {
                requeued.add(page[i]);
                from = page[i] + 1;
            }
        }
        while (count == page.length);
        this.tail = (appended, durable) -> schedule();
        this.measuredUpTo = next;
        this.lastUsedMs = clock.millis();
        if (arguments.maxLengthBytes() >= 0)
        {
            for (final long offset : requeued)
            {
                readyBytes += Math.max(0, bodySize(offset));
            }
        }
        shard.addTailListener(tail);
        updateCounts();
        this.metrics = new QueueMetrics(registry, this);
        // Every queue: a message's own expiration counts even where the queue has no TTL.
        executor.execute(this::expireHead);
    }

    private static QueueArguments arguments(final QueueDef queue)
    {
        try
        {
            return QueueArguments.of(queue.name(), queue.arguments());
        }
        catch (final io.robustmq.plugin.amqp.codec.AmqpError error)
        {
            LOG.warn("AMQP: queue '{}' has arguments this version does not take ({}); they are not applied",
                queue.name(), error.getMessage());
            return QueueArguments.NONE;
        }
    }

    /**
     * A declaration of the queue (x-expires counts from its last use).
     */
    public void touch()
    {
        lastUsedMs = clock.millis();
    }

    /**
     * @param nowMs the time now, epoch ms.
     * @return true if the queue has x-expires, no consumer, and has not been used for that long (any
     * thread).
     */
    public boolean expiredUnused(final long nowMs)
    {
        return arguments.expiresMs() >= 0 && consumerCount == 0 && nowMs - lastUsedMs >= arguments.expiresMs();
    }

    /**
     * @return the queue's arguments, as applied.
     */
    public QueueArguments arguments()
    {
        return arguments;
    }

    /**
     * @param bodyBytes the body size of a message about to be published.
     * @return true if the queue refuses it: {@code x-overflow reject-publish} and a length limit
     * reached (any thread; the counts may trail by the messages being appended).
     */
    public boolean refusesPublish(final int bodyBytes)
    {
        // Appends accepted but not yet durable count too, so pipelined publishers cannot overshoot.
        final long ready = Math.max(0, shard.nextOffset() - next) + requeuedCount;
        return arguments.rejectPublish() && (arguments.maxLength() >= 0 && ready >= arguments.maxLength() ||
            arguments.maxLengthBytes() >= 0 && readyBytes + bodyBytes > arguments.maxLengthBytes());
    }

    /**
     * A message was appended to the queue's shard (any thread).
     */
    public void published()
    {
        metrics.published();
    }

    /**
     * @return the queue.
     */
    public QueueDef queue()
    {
        return queue;
    }

    /**
     * @return the event loop it runs on.
     */
    public EventExecutor executor()
    {
        return executor;
    }

    /**
     * @return the queue's shard.
     */
    public Shard shard()
    {
        return shard;
    }

    /**
     * @return messages ready for delivery (not delivered, or requeued); from any thread.
     */
    public long readyCount()
    {
        // Live: a confirm (the append stored) may reach the client before this queue's loop has seen
        // the append, and a count asked for right after must include it.
        return Math.max(0, shard.durableOffset() - next) + requeuedCount;
    }

    /**
     * @return consumers; from any thread.
     */
    public int consumerCount()
    {
        return consumerCount;
    }

    /**
     * @return messages delivered and not yet acknowledged; from any thread.
     */
    public int unacknowledgedCount()
    {
        return Math.max(0, cursor.unacknowledgedCount() - requeuedCount);
    }

    private volatile int requeuedCount;

    /**
     * Count the bodies of the messages stored since the last count (x-max-length-bytes).
     */
    private void measureNewMessages()
    {
        final long durable = shard.durableOffset();
        long bytes = readyBytes;
        measuredUpTo = Math.max(measuredUpTo, next);
        while (measuredUpTo < durable)
        {
            final int size = bodySize(measuredUpTo);
            bytes += Math.max(0, size);
            measuredUpTo++;
        }
        readyBytes = bytes;
    }

    /**
     * @return the body size of the message at an offset, or -1 if it is gone.
     */
    private int bodySize(final long offset)
    {
        final int read = shard.read(offset, Integer.MAX_VALUE, 1, view);
        try
        {
            return read > 0 && view.next() ? reading.wrap(view.payload()).body().readableBytes() : -1;
        }
        finally
        {
            view.release();
        }
    }

    private void updateCounts()
    {
        if (arguments != null && arguments.maxLengthBytes() >= 0)
        {
            measureNewMessages();
        }
        readyCount = Math.max(0, shard.durableOffset() - next) + requeued.size();
        requeuedCount = requeued.size();
        consumerCount = consumers.size();
    }

    private void onLoop(final Runnable task)
    {
        if (executor.inEventLoop())
        {
            task.run();
        }
        else
        {
            executor.execute(task);
        }
    }

    /**
     * Look for deliveries to make, soon (once, however often asked meanwhile).
     */
    public void schedule()
    {
        if (executor.inEventLoop())
        {
            if (!dispatchScheduled)
            {
                dispatchScheduled = true;
                executor.execute(this::dispatch);
            }
        }
        else
        {
            executor.execute(this::schedule);
        }
    }

    /**
     * Start delivering to a consumer.
     *
     * @param consumer  a new consumer.
     * @param exclusive whether it wants the queue to itself.
     * @return done once it is added (before anything is delivered to it); fails with 403 if the queue
     * has an exclusive consumer, or any consumer when this one is exclusive.
     */
    public java.util.concurrent.CompletableFuture<Void> addConsumer(final QueueConsumer consumer, final boolean exclusive)
    {
        final java.util.concurrent.CompletableFuture<Void> added = new java.util.concurrent.CompletableFuture<>();
        onLoop(() ->
        {
            if (closed)
            {
                added.completeExceptionally(new io.robustmq.plugin.amqp.codec.AmqpError(
                    io.robustmq.plugin.amqp.codec.ReplyCode.NOT_FOUND, "no queue '" + queue.name() + "' in vhost '/'",
                    60, 20));
                return;
            }
            if (exclusiveConsumer || exclusive && !consumers.isEmpty())
            {
                added.completeExceptionally(new io.robustmq.plugin.amqp.codec.AmqpError(
                    io.robustmq.plugin.amqp.codec.ReplyCode.ACCESS_REFUSED, "queue '" + queue.name() +
                    "' in vhost '/' in exclusive use", 60, 20));
                return;
            }
            consumers.add(consumer);
            lastUsedMs = clock.millis();
            exclusiveConsumer = exclusive;
            hadConsumer = true;
            updateCounts();
            added.complete(null);
            schedule();
        });
        return added;
    }

    /**
     * @param consumer a consumer cancelled, or whose channel closed.
     * @return done once the queue delivers nothing more to it (what it delivered before is on its way
     * to the consumer's connection, ahead of anything that connection is told after this).
     */
    public java.util.concurrent.CompletableFuture<Void> removeConsumer(final QueueConsumer consumer)
    {
        final java.util.concurrent.CompletableFuture<Void> removed = new java.util.concurrent.CompletableFuture<>();
        onLoop(() ->
        {
            removeNow(consumer);
            removed.complete(null);
        });
        return removed;
    }

    private void removeNow(final QueueConsumer consumer)
    {
        if (consumers.remove(consumer))
        {
            lastUsedMs = clock.millis();
            if (consumers.isEmpty())
            {
                exclusiveConsumer = false;
            }
            updateCounts();
            if (consumers.isEmpty() && hadConsumer && queue.autoDelete() && !closed)
            {
                onLastConsumerGone.accept(this);
            }
        }
    }

    /**
     * An acknowledgement (basic.ack, or basic.reject/nack without requeue: the message is dropped).
     *
     * @param offset the message's offset.
     */
    public void acknowledge(final long offset)
    {
        onLoop(() ->
        {
            final int result = cursor.acknowledge(offset, false, CursorStore.NO_CALLBACK, 0);
            if (result == Cursor.BACK_PRESSURED && !closed)
            {
                executor.schedule(() -> acknowledge(offset), RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            if (result == Cursor.OK)
            {
                metrics.acknowledged();
            }
            deleteConsumedHead();
            schedule();
        });
    }

    /**
     * A delivery rejected without requeue (basic.reject, basic.nack): dead-lettered with reason
     * {@code rejected} if the queue says where, then acknowledged.
     *
     * @param offset the message's offset.
     */
    public void reject(final long offset)
    {
        onLoop(() ->
        {
            if (arguments.deadLetterExchange() != null && !closed && cursor.isUnacknowledged(offset))
            {
                final int read = shard.read(offset, Integer.MAX_VALUE, 1, view);
                try
                {
                    if (read > 0 && view.next())
                    {
                        deadLetter(view.payload(), "rejected");
                    }
                }
                finally
                {
                    view.release();
                }
            }
            acknowledge(offset);
        });
    }

    /**
     * A message back in the queue, ready again (basic.reject/nack with requeue, basic.recover, a
     * channel closed with it unacknowledged).
     *
     * @param offset the message's offset.
     */
    public void requeue(final long offset)
    {
        onLoop(() ->
        {
            if (!closed && cursor.isUnacknowledged(offset))
            {
                if (arguments.maxLengthBytes() >= 0 && !requeued.contains(offset))
                {
                    readyBytes += Math.max(0, bodySize(offset));
                }
                requeued.add(offset);
                updateCounts();
                schedule();
            }
        });
    }

    /**
     * A consumer's room grew (an acknowledgement, its socket writable again): look for deliveries.
     */
    public void creditReturned()
    {
        schedule();
    }

    /**
     * basic.get: the next ready message, if any.
     *
     * @param taker given the message (retained: the taker releases it), its offset, whether it is
     *              redelivered and the messages left; or a null payload if none is ready.
     * @param noAck whether the taker acknowledges it at once.
     */
    public void get(final GetTaker taker, final boolean noAck)
    {
        lastUsedMs = clock.millis();
        onLoop(() ->
        {
            while (true)
            {
                final long offset = closed ? -1 : nextReady();
                if (offset < 0)
                {
                    taker.take(null, -1, false, readyCount());
                    return;
                }
                final boolean redelivered = requeued.contains(offset);
                final ByteBuf payload = take(offset, redelivered, noAck);
                if (payload == BACK_OFF)
                {
                    executor.schedule(() -> get(taker, noAck), RETRY_MS, TimeUnit.MILLISECONDS);
                    return;
                }
                if (payload == FULL)
                {
                    // As many deliveries unacknowledged as the cursor store keeps: nothing until some are.
                    taker.take(null, -1, false, readyCount());
                    return;
                }
                if (payload != null)
                {
                    updateCounts();
                    taker.take(payload, offset, redelivered, readyCount());
                    return;
                }
                // Gone or expired: the next one.
            }
        });
    }

    /**
     * Told the outcome of {@link #get}.
     */
    @FunctionalInterface
    public interface GetTaker
    {
        /**
         * @param payload     the stored message, retained, or null if none was ready.
         * @param offset      its offset.
         * @param redelivered whether it was delivered before.
         * @param left        messages still ready.
         */
        void take(ByteBuf payload, long offset, boolean redelivered, long left);
    }

    /**
     * queue.purge: drop every ready message (requeued ones too; unacknowledged ones stay).
     *
     * @param done told how many were dropped, on the queue's loop.
     */
    public void purge(final java.util.function.LongConsumer done)
    {
        onLoop(() ->
        {
            final long durable = shard.durableOffset();
            long dropped = Math.max(0, durable - next) + requeued.size();
            for (final long offset : requeued)
            {
                acknowledge(offset);
            }
            requeued.clear();
            if (durable > next)
            {
                if (cursor.delivered(durable - 1, CursorStore.NO_CALLBACK, 0) == Cursor.OK)
                {
                    acknowledge(durable - 1);
                    next = durable;
                }
                else
                {
                    dropped -= durable - next;
                }
            }
            readyBytes = 0;
            measuredUpTo = Math.max(measuredUpTo, durable);
            deleteConsumedHead();
            updateCounts();
            done.accept(dropped);
        });
    }

    private long nextReady()
    {
        if (!requeued.isEmpty())
        {
            return requeued.first();
        }
        return next < shard.durableOffset() ? next : -1;
    }

    /**
     * Read a message and mark it delivered. A message past its TTL is not delivered: it is
     * dead-lettered (reason {@code expired}) and acknowledged, and the answer is null.
     *
     * @return the payload, retained, or null if it is gone (purged, deleted, expired) and was skipped,
     * or {@link #BACK_OFF} or {@link #FULL}.
     */
    private ByteBuf take(final long offset, final boolean redelivered, final boolean noAck)
    {
        final int read = shard.read(offset, Integer.MAX_VALUE, 1, view);
        if (read <= 0 || !view.next())
        {
            view.release();
            if (redelivered)
            {
                requeued.remove(offset);
            }
            else
            {
                next = Math.max(next + 1, shard.earliestOffset());
            }
            return null;
        }
        final boolean expired = expired(view.maxTimestamp(), view.payload());
        final ByteBuf payload = view.retainedPayload();
        view.release();
        if (redelivered)
        {
            requeued.remove(offset);
        }
        else
        {
            final int result = cursor.delivered(offset, CursorStore.NO_CALLBACK, 0);
            if (result != Cursor.OK)
            {
                payload.release();
                return result == Cursor.BACK_PRESSURED ? BACK_OFF : FULL;
            }
            next = offset + 1;
        }
        if (arguments.maxLengthBytes() >= 0 && (redelivered || offset < measuredUpTo))
        {
            readyBytes = Math.max(0, readyBytes - reading.wrap(payload).body().readableBytes());
        }
        if (expired)
        {
            deadLetter(payload, "expired");
            payload.release();
            acknowledge(offset);
            return null;
        }
        metrics.delivered(redelivered);
        if (noAck)
        {
            acknowledge(offset);
        }
        return payload;
    }

    /**
     * Dead-letter a message (if the queue says where); a failure is logged, never thrown, so that the
     * message is still acknowledged and its buffer released.
     */
    private void deadLetter(final ByteBuf payload, final String reason)
    {
        try
        {
            deadLetters.publish(this, arguments, reading.wrap(payload), reason);
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("AMQP: a message of queue '{}' could not be dead-lettered ({}): {}", queue.name(), reason,
                ex.toString());
        }
    }

    /**
     * @return true if a message published at {@code publishedMs} is past the queue's TTL or its own
     * {@code expiration}.
     */
    private boolean expired(final long publishedMs, final ByteBuf payload)
    {
        long ttl = arguments.messageTtlMs();
        final long own = ContentHeader.expirationMs(reading.wrap(payload).properties());
        if (own >= 0 && (ttl < 0 || own < ttl))
        {
            ttl = own;
        }
        return ttl >= 0 && clock.millis() - publishedMs >= ttl;
    }

    /**
     * Drop ready messages from the head while the queue is over a length limit (x-overflow drop-head,
     * the default), dead-lettering them with reason {@code maxlen}.
     */
    private void enforceLengthLimit()
    {
        if (!arguments.limited() || arguments.rejectPublish())
        {
            return;
        }
        updateCounts();
        while (arguments.maxLength() >= 0 && readyCount() > arguments.maxLength() ||
            arguments.maxLengthBytes() >= 0 && readyBytes > arguments.maxLengthBytes())
        {
            final long offset = nextReady();
            if (offset < 0)
            {
                break;
            }
            final boolean redelivered = requeued.contains(offset);
            final ByteBuf payload = take(offset, redelivered, false);
            if (payload == BACK_OFF || payload == FULL)
            {
                executor.schedule(this::schedule, RETRY_MS, TimeUnit.MILLISECONDS);
                break;
            }
            if (payload != null)
            {
                deadLetter(payload, "maxlen");
                payload.release();
                acknowledge(offset);
            }
            updateCounts();
        }
    }

    /**
     * Expire the messages at the head that are past the queue's TTL, whether or not anyone consumes,
     * then look again a TTL later (at most a second, at least 10 ms).
     */
    private void expireHead()
    {
        if (closed || stopped)
        {
            return;
        }
        while (true)
        {
            final long offset = nextReady();
            if (offset < 0)
            {
                break;
            }
            final int read = shard.read(offset, Integer.MAX_VALUE, 1, view);
            final boolean expired = read > 0 && view.next() && expired(view.maxTimestamp(), view.payload());
            view.release();
            if (!expired)
            {
                break;
            }
            final ByteBuf payload = take(offset, requeued.contains(offset), false);
            if (payload == BACK_OFF || payload == FULL)
            {
                break;
            }
            if (payload != null)
            {
                // take() judged it not expired after all (the clock moved): back in the queue.
                payload.release();
                requeued.add(offset);
                break;
            }
        }
        updateCounts();
        final long ttl = arguments.messageTtlMs();
        executor.schedule(this::expireHead, ttl < 0 ? 1000 : Math.max(10, Math.min(1000, ttl)), TimeUnit.MILLISECONDS);
    }

    /** What {@link #take} answers when the cursor store's writer cannot take a delivery now. */
    private static final ByteBuf BACK_OFF = io.netty.buffer.Unpooled.buffer(0, 0);
    /** What {@link #take} answers when the cursor holds as many unacknowledged deliveries as it may. */
    private static final ByteBuf FULL = io.netty.buffer.Unpooled.buffer(0, 0);
    /** Deliveries one dispatch makes before it lets the loop run other tasks. */
    private static final int DELIVERIES_PER_PASS = 256;

    private void dispatch()
    {
        dispatchScheduled = false;
        if (closed || stopped)
        {
            return;
        }
        int delivered = 0;
        while (!consumers.isEmpty())
        {
            if (delivered == DELIVERIES_PER_PASS)
            {
                schedule();
                break;
            }
            final long offset = nextReady();
            if (offset < 0)
            {
                break;
            }
            final QueueConsumer consumer = nextWithCredit();
            if (consumer == null)
            {
                break;
            }
            final boolean redelivered = requeued.contains(offset);
            final ByteBuf payload = take(offset, redelivered, consumer.noAck());
            if (payload == null || payload == BACK_OFF || payload == FULL)
            {
                consumer.unreserve();
            }
            if (payload == BACK_OFF)
            {
                executor.schedule(this::schedule, RETRY_MS, TimeUnit.MILLISECONDS);
                break;
            }
            if (payload == FULL)
            {
                // An acknowledgement schedules the next dispatch.
                break;
            }
            if (payload != null)
            {
                consumer.deliver(this, offset, payload, redelivered);
                delivered++;
            }
        }
        // What consumers could not take now is what a length limit applies to.
        enforceLengthLimit();
        updateCounts();
    }

    private QueueConsumer nextWithCredit()
    {
        if (arguments.singleActiveConsumer())
        {
            final QueueConsumer active = consumers.get(0);
            return active.reserve() ? active : null;
        }
        for (int i = 0; i < consumers.size(); i++)
        {
            final QueueConsumer candidate = consumers.get((roundRobin + i) % consumers.size());
            if (candidate.reserve())
            {
                roundRobin = (roundRobin + i + 1) % consumers.size();
                return candidate;
            }
        }
        return null;
    }

    private void deleteConsumedHead()
    {
        final long committed = Math.min(cursor.committedOffset(), shard.durableOffset());
        final long now = clock.millis();
        if (deleting < 0 && committed - shard.earliestOffset() >= DELETE_EVERY && now - lastDeleteMs < DELETE_INTERVAL_MS &&
            !deleteScheduled)
        {
            // Too soon after the last: once the interval is over, whether or not more is acknowledged.
            deleteScheduled = true;
            executor.schedule(() ->
            {
                deleteScheduled = false;
                if (!closed)
                {
                    deleteConsumedHead();
                }
            }, lastDeleteMs + DELETE_INTERVAL_MS - now, TimeUnit.MILLISECONDS);
            return;
        }
        if (deleting < 0 && committed - shard.earliestOffset() >= DELETE_EVERY && now - lastDeleteMs >= DELETE_INTERVAL_MS)
        {
            lastDeleteMs = now;
            deleting = committed;
            shard.deleteBefore(committed).whenComplete((earliest, failure) -> executor.execute(() ->
            {
                deleting = -1;
                if (failure != null)
                {
                    LOG.warn("AMQP: the consumed head of queue '{}' could not be deleted: {}", queue.name(),
                        failure.toString());
                }
            }));
        }
    }

    /**
     * The plugin is closing, before the node's storage does: the queue's timers and deliveries stop at
     * once, whatever thread this is called on.
     */
    public void stop()
    {
        stopped = true;
        shard.removeTailListener(tail);
    }

    /**
     * The queue is deleted: its consumers are cancelled and nothing more is delivered.
     */
    public void close()
    {
        onLoop(() ->
        {
            if (closed)
            {
                return;
            }
            closed = true;
            shard.removeTailListener(tail);
            metrics.close();
            final List<QueueConsumer> cancelled = new ArrayList<>(consumers);
            consumers.clear();
            cancelled.forEach(QueueConsumer::cancelled);
            updateCounts();
        });
    }
}
