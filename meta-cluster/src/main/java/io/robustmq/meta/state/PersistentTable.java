package io.robustmq.meta.state;

import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

import java.util.Collection;
import java.util.Set;

/**
 * A sorted table the state machine changes in place, held as a persistent map: each change makes
 * a new map sharing all but O(log n) of the old one, so {@link #snapshot()} hands other threads an
 * immutable copy of the whole table at no cost. One writer (the service thread).
 *
 * @param <K> the key.
 * @param <V> the value.
 */
final class PersistentTable<K extends Comparable<? super K>, V>
{
    private PSortedMap<K, V> map = TreePMap.empty();

    V get(final K key)
    {
        return map.get(key);
    }

    boolean containsKey(final K key)
    {
        return map.containsKey(key);
    }

    /**
     * @return the value it replaced, or null.
     */
    V put(final K key, final V value)
    {
        final V previous = map.get(key);
        map = map.plus(key, value);
        return previous;
    }

    /**
     * @return the value removed, or null.
     */
    V remove(final K key)
    {
        final V previous = map.get(key);
        if (previous != null)
        {
            map = map.minus(key);
        }
        return previous;
    }

    int size()
    {
        return map.size();
    }

    /**
     * @return the values, by key, as of now (later changes do not show in it).
     */
    Collection<V> values()
    {
        return map.values();
    }

    /**
     * @return the keys, sorted, as of now.
     */
    Set<K> keySet()
    {
        return map.keySet();
    }

    /**
     * @return the table as of now: immutable, safe to hand to any thread.
     */
    PSortedMap<K, V> snapshot()
    {
        return map;
    }
}
