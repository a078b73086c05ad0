package io.robustmq.plugin.amqp.queue;

import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorStore;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.TailListener;

import java.util.TreeSet;

/**
 * One priority level of a {@link QueueRuntime} (the only one of a queue without priorities): its
 * shard, its cursor in the cursor store, and where delivery stands in it. Confined to the queue's
 * event loop, but for {@link #next}, which the counts read from any thread.
 */
final class QueueLevel
{
    final int priority;
    final Shard shard;
    final Cursor cursor;
    final ShardView view;
    /** Unacknowledged offsets below {@link #next} that are ready again, delivered first. */
    final TreeSet<Long> requeued = new TreeSet<>();
    final TailListener tail;
    /** Offsets below this have been counted in the queue's ready bytes (x-max-length-bytes). */
    long measuredUpTo;
    /** The next offset never delivered. */
    volatile long next;
    /** The offset a deletion of the consumed head is running for, or -1. */
    long deleting = -1;
    long lastDeleteMs = Long.MIN_VALUE / 2;
    boolean deleteScheduled;

    /**
     * @param priority   the level.
     * @param shard      its shard, open.
     * @param cursors    the node's cursor store: the level's cursor is opened in it, and what it
     *                   holds delivered and unacknowledged (a restart) is ready again.
     * @param onAppended told when the shard grows.
     */
    QueueLevel(final int priority, final Shard shard, final CursorStore cursors, final Runnable onAppended)
    {
        this.priority = priority;
        this.shard = shard;
        this.cursor = cursors.open(QueueRuntime.CURSOR_GROUP, shard.name());
        this.view = shard.newView();
        this.tail = (appended, durable) -> onAppended.run();
        this.next = Math.max(cursor.deliveredOffset(), shard.earliestOffset());
        final long[] page = new long[256];
        long from = 0;
        int count;
        do
        {
            count = cursor.unacknowledged(from, page);
            for (int i = 0; i < count; i++)
            {
                requeued.add(page[i]);
                from = page[i] + 1;
            }
        }
        while (count == page.length);
        this.measuredUpTo = next;
    }

    /**
     * @return the offset of this level's next ready message (requeued first), or -1.
     */
    long head()
    {
        if (!requeued.isEmpty())
        {
            return requeued.first();
        }
        return next < shard.durableOffset() ? next : -1;
    }
}
