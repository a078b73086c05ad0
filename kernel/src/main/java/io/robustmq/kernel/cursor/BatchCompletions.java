package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.CursorCallback;
import io.robustmq.plugin.api.storage.AppendCallback;
import org.agrona.ErrorHandler;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The writer's batches in flight and the callbacks waiting on them. Batches are numbered from 1 in
 * the order they are submitted; the storage engine reports each one's outcome on its own thread
 * ({@link #onAppended}, {@link #onFailed}: a store into a slot, nothing else), and the writer, in
 * {@link #poll}, moves the durable mark over the contiguous prefix of reported batches and tells
 * the callbacks of each, in order. So a callback is told only once every earlier batch is reported,
 * even when two generations' shards are written by different engine threads.
 * <p>
 * Threading: {@link #onAppended}/{@link #onFailed} on engine threads; everything else on the writer.
 */
final class BatchCompletions implements AppendCallback
{
    /** Batches submitted and not yet reported, at most. */
    static final int MAX_IN_FLIGHT = 1024;
    private static final int MASK = MAX_IN_FLIGHT - 1;

    private final AtomicLongArray reported = new AtomicLongArray(MAX_IN_FLIGHT);
    private final AtomicIntegerArray reasons = new AtomicIntegerArray(MAX_IN_FLIGHT);
    private final CursorCallbacks callbacks;
    private final ErrorHandler errorHandler;
    private long submitted;
    private long durable;
    private long failedBatches;
    private long[] waitingBatch = new long[1024];
    private int[] waitingCallback = new int[1024];
    private long[] waitingCorrelation = new long[1024];
    private int head;
    private int tail;

    private final Runnable wakeWriter;

    /**
     * @param wakeWriter called after each report: wakes a writer parked until told.
     */
    BatchCompletions(final CursorCallbacks callbacks, final ErrorHandler errorHandler, final Runnable wakeWriter)
    {
        this.wakeWriter = wakeWriter;
        this.callbacks = callbacks;
        this.errorHandler = errorHandler;
    }

    /**
     * @return the number the next batch submitted gets.
     */
    long nextBatch()
    {
        return submitted + 1;
    }

    /**
     * @return batches submitted and not yet reported.
     */
    int inFlight()
    {
        return (int)(submitted - durable);
    }

    /**
     * @return the last batch of the reported prefix.
     */
    long durable()
    {
        return durable;
    }

    /**
     * @return batches the engine failed or refused.
     */
    long failedBatches()
    {
        return failedBatches;
    }

    /**
     * Wait for the next batch: the callback is told when it is reported.
     */
    void await(final int callbackId, final long correlationId)
    {
        if (tail == waitingBatch.length)
        {
            compactOrGrow();
        }
        waitingBatch[tail] = submitted + 1;
        waitingCallback[tail] = callbackId;
        waitingCorrelation[tail] = correlationId;
        tail++;
    }

    /**
     * The next batch was submitted.
     *
     * @return its number, the correlation id of its append.
     */
    long submitted()
    {
        return ++submitted;
    }

    /**
     * The next batch was refused by the engine: it is reported failed at once.
     */
    void refused(final int reason)
    {
        final long batch = ++submitted;
        onFailed(batch, reason);
    }

    @Override
    public void onAppended(final long correlationId, final long baseOffset)
    {
        final int slot = (int)(correlationId & MASK);
        reasons.set(slot, 0);
        reported.setRelease(slot, correlationId);
        wakeWriter.run();
    }

    @Override
    public void onFailed(final long correlationId, final int reason)
    {
        final int slot = (int)(correlationId & MASK);
        reasons.set(slot, reason == 0 ? AppendCallback.IO_ERROR : reason);
        reported.setRelease(slot, correlationId);
        wakeWriter.run();
    }

    /**
     * Move the durable mark over the batches reported, telling their callbacks.
     *
     * @return batches newly reported; negative (minus one, minus the count) if one of them failed.
     */
    int poll()
    {
        int count = 0;
        boolean failed = false;
        while (durable < submitted)
        {
            final long next = durable + 1;
            final int slot = (int)(next & MASK);
            if (reported.getAcquire(slot) != next)
            {
                break;
            }
            final int reason = reasons.get(slot);
            durable = next;
            count++;
            if (reason != 0)
            {
                failed = true;
                failedBatches++;
            }
            while (head < tail && waitingBatch[head] <= next)
            {
                tell(waitingCallback[head], waitingCorrelation[head], reason == 0 ? 0 :
                    reason == AppendCallback.SHARD_CLOSED ? CursorCallback.CLOSED : CursorCallback.IO_ERROR);
                head++;
            }
        }
        if (head == tail)
        {
            head = 0;
            tail = 0;
        }
        return failed ? -1 - count : count;
    }

    /**
     * Tell every callback still waiting that its operation will not be stored.
     */
    void failAll(final int reason)
    {
        while (head < tail)
        {
            tell(waitingCallback[head], waitingCorrelation[head], reason);
            head++;
        }
        head = 0;
        tail = 0;
    }

    private void tell(final int callbackId, final long correlationId, final int reason)
    {
        try
        {
            final CursorCallback callback = callbacks.get(callbackId);
            if (reason == 0)
            {
                callback.onDurable(correlationId);
            }
            else
            {
                callback.onFailed(correlationId, reason);
            }
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void compactOrGrow()
    {
        final int waiting = tail - head;
        if (waiting <= waitingBatch.length / 2)
        {
            System.arraycopy(waitingBatch, head, waitingBatch, 0, waiting);
            System.arraycopy(waitingCallback, head, waitingCallback, 0, waiting);
            System.arraycopy(waitingCorrelation, head, waitingCorrelation, 0, waiting);
        }
        else
        {
            final int capacity = waitingBatch.length * 2;
            waitingBatch = Arrays.copyOfRange(waitingBatch, head, head + capacity);
            waitingCallback = Arrays.copyOfRange(waitingCallback, head, head + capacity);
            waitingCorrelation = Arrays.copyOfRange(waitingCorrelation, head, head + capacity);
        }
        head = 0;
        tail = waiting;
    }
}
