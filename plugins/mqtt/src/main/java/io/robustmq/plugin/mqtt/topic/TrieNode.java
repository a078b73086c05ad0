package io.robustmq.plugin.mqtt.topic;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A node of a {@link SubscriptionTrie}: one level of the filters below the root, the subscribers of
 * the filter that ends here, and the nodes of the next level. The children of a level are split
 * three ways: the exact levels in a hash map, and the wildcard levels {@code +} and {@code #} in
 * fields of their own, so a match never looks a wildcard up.
 * <p>
 * Threading: readers (matches) read the volatile fields and the subscriber slots without locking.
 * Writers change a node only while holding its monitor, and everything not volatile is guarded by
 * it. A node is {@link #removed} when it is unlinked from its parent, which takes the parent's
 * monitor then its own; a removed node is empty and never changes again, and a writer that finds
 * one starts again from the root.
 * <p>
 * The subscribers sit in an array of slots that readers scan, skipping empty (null) slots. A new
 * subscriber takes the next never-used slot; a removed one leaves its slot empty. When no unused
 * slot is left, or fewer than a quarter of the slots are in use, the live subscribers are copied in
 * order into a fresh array of twice their number, which is then published: a reader scanning the
 * old array still sees every subscriber that was there when it started, and a subscriber never
 * moves inside an array that readers may hold, so a reader never misses one that stays nor sees one
 * twice. Adding and removing cost amortised O(1); above {@value #INDEXED_CAPACITY} slots a hash map
 * finds a subscriber's slot, below it a scan does.
 *
 * @param <S> the subscriber type.
 */
final class TrieNode<S>
{
    /** The root's kind: no level. */
    static final int ROOT = 0;
    /** A level matched by its text. */
    static final int EXACT = 1;
    /** The {@code +} level. */
    static final int ANY_LEVEL = 2;
    /** The {@code #} level: the last of a filter, matching the parent and every level below. */
    static final int ANY_LEVELS = 3;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    private static final int INDEXED_CAPACITY = 16;
    private static final int MIN_CAPACITY = 2;

    final TrieNode<S> parent;
    final TopicLevel level;
    final int kind;

    private volatile ConcurrentHashMap<TopicLevel, TrieNode<S>> exactChildren;
    private volatile TrieNode<S> anyLevelChild;
    private volatile TrieNode<S> anyLevelsChild;
    private volatile Object[] slots;

    /** Live subscribers. Guarded by this. */
    private int count;
    /** Slots from here on have not been used since the array was built. Guarded by this. */
    private int unusedFrom;
    /** Each subscriber's slot, when the array has more than {@value #INDEXED_CAPACITY}. Guarded by this. */
    private Map<Object, Integer> slotIndex;
    /** Unlinked from the parent: empty for good. Guarded by this. */
    boolean removed;

    /**
     * @param parent the node of the previous level, null for the root.
     * @param level  this node's level (a stored key), null for the root.
     */
    TrieNode(final TrieNode<S> parent, final TopicLevel level)
    {
        this.parent = parent;
        this.level = level;
        if (level == null)
        {
            kind = ROOT;
        }
        else if (level.is(TopicNames.SINGLE_LEVEL_WILDCARD))
        {
            kind = ANY_LEVEL;
        }
        else if (level.is(TopicNames.MULTI_LEVEL_WILDCARD))
        {
            kind = ANY_LEVELS;
        }
        else
        {
            kind = EXACT;
        }
    }

    /**
     * @param level a level of a valid filter ({@code +} and {@code #} are wildcards).
     * @return the child for it, or null. Lock-free.
     */
    TrieNode<S> child(final TopicLevel level)
    {
        if (level.is(TopicNames.SINGLE_LEVEL_WILDCARD))
        {
            return anyLevelChild;
        }
        if (level.is(TopicNames.MULTI_LEVEL_WILDCARD))
        {
            return anyLevelsChild;
        }
        return exactChild(level);
    }

    /**
     * @param level a level of a topic name, read literally.
     * @return the child with exactly that text, or null. Lock-free.
     */
    TrieNode<S> exactChild(final TopicLevel level)
    {
        final ConcurrentHashMap<TopicLevel, TrieNode<S>> children = exactChildren;
        return children == null ? null : children.get(level);
    }

    /**
     * @return the {@code +} child, or null. Lock-free.
     */
    TrieNode<S> anyLevelChild()
    {
        return anyLevelChild;
    }

    /**
     * @return the {@code #} child, or null. Lock-free.
     */
    TrieNode<S> anyLevelsChild()
    {
        return anyLevelsChild;
    }

    /**
     * Adds a child for a level that has none. The caller holds this node's monitor, and this node is
     * not {@link #removed}.
     *
     * @param level a stored key.
     * @return the new child.
     */
    TrieNode<S> addChild(final TopicLevel level)
    {
        final TrieNode<S> child = new TrieNode<>(this, level);
        switch (child.kind)
        {
            case ANY_LEVEL -> anyLevelChild = child;
            case ANY_LEVELS -> anyLevelsChild = child;
            default ->
            {
                ConcurrentHashMap<TopicLevel, TrieNode<S>> children = exactChildren;
                if (children == null)
                {
                    children = new ConcurrentHashMap<>(2);
                    exactChildren = children;
                }
                children.put(level, child);
            }
        }
        return child;
    }

    /**
     * Unlinks an empty child and marks it {@link #removed}. The caller holds this node's monitor,
     * then the child's.
     */
    void removeChild(final TrieNode<S> child)
    {
        switch (child.kind)
        {
            case ANY_LEVEL -> anyLevelChild = null;
            case ANY_LEVELS -> anyLevelsChild = null;
            default ->
            {
                final ConcurrentHashMap<TopicLevel, TrieNode<S>> children = exactChildren;
                children.remove(child.level, child);
                if (children.isEmpty())
                {
                    exactChildren = null;
                }
            }
        }
        child.removed = true;
    }

    /**
     * @return whether this node has no subscriber and no child, and so may be unlinked. The caller
     *         holds this node's monitor.
     */
    boolean isEmpty()
    {
        return count == 0 && exactChildren == null && anyLevelChild == null && anyLevelsChild == null;
    }

    /**
     * @return the number of subscribers. The caller holds this node's monitor.
     */
    int subscriberCount()
    {
        return count;
    }

    /**
     * Adds a subscriber, or replaces the one equal to it. The caller holds this node's monitor, and
     * this node is not {@link #removed}.
     *
     * @return whether it was new (not a replacement).
     */
    boolean addSubscriber(final S subscriber)
    {
        Object[] slots = this.slots;
        final int existing = slotOf(slots, subscriber);
        if (existing >= 0)
        {
            if (slotIndex != null)
            {
                // Replace the key too: the map must not keep the old subscriber alive.
                slotIndex.remove(subscriber);
                slotIndex.put(subscriber, existing);
            }
            SLOT.setRelease(slots, existing, subscriber);
            return false;
        }
        if (slots == null || unusedFrom == slots.length)
        {
            slots = rebuild(Math.max(MIN_CAPACITY, 2 * (count + 1)));
        }
        final int slot = unusedFrom++;
        SLOT.setRelease(slots, slot, subscriber);
        if (slotIndex != null)
        {
            slotIndex.put(subscriber, slot);
        }
        count++;
        return true;
    }

    /**
     * Removes a subscriber. The caller holds this node's monitor.
     *
     * @return whether it was here.
     */
    boolean removeSubscriber(final S subscriber)
    {
        final Object[] slots = this.slots;
        final int slot = slotOf(slots, subscriber);
        if (slot < 0)
        {
            return false;
        }
        SLOT.setRelease(slots, slot, null);
        if (slotIndex != null)
        {
            slotIndex.remove(subscriber);
        }
        count--;
        if (count == 0)
        {
            this.slots = null;
            unusedFrom = 0;
            slotIndex = null;
        }
        else if (slots.length > 4 * MIN_CAPACITY && count < slots.length / 4)
        {
            rebuild(2 * count);
        }
        return true;
    }

    /**
     * Gives every subscriber to {@code visitor}. Lock-free; sees each subscriber that is here for
     * the whole call once, and one added or removed meanwhile at most once.
     */
    @SuppressWarnings("unchecked")
    void forEachSubscriber(final Consumer<? super S> visitor)
    {
        final Object[] slots = this.slots;
        if (slots == null)
        {
            return;
        }
        for (int i = 0; i < slots.length; i++)
        {
            final Object subscriber = SLOT.getAcquire(slots, i);
            if (subscriber != null)
            {
                visitor.accept((S)subscriber);
            }
        }
    }

    /**
     * Adds this node's children to {@code nodes}. For tests; not atomic.
     */
    void addChildrenTo(final Collection<TrieNode<S>> nodes)
    {
        final ConcurrentHashMap<TopicLevel, TrieNode<S>> children = exactChildren;
        if (children != null)
        {
            nodes.addAll(children.values());
        }
        final TrieNode<S> anyLevel = anyLevelChild;
        if (anyLevel != null)
        {
            nodes.add(anyLevel);
        }
        final TrieNode<S> anyLevels = anyLevelsChild;
        if (anyLevels != null)
        {
            nodes.add(anyLevels);
        }
    }

    /**
     * @return the length of the subscriber array, 0 if there is none. For tests; the caller holds
     *         this node's monitor.
     */
    int slotCapacity()
    {
        final Object[] slots = this.slots;
        return slots == null ? 0 : slots.length;
    }

    private int slotOf(final Object[] slots, final Object subscriber)
    {
        if (slots == null)
        {
            return -1;
        }
        if (slotIndex != null)
        {
            final Integer slot = slotIndex.get(subscriber);
            return slot == null ? -1 : slot;
        }
        for (int i = 0; i < unusedFrom; i++)
        {
            final Object candidate = slots[i];
            if (candidate != null && subscriber.equals(candidate))
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * Copies the live subscribers, in order, into a fresh array of {@code capacity} slots, and
     * publishes it.
     */
    private Object[] rebuild(final int capacity)
    {
        final Object[] old = slots;
        final Object[] fresh = new Object[capacity];
        final Map<Object, Integer> index = capacity > INDEXED_CAPACITY ? new HashMap<>(2 * capacity) : null;
        int used = 0;
        for (int i = 0; old != null && i < unusedFrom; i++)
        {
            final Object subscriber = old[i];
            if (subscriber != null)
            {
                fresh[used] = subscriber;
                if (index != null)
                {
                    index.put(subscriber, used);
                }
                used++;
            }
        }
        unusedFrom = used;
        slotIndex = index;
        slots = fresh;
        return fresh;
    }
}
