package io.robustmq.plugin.amqp.queue;

import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.Shards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outcome of each published message's appends, one per queue it was routed to: the plugin's one
 * {@link AppendCallback}. A message is stored once every append is; it failed if one did. Appends
 * nobody waits for (no publisher confirms) use {@link #NOBODY}: a failure is logged. Thread-safe.
 */
public final class PublishConfirms implements AppendCallback
{
    /** The correlation id of appends whose outcome nobody waits for. */
    public static final long NOBODY = 0;
    private static final Logger LOG = LoggerFactory.getLogger(PublishConfirms.class);

    /**
     * Told once what became of a message.
     */
    public interface Outcome
    {
        /**
         * Every append is stored as its queue's durability promises. Called on an engine thread.
         */
        void stored();

        /**
         * @param reason why an append failed ({@link AppendCallback}'s reasons). Called on an engine
         *               thread, or on the publisher's.
         */
        void failed(int reason);
    }

    private record Pending(AtomicInteger remaining, Outcome outcome)
    {
    }

    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private final int callbackId;

    /**
     * @param shards where the callback is registered.
     */
    public PublishConfirms(final Shards shards)
    {
        this.callbackId = shards.register(this);
    }

    /**
     * @return the id to pass to {@code Shard.append}.
     */
    public int callbackId()
    {
        return callbackId;
    }

    /**
     * @param appends how many appends the message takes (at least 1).
     * @param outcome told what became of it.
     * @return the correlation id to pass to each append.
     */
    public long track(final int appends, final Outcome outcome)
    {
        final long id = ids.incrementAndGet();
        pending.put(id, new Pending(new AtomicInteger(appends), outcome));
        return id;
    }

    /**
     * An append of a tracked message was refused at once (it will never be told): the message failed.
     *
     * @param correlationId from {@link #track}.
     * @param reason        why.
     */
    public void refused(final long correlationId, final int reason)
    {
        onFailed(correlationId, reason);
    }

    @Override
    public void onAppended(final long correlationId, final long baseOffset)
    {
        if (correlationId == NOBODY)
        {
            return;
        }
        final Pending message = pending.get(correlationId);
        if (message != null && message.remaining().decrementAndGet() == 0 && pending.remove(correlationId) != null)
        {
            message.outcome().stored();
        }
    }

    @Override
    public void onFailed(final long correlationId, final int reason)
    {
        if (correlationId == NOBODY)
        {
            LOG.warn("AMQP: a published message was not stored in a queue (reason {})", reason);
            return;
        }
        final Pending message = pending.remove(correlationId);
        if (message != null)
        {
            message.outcome().failed(reason);
        }
    }
}
