package io.robustmq.bench.mqtt;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What became of the idle connections of one run, counted by their handlers on the event loops and
 * read by the caller's thread; and the bound on connections that await their CONNACK, so that the
 * caller opens them no faster than the broker answers. Thread-safe.
 */
final class IdleConnectionTally
{
    private final Semaphore pending;
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger connectFailed = new AtomicInteger();
    private final AtomicInteger closedBeforeConnAck = new AtomicInteger();
    private final AtomicInteger closedAfterConnAck = new AtomicInteger();

    /**
     * @param maxPending connections that may await their CONNACK at once.
     */
    IdleConnectionTally(final int maxPending)
    {
        pending = new Semaphore(maxPending);
    }

    /**
     * Wait for room to open one more connection.
     *
     * @param timeoutMs how long at most.
     * @return false if no connection was answered for that long.
     * @throws InterruptedException if interrupted.
     */
    boolean awaitRoom(final long timeoutMs) throws InterruptedException
    {
        return pending.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Wait until no connection awaits its CONNACK.
     *
     * @param maxPending the bound given to the constructor.
     * @param timeoutMs  how long at most.
     * @return false if some were still unanswered then.
     * @throws InterruptedException if interrupted.
     */
    boolean awaitAnswered(final int maxPending, final long timeoutMs) throws InterruptedException
    {
        final boolean all = pending.tryAcquire(maxPending, timeoutMs, TimeUnit.MILLISECONDS);
        if (all)
        {
            pending.release(maxPending);
        }
        return all;
    }

    void onAccepted()
    {
        accepted.incrementAndGet();
        pending.release();
    }

    void onRefused()
    {
        refused.incrementAndGet();
        pending.release();
    }

    void onConnectFailed()
    {
        connectFailed.incrementAndGet();
        pending.release();
    }

    void onClosedBeforeConnAck()
    {
        closedBeforeConnAck.incrementAndGet();
        pending.release();
    }

    void onClosedAfterConnAck()
    {
        closedAfterConnAck.incrementAndGet();
    }

    /**
     * @return connections the broker accepted (CONNACK 0), closed since or not.
     */
    int accepted()
    {
        return accepted.get();
    }

    /**
     * @return connections the broker refused (a CONNACK with another code).
     */
    int refused()
    {
        return refused.get();
    }

    /**
     * @return TCP connections that could not be made (refused, reset or timed out).
     */
    int connectFailed()
    {
        return connectFailed.get();
    }

    /**
     * @return connections closed by the broker before their CONNACK.
     */
    int closedBeforeConnAck()
    {
        return closedBeforeConnAck.get();
    }

    /**
     * @return accepted connections the broker has closed since.
     */
    int closedAfterConnAck()
    {
        return closedAfterConnAck.get();
    }
}
