package io.robustmq.journal;

import io.robustmq.journal.fs.FileLayer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One shard's periodic force handed to the {@link IntervalForcer} ({@link ShardLog#forceIfDue(long,
 * IntervalForcer)}): at most one at a time, reused. The writer fills it ({@link #take}); the
 * forcer runs it, unless the writer needs it finished first and finds it still queued, in which
 * case the writer runs it itself ({@link #await}).
 */
final class IntervalForce implements Runnable
{
    private static final int IDLE = 0;
    private static final int QUEUED = 1;
    private static final int RUNNING = 2;

    private final ShardLog log;
    private final FileLayer layer;
    private final Path dir;
    private final AtomicInteger state = new AtomicInteger(IDLE);
    private Segment[] toForce = new Segment[4];
    private int count;
    private boolean syncDirectory;
    private long checkpointBaseOffset;
    private long checkpointNextOffset;
    private int checkpointPosition;

    boolean isBusy()
    {
        return state.get() != IDLE;
    }

    /**
     * @param log   the shard's log: its recovery point, and what fails it.
     * @param layer the file system.
     * @param dir   the shard's directory.
     */
    IntervalForce(final ShardLog log, final FileLayer layer, final Path dir)
    {
        this.log = log;
        this.layer = layer;
        this.dir = dir;
    }

    /**
     * Writer only, while idle: take what was appended since the last force (the segments rolled
     * past, the active one, the directory if segments were created) and the recovery point that
     * covers it: the active segment's end now. Each segment taken is retained until forced.
     */
    void take(final Segment[] rolled, final int rolledCount, final Segment active, final boolean directoryChanged)
    {
        count = 0;
        if (toForce.length < rolledCount + 1)
        {
            toForce = new Segment[rolledCount + 1];
        }
        for (int i = 0; i < rolledCount; i++)
        {
            if (rolled[i].tryRetain())
            {
                toForce[count++] = rolled[i];
            }
        }
        if (active.tryRetain())
        {
            toForce[count++] = active;
        }
        syncDirectory = directoryChanged;
        checkpointBaseOffset = active.baseOffset();
        checkpointNextOffset = active.nextOffset();
        checkpointPosition = active.limit();
        state.set(QUEUED);
    }

    /**
     * Force what was taken, in order, then the directory, then record the recovery point. Does
     * nothing if another thread is already running it or it ran.
     *
     * @throws JournalException if a force fails; the log is then failed.
     */
    @Override
    public void run()
    {
        if (!state.compareAndSet(QUEUED, RUNNING))
        {
            return;
        }
        try
        {
            boolean forced = false;
            for (int i = 0; i < count; i++)
            {
                forced |= toForce[i].force();
            }
            if (syncDirectory)
            {
                layer.syncDirectory(dir);
                forced = true;
            }
            if (forced && !log.isFailed())
            {
                log.checkpoint().write(checkpointBaseOffset, checkpointNextOffset, checkpointPosition);
            }
        }
        catch (final IOException | UncheckedIOException | JournalException ex)
        {
            log.fail(ex);
            throw new JournalException("cannot force shard " + dir + ": " + ex.getMessage(), ex);
        }
        finally
        {
            RuntimeException releaseFailure = null;
            for (int i = 0; i < count; i++)
            {
                try
                {
                    // The last reference to a retired segment deletes its files, which can fail.
                    toForce[i].release();
                }
                catch (final RuntimeException ex)
                {
                    releaseFailure = releaseFailure == null ? ex : releaseFailure;
                }
                toForce[i] = null;
            }
            count = 0;
            synchronized (this)
            {
                state.set(IDLE);
                notifyAll();
            }
            if (releaseFailure != null)
            {
                throw releaseFailure;
            }
        }
    }

    /**
     * Writer only: return once no force of this log is queued or running; one still queued is
     * run here.
     *
     * @throws JournalException if a force run here fails.
     */
    void await()
    {
        if (state.get() == IDLE)
        {
            return;
        }
        run();
        boolean interrupted = false;
        synchronized (this)
        {
            while (state.get() != IDLE)
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
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }
}
