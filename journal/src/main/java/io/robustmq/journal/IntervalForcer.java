package io.robustmq.journal;

import org.agrona.ErrorHandler;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Does the periodic forces of {@link Durability#INTERVAL} shards on a thread of its own, so that
 * their writer goes on appending while the device catches up. A force of a second's worth of
 * appends can take tens of milliseconds; done on the writer, it held back every append behind it
 * (a latency tail at a steady rate), though nothing waited for it: an interval shard's appends
 * complete once written.
 * <p>
 * The writer takes what is to be forced ({@link ShardLog#forceIfDue(long, IntervalForcer)}: the
 * segments rolled past, the active one, the directory if segments were created, and the recovery
 * point to record after them) and hands it here. A shard has at most one force here at a time;
 * the writer waits for it before it writes the shard's recovery point itself or closes the shard.
 * <p>
 * Its queue is bounded ({@link #QUEUE_CAPACITY}): when it is full, the writer forces on its own
 * thread, as it did before.
 */
public final class IntervalForcer implements AutoCloseable
{
    /** Forces waiting at most. */
    public static final int QUEUE_CAPACITY = 1024;

    private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final ErrorHandler errorHandler;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * Start the forcing thread, {@code robustmq-journal-forcer}.
     *
     * @param errorHandler told when a force fails (the shard is then failed, as a force on the
     *                     writer fails it).
     */
    public IntervalForcer(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.thread = new Thread(this::run, "robustmq-journal-forcer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * @param force a shard's force, taken by its writer.
     * @return false if the queue is full: the caller forces itself.
     */
    boolean submit(final Runnable force)
    {
        return running && tasks.offer(force);
    }

    private void run()
    {
        while (running)
        {
            try
            {
                final Runnable task = tasks.poll(100, TimeUnit.MILLISECONDS);
                if (task != null)
                {
                    runQuietly(task);
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
    }

    private void runQuietly(final Runnable task)
    {
        try
        {
            task.run();
        }
        catch (final Throwable ex)
        {
            // The thread must outlive any one force: a shard whose force is queued waits for it.
            try
            {
                errorHandler.onError(ex);
            }
            catch (final Throwable ignored)
            {
                // Nothing more to do with it.
            }
        }
    }

    /**
     * Stop the thread, then run on the caller's thread whatever it left queued, so that no writer
     * waits for a force that will never come. Close it after the writers.
     */
    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        Runnable task;
        while ((task = tasks.poll()) != null)
        {
            runQuietly(task);
        }
    }
}
