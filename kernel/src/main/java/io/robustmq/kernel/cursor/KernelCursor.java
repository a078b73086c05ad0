package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.Cursor;

import static io.robustmq.kernel.cursor.CursorDescriptor.ACKNOWLEDGED;
import static io.robustmq.kernel.cursor.CursorDescriptor.DELETED;
import static io.robustmq.kernel.cursor.CursorDescriptor.DELIVERED;
import static io.robustmq.kernel.cursor.CursorDescriptor.FLAG_MULTIPLE;

/**
 * A live cursor: its {@link CursorState} under its monitor, and the records of its operations queued
 * through the store's {@link CursorLogProxy} under the same monitor, so that the queue holds them in
 * the order they were applied. A cursor is logged (its OPENED record queued) with its first
 * operation, so that looking a cursor up stores nothing.
 * <p>
 * Threading: any thread; see {@link Cursor}.
 */
final class KernelCursor implements Cursor
{
    private final KernelCursorStore store;
    private final int id;
    private final String group;
    private final String shard;
    private final int groupBytes;
    private final int shardBytes;
    private final CursorState state = new CursorState();
    private boolean logged;
    private volatile boolean deleted;

    KernelCursor(
        final KernelCursorStore store,
        final int id,
        final String group,
        final int groupBytes,
        final String shard,
        final int shardBytes,
        final boolean logged)
    {
        this.store = store;
        this.id = id;
        this.group = group;
        this.groupBytes = groupBytes;
        this.shard = shard;
        this.shardBytes = shardBytes;
        this.logged = logged;
    }

    int id()
    {
        return id;
    }

    /**
     * @return the state, for recovery to fill before the cursor is published.
     */
    CursorState state()
    {
        return state;
    }

    @Override
    public String group()
    {
        return group;
    }

    @Override
    public String shard()
    {
        return shard;
    }

    @Override
    public synchronized long committedOffset()
    {
        return state.committedOffset();
    }

    @Override
    public synchronized long deliveredOffset()
    {
        return state.deliveredOffset();
    }

    @Override
    public synchronized int leaderEpoch()
    {
        return state.leaderEpoch();
    }

    @Override
    public synchronized String metadata()
    {
        return state.metadata();
    }

    @Override
    public synchronized int unacknowledgedCount()
    {
        return state.unacknowledged().size();
    }

    @Override
    public synchronized boolean isUnacknowledged(final long offset)
    {
        return state.unacknowledged().contains(offset);
    }

    @Override
    public synchronized int unacknowledged(final long fromOffset, final long[] into)
    {
        return state.unacknowledged().copy(fromOffset, into);
    }

    @Override
    public synchronized int commit(
        final long offset, final int leaderEpoch, final String metadata, final int callbackId, final long correlationId)
    {
        store.checkCallback(callbackId);
        int result = usable();
        if (result != OK || (result = CursorState.canCommit(offset)) != OK)
        {
            return result;
        }
        final String newMetadata = metadata == null ? "" : metadata;
        final boolean changed = !newMetadata.equals(state.metadata());
        final int metadataBytes = changed ? Utf8.length(newMetadata) : -1;
        if (metadataBytes > store.maxMetadataBytes())
        {
            return METADATA_TOO_LARGE;
        }
        if ((result = logOpened()) != OK)
        {
            return result;
        }
        result = store.proxy().committed(callbackId, correlationId, id, leaderEpoch, offset,
            changed ? newMetadata : null, metadataBytes);
        if (result == OK)
        {
            state.commit(offset, leaderEpoch, changed ? newMetadata : null);
        }
        return result;
    }

    @Override
    public synchronized int delivered(final long offset, final int callbackId, final long correlationId)
    {
        store.checkCallback(callbackId);
        int result = usable();
        if (result != OK || (result = state.canDeliver(offset, store.maxUnacknowledged())) != OK ||
            (result = logOpened()) != OK)
        {
            return result;
        }
        result = store.proxy().simple(callbackId, correlationId, DELIVERED, (byte)0, id, offset);
        if (result == OK)
        {
            state.deliver(offset);
        }
        return result;
    }

    @Override
    public synchronized int acknowledge(
        final long offset, final boolean multiple, final int callbackId, final long correlationId)
    {
        store.checkCallback(callbackId);
        int result = usable();
        if (result != OK || (result = state.canAcknowledge(offset, multiple)) != OK || (result = logOpened()) != OK)
        {
            return result;
        }
        result = store.proxy().simple(callbackId, correlationId, ACKNOWLEDGED, multiple ? FLAG_MULTIPLE : 0, id, offset);
        if (result == OK)
        {
            state.acknowledge(offset, multiple);
        }
        return result;
    }

    @Override
    public boolean isDeleted()
    {
        return deleted;
    }

    /**
     * Mark the cursor deleted, queueing its DELETED record if it was ever logged.
     *
     * @return {@link #OK}, or {@link #BACK_PRESSURED} (then it is not deleted).
     */
    synchronized int delete(final int callbackId, final long correlationId)
    {
        if (deleted)
        {
            return OK;
        }
        if (logged)
        {
            final int result = store.proxy().simple(callbackId, correlationId, DELETED, (byte)0, id, 0);
            if (result != OK)
            {
                return result;
            }
        }
        deleted = true;
        return OK;
    }

    /**
     * @return whether a deletion of this cursor queues a record.
     */
    synchronized boolean isLogged()
    {
        return logged;
    }

    private int usable()
    {
        return deleted || store.isClosed() ? CLOSED : OK;
    }

    private int logOpened()
    {
        if (logged)
        {
            return OK;
        }
        final int result = store.proxy().opened(id, group, groupBytes, shard, shardBytes);
        if (result == OK)
        {
            logged = true;
        }
        return result;
    }

    @Override
    public String toString()
    {
        return "cursor " + id + " (group " + group + ", shard " + shard + ")";
    }
}
