package io.robustmq.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Takes a segment's slow steps off the writer, on a thread of its own. Ahead of need, it makes
 * each shard's next segment ready: the file allocated, mapped and every page touched, so that a
 * roll is a rename and no append pays for page faults (a shard asks once its active segment is half
 * full, so idle shards cost nothing). Behind the writer, it seals the segment a roll left: forces
 * it and writes its index file, so the roll does not wait for either.
 */
public final class SegmentPreparer implements AutoCloseable
{
    /**
     * Prefix of prepared files in a shard's directory, each named apart ({@code next-segment-N.tmp})
     * so that a preparation never touches a file the writer is renaming; deleted at open if left over.
     */
    static final String PREPARED_PREFIX = "next-segment-";

    /**
     * One shard's next segment: requested by its writer, filled in by the preparer, taken at roll.
     */
    static final class Slot
    {
        private final Path dir;
        private final int capacity;
        private final ReentrantLock lock = new ReentrantLock();
        private volatile Segment.Prepared prepared;
        private volatile boolean requested;
        private boolean closed;
        private long preparations;

        private Slot(final Path dir, final int capacity)
        {
            this.dir = dir;
            this.capacity = capacity;
        }

        boolean isRequested()
        {
            return requested;
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
                    prepared = Segment.prepare(dir.resolve(PREPARED_PREFIX + preparations++ + ".tmp"), capacity);
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

    private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    private final Thread thread;
    private final org.agrona.ErrorHandler errorHandler;
    private volatile boolean running = true;

    /**
     * @param errorHandler told when a segment cannot be prepared (the writer then creates it itself).
     */
    public SegmentPreparer(final org.agrona.ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        this.thread = new Thread(this::run, "robustmq-journal-preparer");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    Slot slot(final Path dir, final int capacity)
    {
        return new Slot(dir, capacity);
    }

    /**
     * Writer only: ask for a slot's next segment. Cheap; asks once until the slot is taken.
     */
    void request(final Slot slot)
    {
        if (!slot.requested)
        {
            slot.requested = true;
            tasks.offer(slot::fill);
        }
    }

    /**
     * Writer only: seal a segment the writer has rolled past, in the background.
     */
    void seal(final Segment segment)
    {
        tasks.offer(() ->
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
        });
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
     */
    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
