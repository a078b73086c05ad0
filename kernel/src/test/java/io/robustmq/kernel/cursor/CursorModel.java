package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.Cursor;

import java.util.TreeSet;

/**
 * The cursor rules written as plainly as possible, over a {@link TreeSet}: what the tests hold the
 * store to.
 */
final class CursorModel
{
    long delivered;
    final TreeSet<Long> unacknowledged = new TreeSet<>();
    int leaderEpoch = Cursor.NO_LEADER_EPOCH;
    String metadata = "";

    long committed()
    {
        return unacknowledged.isEmpty() ? delivered : unacknowledged.first();
    }

    int commit(final long offset, final int epoch, final String newMetadata)
    {
        if (offset < 0)
        {
            return Cursor.INVALID_OFFSET;
        }
        if (offset >= delivered || offset < committed())
        {
            unacknowledged.clear();
            delivered = offset;
        }
        else
        {
            unacknowledged.headSet(offset).clear();
        }
        leaderEpoch = epoch;
        metadata = newMetadata == null ? "" : newMetadata;
        return Cursor.OK;
    }

    int deliver(final long offset, final int max)
    {
        if (offset < 0)
        {
            return Cursor.INVALID_OFFSET;
        }
        if (offset < delivered)
        {
            return Cursor.ALREADY_DELIVERED;
        }
        if (unacknowledged.size() >= max)
        {
            return Cursor.TOO_MANY_UNACKNOWLEDGED;
        }
        unacknowledged.add(offset);
        delivered = offset + 1;
        return Cursor.OK;
    }

    int acknowledge(final long offset, final boolean multiple)
    {
        if (offset < 0)
        {
            return Cursor.INVALID_OFFSET;
        }
        if (multiple)
        {
            if (offset >= delivered)
            {
                return Cursor.NOT_UNACKNOWLEDGED;
            }
            unacknowledged.headSet(offset, true).clear();
            return Cursor.OK;
        }
        return unacknowledged.remove(offset) ? Cursor.OK : Cursor.NOT_UNACKNOWLEDGED;
    }

    /**
     * @return the model's state, in the words of {@link #describe(Cursor)}.
     */
    String describe()
    {
        return "C=" + committed() + " H=" + delivered + " epoch=" + leaderEpoch + " metadata=" + metadata +
            " unacknowledged=" + unacknowledged;
    }

    /**
     * @return a cursor's state, in the words of {@link #describe()}.
     */
    static String describe(final Cursor cursor)
    {
        final long[] offsets = new long[cursor.unacknowledgedCount() + 1];
        final int count = cursor.unacknowledged(0, offsets);
        final TreeSet<Long> unacknowledged = new TreeSet<>();
        for (int i = 0; i < count; i++)
        {
            unacknowledged.add(offsets[i]);
        }
        return "C=" + cursor.committedOffset() + " H=" + cursor.deliveredOffset() + " epoch=" + cursor.leaderEpoch() +
            " metadata=" + cursor.metadata() + " unacknowledged=" + unacknowledged;
    }
}
