package io.robustmq.journal;

/**
 * Work a shard's writer handed to another thread and has not seen finished: the writer waits for
 * none of it, except before it closes or truncates the shard ({@link #await}).
 */
final class PendingWork
{
    private int count;

    synchronized void add()
    {
        count++;
    }

    synchronized void done()
    {
        count--;
        notifyAll();
    }

    /**
     * Return once none is pending (an interrupt is kept for the caller, not obeyed).
     */
    synchronized void await()
    {
        boolean interrupted = false;
        while (count > 0)
        {
            try
            {
                wait();
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
