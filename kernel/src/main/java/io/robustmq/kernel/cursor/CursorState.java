package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.Cursor;

/**
 * The state of one cursor and its rules, with nothing about threads or storage: the delivered mark
 * H, the unacknowledged offsets below it, and the last commit's leader epoch and metadata. The
 * committed offset C is derived: the smallest unacknowledged offset, or H. The live cursors, the
 * writer's copy that checkpoints are taken from, and recovery all run these same rules, so that
 * replaying the records of accepted operations rebuilds exactly the state they produced.
 * <p>
 * Each operation has a check ({@code can*}), which says whether it would be accepted and changes
 * nothing, and an application, which must only follow a successful check (replay applies records
 * that were checked when accepted).
 * <p>
 * Threading: not thread-safe; its owner guards it.
 */
final class CursorState
{
    private final OffsetSet unacknowledged = new OffsetSet();
    private long delivered;
    private int leaderEpoch = Cursor.NO_LEADER_EPOCH;
    private String metadata = "";

    long committedOffset()
    {
        return unacknowledged.size() == 0 ? delivered : unacknowledged.first();
    }

    long deliveredOffset()
    {
        return delivered;
    }

    int leaderEpoch()
    {
        return leaderEpoch;
    }

    String metadata()
    {
        return metadata;
    }

    OffsetSet unacknowledged()
    {
        return unacknowledged;
    }

    static int canCommit(final long offset)
    {
        return offset < 0 ? Cursor.INVALID_OFFSET : Cursor.OK;
    }

    /**
     * @param offset      the new committed offset.
     * @param leaderEpoch kept.
     * @param metadata    kept; null keeps the current metadata.
     */
    void commit(final long offset, final int leaderEpoch, final String metadata)
    {
        if (offset >= delivered || offset < committedOffset())
        {
            unacknowledged.clear();
            delivered = offset;
        }
        else
        {
            unacknowledged.removeUpTo(offset - 1);
        }
        this.leaderEpoch = leaderEpoch;
        if (metadata != null)
        {
            this.metadata = metadata;
        }
    }

    int canDeliver(final long offset, final int maxUnacknowledged)
    {
        if (offset < 0)
        {
            return Cursor.INVALID_OFFSET;
        }
        if (offset < delivered)
        {
            return Cursor.ALREADY_DELIVERED;
        }
        return unacknowledged.size() >= maxUnacknowledged ? Cursor.TOO_MANY_UNACKNOWLEDGED : Cursor.OK;
    }

    void deliver(final long offset)
    {
        unacknowledged.addLast(offset);
        delivered = offset + 1;
    }

    int canAcknowledge(final long offset, final boolean multiple)
    {
        if (offset < 0)
        {
            return Cursor.INVALID_OFFSET;
        }
        if (multiple)
        {
            return offset < delivered ? Cursor.OK : Cursor.NOT_UNACKNOWLEDGED;
        }
        return unacknowledged.contains(offset) ? Cursor.OK : Cursor.NOT_UNACKNOWLEDGED;
    }

    void acknowledge(final long offset, final boolean multiple)
    {
        if (multiple)
        {
            unacknowledged.removeUpTo(offset);
        }
        else
        {
            unacknowledged.remove(offset);
        }
    }

    /**
     * Set the whole state, from a checkpoint; unacknowledged offsets follow with {@link #restoreRun}.
     */
    void restore(final long delivered, final int leaderEpoch, final String metadata)
    {
        unacknowledged.clear();
        this.delivered = delivered;
        this.leaderEpoch = leaderEpoch;
        this.metadata = metadata;
    }

    void restoreRun(final long first, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            unacknowledged.addLast(first + i);
        }
    }
}
