package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.CursorCallback;
import io.robustmq.plugin.api.cursor.CursorStore;

import java.util.Arrays;

/**
 * The registered {@link CursorCallback}s, by the id operations pass: a copy-on-write array, read
 * without a lock by the writer and by the checks of every operation.
 * <p>
 * Threading: {@link #register} from any thread; reads from any thread.
 */
final class CursorCallbacks
{
    private volatile CursorCallback[] callbacks = new CursorCallback[0];

    synchronized int register(final CursorCallback callback)
    {
        if (callback == null)
        {
            throw new NullPointerException("callback");
        }
        final CursorCallback[] current = callbacks;
        final CursorCallback[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = callback;
        callbacks = grown;
        return current.length;
    }

    /**
     * @param id an operation's callback id.
     * @throws IllegalArgumentException if it is neither {@link CursorStore#NO_CALLBACK} nor registered.
     */
    void check(final int id)
    {
        if (id != CursorStore.NO_CALLBACK && (id < 0 || id >= callbacks.length))
        {
            throw new IllegalArgumentException("unknown cursor callback id " + id);
        }
    }

    CursorCallback get(final int id)
    {
        return callbacks[id];
    }
}
