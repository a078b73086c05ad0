package io.robustmq.kernel.cursor;

/**
 * A set of non-negative offsets added in ascending order and removed in any order: a sorted array
 * in which a removed offset stays as a tombstone ({@code ~offset}, negative) until the head passes
 * it or the array is compacted. Adding and removing the first are O(1), removing another is a
 * binary search; memory is proportional to the offsets held (the array at most doubles them).
 * <p>
 * Threading: not thread-safe; its owner guards it.
 */
final class OffsetSet
{
    private static final long[] EMPTY = new long[0];
    private static final int INITIAL_CAPACITY = 16;

    /** A consumer of runs of consecutive offsets. */
    interface RunConsumer
    {
        /**
         * @param first  the run's first offset.
         * @param length offsets in the run, at least 1.
         */
        void accept(long first, int length);
    }

    private long[] entries = EMPTY;
    private int head;
    private int tail;
    private int size;

    /**
     * @return offsets held.
     */
    int size()
    {
        return size;
    }

    /**
     * @return the smallest offset held, or -1 if none.
     */
    long first()
    {
        return size == 0 ? -1 : entries[head];
    }

    /**
     * @return the largest offset held, or -1 if none.
     */
    long last()
    {
        if (size == 0)
        {
            return -1;
        }
        int i = tail - 1;
        while (entries[i] < 0)
        {
            i--;
        }
        return entries[i];
    }

    /**
     * @param offset larger than every offset held (or ever removed since the last {@link #clear()}).
     */
    void addLast(final long offset)
    {
        if (tail == entries.length)
        {
            makeRoom();
        }
        entries[tail++] = offset;
        size++;
    }

    /**
     * @param offset an offset.
     * @return true if it was held.
     */
    boolean remove(final long offset)
    {
        final int index = indexOf(offset);
        if (index < 0)
        {
            return false;
        }
        entries[index] = ~offset;
        size--;
        skipTombstones();
        return true;
    }

    /**
     * Remove every offset up to and including {@code offset}.
     *
     * @param offset the last offset removed.
     * @return how many were removed.
     */
    int removeUpTo(final long offset)
    {
        int removed = 0;
        while (head < tail && decode(entries[head]) <= offset)
        {
            if (entries[head] >= 0)
            {
                removed++;
            }
            head++;
        }
        size -= removed;
        skipTombstones();
        return removed;
    }

    /**
     * @param offset an offset.
     * @return true if it is held.
     */
    boolean contains(final long offset)
    {
        return indexOf(offset) >= 0;
    }

    /**
     * Copy the offsets held from {@code fromOffset} on, ascending.
     *
     * @param fromOffset the smallest wanted.
     * @param into       filled from 0.
     * @return how many were copied.
     */
    int copy(final long fromOffset, final long[] into)
    {
        int i = lowerBound(fromOffset);
        int copied = 0;
        while (i < tail && copied < into.length)
        {
            final long entry = entries[i++];
            if (entry >= 0)
            {
                into[copied++] = entry;
            }
        }
        return copied;
    }

    /**
     * @param consumer told each run of consecutive offsets held, ascending.
     * @return runs told.
     */
    int forEachRun(final RunConsumer consumer)
    {
        int runs = 0;
        long first = -1;
        int length = 0;
        for (int i = head; i < tail; i++)
        {
            final long entry = entries[i];
            if (entry < 0)
            {
                continue;
            }
            if (length > 0 && entry == first + length && length < Integer.MAX_VALUE)
            {
                length++;
            }
            else
            {
                if (length > 0)
                {
                    consumer.accept(first, length);
                    runs++;
                }
                first = entry;
                length = 1;
            }
        }
        if (length > 0)
        {
            consumer.accept(first, length);
            runs++;
        }
        return runs;
    }

    /**
     * Forget every offset; the memory is kept.
     */
    void clear()
    {
        head = 0;
        tail = 0;
        size = 0;
    }

    private int indexOf(final long offset)
    {
        final int i = lowerBound(offset);
        return i < tail && entries[i] == offset ? i : -1;
    }

    /** The first index in [head, tail) whose offset (live or not) is at least {@code offset}. */
    private int lowerBound(final long offset)
    {
        int low = head;
        int high = tail;
        while (low < high)
        {
            final int mid = (low + high) >>> 1;
            if (decode(entries[mid]) < offset)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    private void skipTombstones()
    {
        while (head < tail && entries[head] < 0)
        {
            head++;
        }
        if (head == tail)
        {
            head = 0;
            tail = 0;
        }
    }

    private void makeRoom()
    {
        if (size <= entries.length / 2 && entries.length > 0)
        {
            int to = 0;
            for (int i = head; i < tail; i++)
            {
                if (entries[i] >= 0)
                {
                    entries[to++] = entries[i];
                }
            }
            head = 0;
            tail = to;
        }
        else
        {
            final long[] grown = new long[Math.max(INITIAL_CAPACITY, entries.length * 2)];
            System.arraycopy(entries, head, grown, 0, tail - head);
            tail -= head;
            head = 0;
            entries = grown;
        }
    }

    private static long decode(final long entry)
    {
        return entry < 0 ? ~entry : entry;
    }
}
