package io.robustmq.plugin.kafka.partition;

import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.Shards;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The plugin's one append callback: each append is expected under an id of its own, and its
 * future completes (on the shard's writer thread: continue elsewhere) with the batch's base offset,
 * or fails with an {@link AppendFailure}.
 */
public final class Appends implements AppendCallback
{
    /**
     * Why an append failed: the reason {@link AppendCallback#onFailed} was given.
     */
    public static final class AppendFailure extends RuntimeException
    {
        private final int reason;

        AppendFailure(final int reason)
        {
            super("append failed: reason " + reason, null, false, false);
            this.reason = reason;
        }

        /**
         * @return {@link AppendCallback#SHARD_CLOSED}, {@link AppendCallback#TOO_LARGE},
         * {@link AppendCallback#IO_ERROR}, or a stamper's refusal.
         */
        public int reason()
        {
            return reason;
        }
    }

    private final Map<Long, CompletableFuture<Long>> waiting = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong();
    private final int callbackId;

    /**
     * @param shards where appends go; this registers itself there.
     */
    public Appends(final Shards shards)
    {
        this.callbackId = shards.register(this);
    }

    /**
     * @return the id to pass to every append.
     */
    public int callbackId()
    {
        return callbackId;
    }

    /**
     * An append expected.
     *
     * @param id      its correlation id.
     * @param outcome completes with its base offset, or fails with an {@link AppendFailure}.
     */
    public record Expected(long id, CompletableFuture<Long> outcome)
    {
    }

    /**
     * Expect an append's outcome: call before the append, which may complete before it returns.
     *
     * @return the append's correlation id and future.
     */
    public Expected expect()
    {
        final long id = nextId.incrementAndGet();
        final CompletableFuture<Long> outcome = new CompletableFuture<>();
        waiting.put(id, outcome);
        return new Expected(id, outcome);
    }

    /**
     * Forget an id whose append was not submitted.
     *
     * @param id from {@link #expect()}.
     */
    public void forget(final long id)
    {
        waiting.remove(id);
    }

    @Override
    public void onAppended(final long correlationId, final long baseOffset)
    {
        final CompletableFuture<Long> future = waiting.remove(correlationId);
        if (future != null)
        {
            future.complete(baseOffset);
        }
    }

    @Override
    public void onFailed(final long correlationId, final int reason)
    {
        final CompletableFuture<Long> future = waiting.remove(correlationId);
        if (future != null)
        {
            future.completeExceptionally(new AppendFailure(reason));
        }
    }
}
