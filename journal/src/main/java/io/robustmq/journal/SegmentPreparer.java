package io.robustmq.journal;

import io.robustmq.journal.fs.FileAllocation;
import io.robustmq.journal.fs.FileLayer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes a segment's slow steps off the writer, on a thread of its own. Ahead of need, it makes
 * each shard's next segment ready: the file allocated, mapped and every page touched, so that a
 * roll is a rename and no append pays for page faults (a shard asks once its active segment is half
 * full, so idle shards cost nothing). Behind the writer, it seals the segment a roll left: forces
 * it and writes its index file, so the roll does not wait for either; and it retires the segments
 * retention or a deletion dropped (unmaps them and deletes their files).
 * <p>
 * Its queue is bounded ({@link #QUEUE_CAPACITY}): when it is full, a preparation is not asked for
 * (the writer creates the segment itself at the roll) and a seal is done on the writer's thread.
 */
public final class SegmentPreparer implements AutoCloseable
{
    /**
     * Prefix of prepared files in a shard's directory, each named apart ({@code next-segment-N.tmp})
     * so that a preparation never touches a file the writer is renaming; deleted at open if left over.
     */
    static final String PREPARED_PREFIX = "next-segment-";
    /** Tasks waiting at most. */
    public static final int QUEUE_CAPACITY = 1024;

    /**
     * One shard's next segment: requested by its writer, filled in by the preparer, taken at roll.
     */
    static final class Slot
    {
        private final FileLayer layer;
        private final Path dir;
        private volatile int capacity;
        private final FileAllocation allocation;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile Segment.Prepared prepared;
        private volatile boolean requested;
        private boolean closed;
        private long preparations;

        private Slot(final FileLayer layer, final Path dir, final int capacity, final FileAllocation allocation)
        {
            this.layer = layer;
            this.dir = dir;
            this.capacity = capacity;
            this.allocation = allocation;
        }

        boolean isRequested()
        {
            return requested;
        }

        /**
         * Prepare segments of another size from now on; one prepared before keeps its size (the
         * writer discards it at the roll).
         */
        void capacity(final int capacity)
        {
            this.capacity = capacity;
        }

        boolean isReady()
        {
            return prepared != null;
        }

        /**
         * Writer only: the prepared segment, if ready, or null; a later roll asks again.
         */
        Segment.Prepared take()
        {
            if (!lock.tryLock())
            {
                return null;
            }
            try
            {
                final Segment.Prepared ready = prepared;
                prepared = null;
                requested = false;
                return ready;
            }
            finally
            {
                lock.unlock();
            }
        }

        private void fill()
        {
            lock.lock();
            try
            {
                if (!closed && prepared == null)
                {
                    prepared = Segment.prepare(layer, dir.resolve(PREPARED_PREFIX + preparations++ + ".tmp"), capacity,
                        allocation);
                }
            }
            catch (final IOException ex)
            {
                throw new JournalException("cannot prepare a segment in " + dir + ": " + ex.getMessage(), ex);
            }
            finally
            {
                lock.unlock();
            }
        }

        /**
         * Drop the prepared file, and prepare nothing more: the shard is closing.
         */
        void close()
        {
            lock.lock();
            try
            {
                closed = true;
                final Segment.Prepared ready = prepared;
                prepared = null;
                if (ready != null)
                {
                    ready.discard();
                }
            }
            finally
            {
                lock.unlock();
            }
        }
    }

    private final ArrayBlockingQueue<Runnable> tasks = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread thread;
    private final org.agrona.ErrorHandler errorHandler;
    private volatile boolean running = true;

    /**
     * @param errorHandler told when a segment cannot be prepared (the writer then creates it itself).
     */
    public SegmentPreparer(final org.agrona.ErrorHandler errorHandler)
    {
        this(errorHandler, true);
    }

    private SegmentPreparer(final org.agrona.ErrorHandler errorHandler, final boolean threaded)
    {
        this.errorHandler = errorHandler;
        if (threaded)
        {
            this.thread = new Thread(this::run, "robustmq-journal-preparer");
            this.thread.setDaemon(true);
            this.thread.start();
        }
        else
        {
            this.thread = null;
        }
    }

    /**
     * A preparer without a thread of its own: its tasks run when {@link #runTasks} is called, so a
     * test decides when each happens.
     *
     * @param errorHandler told when a task fails.
     * @return the preparer.
     */
    public static SegmentPreparer manual(final org.agrona.ErrorHandler errorHandler)
    {
        return new SegmentPreparer(errorHandler, false);
    }

    Slot slot(final FileLayer layer, final Path dir, final int capacity, final FileAllocation allocation)
    {
        return new Slot(layer, dir, capacity, allocation);
    }

    /**
     * Writer only: ask for a slot's next segment. Cheap; asks once until the slot is taken.
     */
    void request(final Slot slot)
    {
        if (!slot.requested && tasks.offer(slot::fill))
        {
            slot.requested = true;
        }
    }

    /**
     * Writer only: seal a segment the writer has rolled past, in the background; on the writer's
     * thread if the queue is full.
     */
    void seal(final Segment segment)
    {
        final Runnable task = () ->
        {
            if (segment.tryRetain())
            {
                try
                {
                    segment.seal();
                }
                catch (final IOException ex)
                {
                    throw new JournalException("cannot seal segment " + segment.logFile() + ": " + ex.getMessage(), ex);
                }
                finally
                {
                    segment.release();
                }
            }
        };
        if (!tasks.offer(task))
        {
            task.run();
        }
    }

    /**
     * Writer only: retire segments the log no longer holds (unmap them and delete their files once
     * no reader holds them) in the background: unmapping and deleting a large segment takes tens of
     * milliseconds that the writer's appends would otherwise wait for. On the caller's thread if the
     * queue is full, or for a {@link #manual} preparer.
     *
     * @param dropped the segments, taken out of the log's segment array.
     * @param from    the first to retire.
     * @param to      one past the last.
     * @param retired told once every one is retired (or failed to be: the first failure is thrown
     *                after the others are retired).
     */
    void retire(final Segment[] dropped, final int from, final int to, final Runnable retired)
    {
        final Segment[] retiring = java.util.Arrays.copyOfRange(dropped, from, to);
        final Runnable task = () ->
        {
            RuntimeException first = null;
            try
            {
                for (final Segment segment : retiring)
                {
                    try
                    {
                        segment.retire();
                    }
                    catch (final RuntimeException ex)
                    {
                        first = first == null ? ex : first;
                    }
                }
            }
            finally
            {
                retired.run();
            }
            if (first != null)
            {
                throw first;
            }
        };
        if (thread == null || !tasks.offer(task))
        {
            task.run();
        }
    }

    /**
     * Run queued tasks on the calling thread, for a {@link #manual} preparer.
     *
     * @param limit at most this many.
     * @return tasks run.
     */
    public int runTasks(final int limit)
    {
        int count = 0;
        Runnable task;
        while (count < limit && (task = tasks.poll()) != null)
        {
            count++;
            try
            {
                task.run();
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
        return count;
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
                    task.run();
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    /**
     * Stop the thread; shards discard their prepared files, and seal what is left, as they close.
     * Segments still waiting to be retired are retired here, so that none is left mapped.
     */
    @Override
    public void close()
    {
        running = false;
        if (thread == null)
        {
            tasks.clear();
            return;
        }
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        runTasks(Integer.MAX_VALUE);
    }
}
