package io.robustmq.kernel.meta;

import io.robustmq.meta.cluster.MetaClusteredService;
import io.robustmq.meta.state.ObjectChangeRecord;
import io.robustmq.meta.state.ObjectKey;
import io.robustmq.meta.state.ObjectRecord;
import io.robustmq.plugin.api.metadata.ObjectChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.function.Consumer;

/**
 * A watch of one owner's objects. The first view offered tells the listener every object the owner
 * has, by kind then name. Each later view tells it the changes applied since the last one told, in
 * order, from the view's record of the latest changes; views may be coalesced, the changes they
 * carry are not. If the record no longer reaches back to the last change told (the listener fell
 * more than {@code ObjectTable.CHANGES_KEPT} changes behind), or the objects changed without a
 * change being recorded (a snapshot loaded at start), the listener is told the difference between
 * what it was told last and what is there now, by kind then name: each object that is new, replaced
 * or gone, at its latest state.
 * <p>
 * Threading: offered views on the watch thread only; {@link #close()} from any thread.
 */
final class ObjectWatch implements MetadataWatches.ViewWatch
{
    private static final Logger LOG = LoggerFactory.getLogger(ObjectWatch.class);

    private final String owner;
    private final Consumer<ObjectChange> listener;
    private final Consumer<ObjectWatch> onClose;
    /** Every object, as of the last view told (persistent: holding it costs nothing); null before the first. */
    private SortedMap<ObjectKey, ObjectRecord> told;
    /** The sequence of the last change told. */
    private long seen;
    private volatile boolean closed;

    /**
     * @param owner    the plugin whose objects to watch.
     * @param listener told each change.
     * @param onClose  told once the watch is closed, to stop offering it views.
     */
    ObjectWatch(final String owner, final Consumer<ObjectChange> listener, final Consumer<ObjectWatch> onClose)
    {
        this.owner = owner;
        this.listener = listener;
        this.onClose = onClose;
    }

    @Override
    public void offer(final MetaClusteredService.View view)
    {
        if (closed)
        {
            return;
        }
        final SortedMap<ObjectKey, ObjectRecord> now = view.objectMap();
        if (told == null)
        {
            for (final ObjectRecord object : ObjectKey.owned(now, owner).values())
            {
                tell(object.key(), object);
            }
        }
        else if (view.lastObjectChange() > seen && reaches(view.objectChanges(), seen))
        {
            for (final ObjectChangeRecord change : view.objectChanges().tailMap(seen + 1).values())
            {
                if (change.key().owner().equals(owner))
                {
                    tell(change.key(), change.object());
                }
            }
        }
        else if (now != told)
        {
            tellDifference(ObjectKey.owned(told, owner), ObjectKey.owned(now, owner));
        }
        told = now;
        seen = view.lastObjectChange();
    }

    /**
     * @return true if the changes kept start at or before the one after {@code seen}.
     */
    private static boolean reaches(final SortedMap<Long, ObjectChangeRecord> changes, final long seen)
    {
        return !changes.isEmpty() && changes.firstKey() <= seen + 1;
    }

    /**
     * Tell each object that differs between two states of the owner's objects, in key order (records
     * are immutable and a write makes a new one, so a record that is the same instance is unchanged).
     */
    private void tellDifference(
        final SortedMap<ObjectKey, ObjectRecord> before, final SortedMap<ObjectKey, ObjectRecord> after)
    {
        final Iterator<Map.Entry<ObjectKey, ObjectRecord>> old = before.entrySet().iterator();
        final Iterator<Map.Entry<ObjectKey, ObjectRecord>> now = after.entrySet().iterator();
        Map.Entry<ObjectKey, ObjectRecord> a = old.hasNext() ? old.next() : null;
        Map.Entry<ObjectKey, ObjectRecord> b = now.hasNext() ? now.next() : null;
        while (a != null || b != null)
        {
            final int order = a == null ? 1 : b == null ? -1 : a.getKey().compareTo(b.getKey());
            if (order < 0)
            {
                tell(a.getKey(), null);
                a = old.hasNext() ? old.next() : null;
            }
            else if (order > 0)
            {
                tell(b.getKey(), b.getValue());
                b = now.hasNext() ? now.next() : null;
            }
            else
            {
                if (a.getValue() != b.getValue())
                {
                    tell(b.getKey(), b.getValue());
                }
                a = old.hasNext() ? old.next() : null;
                b = now.hasNext() ? now.next() : null;
            }
        }
    }

    private void tell(final ObjectKey key, final ObjectRecord object)
    {
        if (closed)
        {
            return;
        }
        try
        {
            listener.accept(new ObjectChange(key.kind(), key.name(),
                object == null ? Optional.empty() : Optional.of(KernelMetadata.info(object))));
        }
        catch (final RuntimeException ex)
        {
            LOG.warn("a metadata watch's listener failed", ex);
        }
    }

    @Override
    public void close()
    {
        closed = true;
        onClose.accept(this);
    }
}
