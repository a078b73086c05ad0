package io.robustmq.plugin.amqp.queue;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import io.robustmq.plugin.amqp.codec.ContentHeader;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorStore;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One queue on this node while it is in use: its shards (one for each priority level; one for a
 * queue without priorities), their cursors in the cursor store, its consumers, and where delivery
 * stands. Each level:
 * <pre>
 *   shard:   ... acknowledged | C | delivered, some unacknowledged | next | ready ... | durable offset
 *   requeued: unacknowledged offsets below next that are ready again (nack, reject, a channel closed,
 *             a restart), delivered first, with redelivered set
 * </pre>
 * The next message is the head of the highest level that has one ready (requeued ones first), as
 * RabbitMQ's priority queues order them. A delivery is named by its level and its offset in that
 * level's shard ({@link #deliveryId}); a queue without priorities names it by the offset alone.
 * <p>
 * Messages go to consumers round robin, to each while it can take one (its prefetch, its channel's
 * flow and socket). An acknowledgement moves its level's cursor; once the cursor's committed offset
 * is {@link #DELETE_EVERY} past the shard's earliest offset, the consumed head of the shard is
 * deleted, at most once every {@link #DELETE_INTERVAL_MS} (a deletion is recorded durably on the
 * shard's writer, a force that holds the queue's appends back meanwhile; segments go whole, so more
 * often frees nothing more). After a restart, every message delivered and not acknowledged is
 * requeued.
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
    /** Bits of a delivery id that hold the offset; the level is above them. */
    private static final int OFFSET_BITS = 48;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;
    private static final Logger LOG = LoggerFactory.getLogger(QueueRuntime.class);
    private static final long RETRY_MS = 1;

    private final QueueDef queue;
    private final QueueLevel[] levels;
    private final EventExecutor executor;
    private final List<QueueConsumer> consumers = new ArrayList<>();
    private final Consumer<QueueRuntime> onLastConsumerGone;
    private final QueueMetrics metrics;
    private final QueueArguments arguments;
    private final DeadLetters deadLetters;
    private final java.time.Clock clock;
    private final StoredMessage reading = new StoredMessage();
    private volatile long readyBytes;
    /** When the queue was last used (a consumer, basic.get, a declaration), epoch ms; x-expires. */
    private volatile long lastUsedMs;
    private int roundRobin;
    private boolean dispatchScheduled;
    private boolean hadConsumer;
    private boolean exclusiveConsumer;
    private boolean closed;
    /** Set once the plugin closes: no timer of the queue's does anything from then on (any thread). */
    private volatile boolean stopped;
    private volatile int consumerCount;
    private volatile int requeuedCount;

    /**
     * @param queue              the queue.
     * @param shards             its shards, one for each priority level, lowest first, open.
     * @param cursors            the node's cursor store.
     * @param executor           the event loop the queue runs on.
     * @param onLastConsumerGone told, on the executor, when the last consumer of an auto-delete
     *                           queue that had one is gone.
     * @param registry           where the queue's meters go.
     * @param deadLetters        where rejected, expired and dropped messages go.
     * @param clock              the node's clock (message TTLs).
     */
    QueueRuntime(final QueueDef queue, final Shard[] shards, final CursorStore cursors, final EventExecutor executor,
        final Consumer<QueueRuntime> onLastConsumerGone, final io.micrometer.core.instrument.MeterRegistry registry,
        final DeadLetters deadLetters, final java.time.Clock clock)
    {
        this.arguments = arguments(queue);
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.queue = queue;
        this.executor = executor;
        this.onLastConsumerGone = onLastConsumerGone;
        this.levels = new QueueLevel[shards.length];
        for (int i = 0; i < shards.length; i++)
        {
            levels[i] = new QueueLevel(i, shards[i], cursors, this::schedule);
        }
        this.lastUsedMs = clock.millis();
        if (arguments.maxLengthBytes() >= 0)
        {
            for (final QueueLevel level : levels)
            {
                for (final long offset : level.requeued)
                {
                    readyBytes += Math.max(0, bodySize(level, offset));
                }
            }
        }
        for (final QueueLevel level : levels)
        {
            level.shard.addTailListener(level.tail);
        }
        updateCounts();
        this.metrics = new QueueMetrics(registry, this);
        // Every queue: a message's own expiration counts even where the queue has no TTL.
        executor.execute(this::expireHead);
    }

    /**
     * @param level  a priority level.
     * @param offset an offset in its shard.
     * @return the delivery's id: the offset alone at level 0.
     */
    static long deliveryId(final int level, final long offset)
    {
        return (long)level << OFFSET_BITS | offset;
    }

    private QueueLevel levelOf(final long id)
    {
        final int level = (int)(id >>> OFFSET_BITS);
        return level < levels.length ? levels[level] : null;
    }

    private static long offsetOf(final long id)
    {
        return id & OFFSET_MASK;
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
        if (!arguments.rejectPublish())
        {
            return false;
        }
        // Appends accepted but not yet durable count too, so pipelined publishers cannot overshoot.
        long ready = requeuedCount;
        for (final QueueLevel level : levels)
        {
            ready += Math.max(0, level.shard.nextOffset() - level.next);
        }
        return arguments.maxLength() >= 0 && ready >= arguments.maxLength() ||
            arguments.maxLengthBytes() >= 0 && readyBytes + bodyBytes > arguments.maxLengthBytes();
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
     * @param priority a message's priority property (0 if it has none).
     * @return the shard a message of that priority is appended to: its level's, or the highest
     * level's for a priority above the queue's maximum (as RabbitMQ treats it).
     */
    public Shard shardFor(final int priority)
    {
        return levels[Math.min(Math.max(priority, 0), levels.length - 1)].shard;
    }

    /**
     * @param stored a message as stored ({@link StoredMessage}).
     * @return the shard it is appended to: that of its priority's level (any thread).
     */
    public Shard shardFor(final ByteBuf stored)
    {
        if (levels.length == 1)
        {
            return levels[0].shard;
        }
        return shardFor(ContentHeader.priority(new StoredMessage().wrap(stored).properties()));
    }

    /**
     * @return messages ready for delivery (not delivered, or requeued); from any thread.
     */
    public long readyCount()
    {
        // Live: a confirm (the append stored) may reach the client before this queue's loop has seen
        // the append, and a count asked for right after must include it.
        long ready = requeuedCount;
        for (final QueueLevel level : levels)
        {
            ready += Math.max(0, level.shard.durableOffset() - level.next);
        }
        return ready;
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
        int unacknowledged = 0;
        for (final QueueLevel level : levels)
        {
            unacknowledged += level.cursor.unacknowledgedCount();
        }
        return Math.max(0, unacknowledged - requeuedCount);
    }

    /**
     * Count the bodies of the messages stored since the last count (x-max-length-bytes).
     */
    private void measureNewMessages()
    {
        long bytes = readyBytes;
        for (final QueueLevel level : levels)
        {
            final long durable = level.shard.durableOffset();
            level.measuredUpTo = Math.max(level.measuredUpTo, level.next);
            while (level.measuredUpTo < durable)
            {
                final int size = bodySize(level, level.measuredUpTo);
                bytes += Math.max(0, size);
                level.measuredUpTo++;
            }
        }
        readyBytes = bytes;
    }

    /**
     * @return the body size of the message at an offset of a level, or -1 if it is gone.
     */
    private int bodySize(final QueueLevel level, final long offset)
    {
        final int read = level.shard.read(offset, Integer.MAX_VALUE, 1, level.view);
        try
        {
            return read > 0 && level.view.next() ? reading.wrap(level.view.payload()).body().readableBytes() : -1;
        }
        finally
        {
            level.view.release();
        }
    }

    private void updateCounts()
    {
        if (arguments != null && arguments.maxLengthBytes() >= 0)
        {
            measureNewMessages();
        }
        int requeuedTotal = 0;
        for (final QueueLevel level : levels)
        {
            requeuedTotal += level.requeued.size();
        }
        requeuedCount = requeuedTotal;
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
     * @param id the delivery's id ({@link #deliveryId}).
     */
    public void acknowledge(final long id)
    {
        onLoop(() ->
        {
            final QueueLevel level = levelOf(id);
            if (level == null)
            {
                return;
            }
            final int result = level.cursor.acknowledge(offsetOf(id), false, CursorStore.NO_CALLBACK, 0);
            if (result == Cursor.BACK_PRESSURED && !closed)
            {
                executor.schedule(() -> acknowledge(id), RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            if (result == Cursor.OK)
            {
                metrics.acknowledged();
            }
            deleteConsumedHead(level);
            schedule();
        });
    }

    /**
     * A delivery rejected without requeue (basic.reject, basic.nack): dead-lettered with reason
     * {@code rejected} if the queue says where, then acknowledged.
     *
     * @param id the delivery's id.
     */
    public void reject(final long id)
    {
        onLoop(() ->
        {
            final QueueLevel level = levelOf(id);
            if (level == null)
            {
                return;
            }
            final long offset = offsetOf(id);
            if (arguments.deadLetterExchange() != null && !closed && level.cursor.isUnacknowledged(offset))
            {
                final int read = level.shard.read(offset, Integer.MAX_VALUE, 1, level.view);
                try
                {
                    if (read > 0 && level.view.next())
                    {
                        deadLetter(level.view.payload(), "rejected");
                    }
                }
                finally
                {
                    level.view.release();
                }
            }
            acknowledge(id);
        });
    }

    /**
     * A message back in the queue, ready again (basic.reject/nack with requeue, basic.recover, a
     * channel closed with it unacknowledged).
     *
     * @param id the delivery's id.
     */
    public void requeue(final long id)
    {
        onLoop(() ->
        {
            final QueueLevel level = levelOf(id);
            final long offset = offsetOf(id);
            if (level != null && !closed && level.cursor.isUnacknowledged(offset))
            {
                if (arguments.maxLengthBytes() >= 0 && !level.requeued.contains(offset))
                {
                    readyBytes += Math.max(0, bodySize(level, offset));
                }
                level.requeued.add(offset);
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
     * @param taker given the message (retained: the taker releases it), its delivery id, whether it
     *              is redelivered and the messages left; or a null payload if none is ready.
     * @param noAck whether the taker acknowledges it at once.
     */
    public void get(final GetTaker taker, final boolean noAck)
    {
        lastUsedMs = clock.millis();
        onLoop(() ->
        {
            while (true)
            {
                final long id = closed ? -1 : nextReady();
                if (id < 0)
                {
                    taker.take(null, -1, false, readyCount());
                    return;
                }
                final boolean redelivered = isRequeued(id);
                final ByteBuf payload = take(id, redelivered, noAck);
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
                    taker.take(payload, id, redelivered, readyCount());
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
         * @param id          its delivery id.
         * @param redelivered whether it was delivered before.
         * @param left        messages still ready.
         */
        void take(ByteBuf payload, long id, boolean redelivered, long left);
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
            long dropped = 0;
            for (final QueueLevel level : levels)
            {
                final long durable = level.shard.durableOffset();
                dropped += Math.max(0, durable - level.next) + level.requeued.size();
                for (final long offset : level.requeued)
                {
                    acknowledge(deliveryId(level.priority, offset));
                }
                level.requeued.clear();
                if (durable > level.next)
                {
                    if (level.cursor.delivered(durable - 1, CursorStore.NO_CALLBACK, 0) == Cursor.OK)
                    {
                        acknowledge(deliveryId(level.priority, durable - 1));
                        level.next = durable;
                    }
                    else
                    {
                        dropped -= durable - level.next;
                    }
                }
                level.measuredUpTo = Math.max(level.measuredUpTo, durable);
                deleteConsumedHead(level);
            }
            readyBytes = 0;
            updateCounts();
            done.accept(dropped);
        });
    }

    /**
     * @return the delivery id of the next ready message: the head of the highest level that has one.
     */
    private long nextReady()
    {
        for (int i = levels.length - 1; i >= 0; i--)
        {
            final long offset = levels[i].head();
            if (offset >= 0)
            {
                return deliveryId(i, offset);
            }
        }
        return -1;
    }

    private boolean isRequeued(final long id)
    {
        final QueueLevel level = levelOf(id);
        return level != null && level.requeued.contains(offsetOf(id));
    }

    /**
     * Read a message and mark it delivered. A message past its TTL is not delivered: it is
     * dead-lettered (reason {@code expired}) and acknowledged, and the answer is null.
     *
     * @return the payload, retained, or null if it is gone (purged, deleted, expired) and was skipped,
     * or {@link #BACK_OFF} or {@link #FULL}.
     */
    private ByteBuf take(final long id, final boolean redelivered, final boolean noAck)
    {
        final QueueLevel level = levelOf(id);
        final long offset = offsetOf(id);
        final ShardView view = level.view;
        final int read = level.shard.read(offset, Integer.MAX_VALUE, 1, view);
        if (read <= 0 || !view.next())
        {
            view.release();
            if (redelivered)
            {
                level.requeued.remove(offset);
            }
            else
            {
                level.next = Math.max(level.next + 1, level.shard.earliestOffset());
            }
            return null;
        }
        final boolean expired = expired(view.maxTimestamp(), view.payload());
        final ByteBuf payload = view.retainedPayload();
        view.release();
        if (redelivered)
        {
            level.requeued.remove(offset);
        }
        else
        {
            final int result = level.cursor.delivered(offset, CursorStore.NO_CALLBACK, 0);
            if (result != Cursor.OK)
            {
                payload.release();
                return result == Cursor.BACK_PRESSURED ? BACK_OFF : FULL;
            }
            level.next = offset + 1;
        }
        if (arguments.maxLengthBytes() >= 0 && (redelivered || offset < level.measuredUpTo))
        {
            readyBytes = Math.max(0, readyBytes - reading.wrap(payload).body().readableBytes());
        }
        if (expired)
        {
            deadLetter(payload, "expired");
            payload.release();
            acknowledge(id);
            return null;
        }
        metrics.delivered(redelivered);
        if (noAck)
        {
            acknowledge(id);
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
     * the default), dead-lettering them with reason {@code maxlen}. In a priority queue the head is
     * the next message a consumer would get, in the highest level that has one (as RabbitMQ drops).
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
            final long id = nextReady();
            if (id < 0)
            {
                break;
            }
            final ByteBuf payload = take(id, isRequeued(id), false);
            if (payload == BACK_OFF || payload == FULL)
            {
                executor.schedule(this::schedule, RETRY_MS, TimeUnit.MILLISECONDS);
                break;
            }
            if (payload != null)
            {
                deadLetter(payload, "maxlen");
                payload.release();
                acknowledge(id);
            }
            updateCounts();
        }
    }

    /**
     * Expire the messages at the head of each level that are past the queue's TTL or their own
     * expiration, whether or not anyone consumes, then look again a TTL later (at most a second, at
     * least 10 ms).
     */
    private void expireHead()
    {
        if (closed || stopped)
        {
            return;
        }
        for (final QueueLevel level : levels)
        {
            expireLevelHead(level);
        }
        updateCounts();
        final long ttl = arguments.messageTtlMs();
        executor.schedule(this::expireHead, ttl < 0 ? 1000 : Math.max(10, Math.min(1000, ttl)), TimeUnit.MILLISECONDS);
    }

    private void expireLevelHead(final QueueLevel level)
    {
        while (true)
        {
            final long offset = level.head();
            if (offset < 0)
            {
                return;
            }
            final int read = level.shard.read(offset, Integer.MAX_VALUE, 1, level.view);
            final boolean expired = read > 0 && level.view.next() &&
                expired(level.view.maxTimestamp(), level.view.payload());
            level.view.release();
            if (!expired)
            {
                return;
            }
            final ByteBuf payload = take(deliveryId(level.priority, offset), level.requeued.contains(offset), false);
            if (payload == BACK_OFF || payload == FULL)
            {
                return;
            }
            if (payload != null)
            {
                // take() judged it not expired after all (the clock moved): back in the queue.
                payload.release();
                level.requeued.add(offset);
                return;
            }
        }
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
            final long id = nextReady();
            if (id < 0)
            {
                break;
            }
            final QueueConsumer consumer = nextWithCredit();
            if (consumer == null)
            {
                break;
            }
            final boolean redelivered = isRequeued(id);
            final ByteBuf payload = take(id, redelivered, consumer.noAck());
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
                consumer.deliver(this, id, payload, redelivered);
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

    private void deleteConsumedHead(final QueueLevel level)
    {
        final Shard shard = level.shard;
        final long committed = Math.min(level.cursor.committedOffset(), shard.durableOffset());
        final long now = clock.millis();
        if (level.deleting < 0 && committed - shard.earliestOffset() >= DELETE_EVERY &&
            now - level.lastDeleteMs < DELETE_INTERVAL_MS && !level.deleteScheduled)
        {
            // Too soon after the last: once the interval is over, whether or not more is acknowledged.
            level.deleteScheduled = true;
            executor.schedule(() ->
            {
                level.deleteScheduled = false;
                if (!closed)
                {
                    deleteConsumedHead(level);
                }
            }, level.lastDeleteMs + DELETE_INTERVAL_MS - now, TimeUnit.MILLISECONDS);
            return;
        }
        if (level.deleting < 0 && committed - shard.earliestOffset() >= DELETE_EVERY &&
            now - level.lastDeleteMs >= DELETE_INTERVAL_MS)
        {
            level.lastDeleteMs = now;
            level.deleting = committed;
            shard.deleteBefore(committed).whenComplete((earliest, failure) -> executor.execute(() ->
            {
                level.deleting = -1;
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
        for (final QueueLevel level : levels)
        {
            level.shard.removeTailListener(level.tail);
        }
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
            for (final QueueLevel level : levels)
            {
                level.shard.removeTailListener(level.tail);
            }
            metrics.close();
            final List<QueueConsumer> cancelled = new ArrayList<>(consumers);
            consumers.clear();
            cancelled.forEach(QueueConsumer::cancelled);
            updateCounts();
        });
    }
}
