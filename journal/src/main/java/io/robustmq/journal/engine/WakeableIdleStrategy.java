package io.robustmq.journal.engine;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How a writer waits for work that other threads hand it: a few spins once a duty cycle finds
 * nothing, then a park until a thread that queued work calls {@link #wake()}, or until
 * {@code maxParkNs} has passed (for the writer's timed duties: interval forces, retention,
 * checkpoints). An idle writer thus costs no CPU between its timed duties (a backoff strategy wakes
 * thousands of times a second to look), which on a machine with few cores is CPU the clients and
 * the event loops get; and work that arrives while it sleeps is noticed when it is queued, not at
 * the end of a park.
 * <p>
 * No wake is lost: {@link #wake()} raises a flag and then looks for a sleeper; the writer names
 * itself the sleeper and then looks at the flag. Both are volatile, so at least one of the two sees
 * the other's write: either the writer skips its park, or the waker unparks it. The flag is cleared
 * after the park, before the duty cycle that reads the queue, so work queued before a wake is
 * always read.
 * <p>
 * Threading: {@link #idle} on the writer's thread only; {@link #wake()} on any thread.
 */
public final class WakeableIdleStrategy implements IdleStrategy
{
    /** Spins before parking, each after an empty duty cycle. */
    public static final int DEFAULT_SPINS = 50;
    /** The longest park: how late a timed duty may be. */
    public static final long DEFAULT_MAX_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final int spins;
    private final long maxParkNs;
    private int spun;
    private volatile boolean signalled;
    private volatile boolean parking = true;
    private volatile Thread sleeper;

    /**
     * {@link #DEFAULT_SPINS} spins, parks of at most {@link #DEFAULT_MAX_PARK_NS}.
     */
    public WakeableIdleStrategy()
    {
        this(DEFAULT_SPINS, DEFAULT_MAX_PARK_NS);
    }

    /**
     * @param spins     empty duty cycles spun through before parking.
     * @param maxParkNs the longest park, in nanoseconds; positive.
     */
    public WakeableIdleStrategy(final int spins, final long maxParkNs)
    {
        if (spins < 0 || maxParkNs <= 0)
        {
            throw new IllegalArgumentException("spins must not be negative and the park must be positive");
        }
        this.spins = spins;
        this.maxParkNs = maxParkNs;
    }

    /**
     * Tell the writer there is work: unparks it if it sleeps, else makes its next park return at
     * once. Call after the work is queued.
     */
    public void wake()
    {
        signalled = true;
        final Thread thread = sleeper;
        if (thread != null)
        {
            LockSupport.unpark(thread);
        }
    }

    /**
     * Park no more, from now on (an idle duty cycle then just spins): for closing the writer, whose
     * runner stops it between two duty cycles and must not wait out a park, nor interrupt it.
     */
    public void stopParking()
    {
        parking = false;
        wake();
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            spun = 0;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        if (spun < spins || !parking)
        {
            spun++;
            Thread.onSpinWait();
            return;
        }
        sleeper = Thread.currentThread();
        if (!signalled)
        {
            LockSupport.parkNanos(this, maxParkNs);
        }
        sleeper = null;
        signalled = false;
    }

    @Override
    public void reset()
    {
        spun = 0;
    }

    @Override
    public String alias()
    {
        return "wakeable";
    }

    @Override
    public String toString()
    {
        return "WakeableIdleStrategy{spins=" + spins + ", maxParkNs=" + maxParkNs + '}';
    }
}
