package io.robustmq.kernel.storage;

import io.robustmq.journal.engine.AppendCompletion;
import io.robustmq.journal.engine.Journal;
import io.robustmq.plugin.api.storage.AppendCallback;

import java.util.Arrays;

/**
 * The registered append callbacks: by the id plugins pass to {@code append}, and, for the journal,
 * the id of the journal completion that forwards to each.
 */
final class AppendCallbacks
{
    private final Journal journal;
    private volatile AppendCallback[] callbacks = new AppendCallback[0];
    private volatile int[] journalIds = new int[0];

    AppendCallbacks(final Journal journal)
    {
        this.journal = journal;
    }

    synchronized int register(final AppendCallback callback)
    {
        final int journalId = journal.registerCompletion(new AppendCompletion()
        {
            @Override
            public void onAppended(final long correlationId, final long baseOffset)
            {
                callback.onAppended(correlationId, baseOffset);
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                callback.onFailed(correlationId, reason);
            }
        });
        final int id = callbacks.length;
        final int[] ids = Arrays.copyOf(journalIds, id + 1);
        ids[id] = journalId;
        journalIds = ids;
        final AppendCallback[] grown = Arrays.copyOf(callbacks, id + 1);
        grown[id] = callback;
        callbacks = grown;
        return id;
    }

    AppendCallback callback(final int id)
    {
        final AppendCallback[] current = callbacks;
        if (id < 0 || id >= current.length)
        {
            throw new IllegalArgumentException("unknown append callback id " + id);
        }
        return current[id];
    }

    int journalId(final int id)
    {
        final int[] current = journalIds;
        if (id < 0 || id >= current.length)
        {
            throw new IllegalArgumentException("unknown append callback id " + id);
        }
        return current[id];
    }
}
