package io.robustmq.plugin.mqtt.topic;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The subscriptions of a node, indexed by topic filter: a tree with one level of a filter per
 * edge, which finds the subscribers of every filter that matches a topic name
 * (MQTT 5.0 section 4.7):
 * <ul>
 *   <li>a level matches the same text, case and all, nothing normalised [MQTT-4.7.3-4];</li>
 *   <li>{@code +} matches exactly one level, which may be empty: {@code sport/+} matches
 *       {@code sport/} but not {@code sport};</li>
 *   <li>{@code #} matches its parent level and any number of levels below it: {@code sport/#}
 *       matches {@code sport}, {@code sport/} and {@code sport/tennis/player1}; {@code #} alone
 *       matches every name;</li>
 *   <li>a filter that starts with a wildcard ({@code #}, {@code +}, {@code +/...}) does not match
 *       a name that starts with {@code $} [MQTT-4.7.2-1]; {@code $SYS/#} matches
 *       {@code $SYS/broker}.</li>
 * </ul>
 * Filters are plain ones ({@link TopicNames#validPlainFilter}); a shared subscription adds
 * {@link SharedSubscription#filter()} with a subscriber that stands for its group.
 * <p>
 * <b>Subscribers</b> are compared with {@link Object#equals} and {@link Object#hashCode}: a filter
 * holds a subscriber once, adding one that is equal to one it holds replaces it (so its QoS or
 * options can change with it), and removing takes away the one that is equal. A subscriber's
 * equality must therefore not change while it is in the trie; a session's identity (its client
 * identifier) is the natural choice, with the options carried beside it and left out of equals.
 * <p>
 * <b>Threading</b>: every method may be called from any thread, concurrently.
 * {@link #match} is lock-free: it takes no lock, never waits for a writer, and allocates nothing.
 * It reads the topic name in place (no split, no substring: a level is looked up through a view of
 * the name), and keeps its work stack and those views in a per-thread scratch; it allocates only
 * while that scratch grows (once per thread up to 256 levels deep; the room a deeper match needed
 * is given back after it), and when a visitor starts a match of its own on the same thread.
 * {@link #add} and {@link #remove} lock only the nodes they change, one at a time, or a parent and
 * then its child when an emptied node is unlinked; they never block a match. A match sees each
 * subscription that is in the trie for the whole call exactly once per matching filter, and one
 * added or removed during the call at most once.
 * <p>
 * <b>Memory</b>: a node unlinks itself once it has neither subscribers nor children, so the trie
 * holds only the levels of the filters it has; the hash map of a level's children is dropped when
 * the level has none, but does not shrink while it has some.
 *
 * @param <S> the subscriber type, compared with {@code equals}.
 */
public final class SubscriptionTrie<S>
{
    private static final ThreadLocal<MatchStack> MATCH_STACKS = ThreadLocal.withInitial(MatchStack::new);

    private final TrieNode<S> root = new TrieNode<>(null, null);
    private final AtomicInteger filterCount = new AtomicInteger();

    /**
     * Subscribes {@code subscriber} to {@code filter}, or replaces the equal subscriber that
     * already is.
     *
     * @param filter     a valid plain topic filter ({@link TopicNames#validPlainFilter}), not a
     *                   shared subscription.
     * @param subscriber the subscriber.
     * @throws IllegalArgumentException if the filter is not valid, or is a shared subscription.
     */
    public void add(final String filter, final S subscriber)
    {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!TopicNames.validPlainFilter(filter))
        {
            throw new IllegalArgumentException("not a valid topic filter: " + filter);
        }
        if (filter.startsWith(SharedSubscription.PREFIX))
        {
            throw new IllegalArgumentException(
                "a shared subscription: add its SharedSubscription.filter() for its group: " + filter);
        }
        final TopicLevel view = TopicLevel.view();
        while (true)
        {
            final TrieNode<S> node = findOrCreate(filter, view);
            if (node == null)
            {
                continue;
            }
            synchronized (node)
            {
                if (node.removed)
                {
                    continue;
                }
                if (node.addSubscriber(subscriber) && node.subscriberCount() == 1)
                {
                    filterCount.incrementAndGet();
                }
                return;
            }
        }
    }

    /**
     * Unsubscribes {@code subscriber} from {@code filter}, unlinking the nodes this leaves empty.
     *
     * @param filter     a topic filter, as given to {@link #add}.
     * @param subscriber the subscriber, or one equal to it.
     * @return whether it was subscribed (false for a filter that {@link #add} would refuse).
     */
    public boolean remove(final String filter, final S subscriber)
    {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(subscriber, "subscriber");
        final TopicLevel view = TopicLevel.view();
        while (true)
        {
            final TrieNode<S> node = find(filter, view);
            if (node == null)
            {
                return false;
            }
            final boolean emptied;
            synchronized (node)
            {
                if (node.removed)
                {
                    continue;
                }
                if (!node.removeSubscriber(subscriber))
                {
                    return false;
                }
                if (node.subscriberCount() == 0)
                {
                    filterCount.decrementAndGet();
                }
                emptied = node.isEmpty();
            }
            if (emptied)
            {
                prune(node);
            }
            return true;
        }
    }

    /**
     * Gives {@code visitor} the subscribers of every filter that matches {@code topicName}, on this
     * thread, in no particular order. A subscriber of several matching filters is given once for
     * each: choosing one delivery (and its QoS) is the caller's job. The visitor may call this
     * trie's methods; it should not block, as the caller is typically an event loop.
     *
     * @param topicName a valid topic name ({@link TopicNames#validName}); not checked here, and a
     *                  wildcard in it is read as a plain character.
     * @param visitor   given each subscriber.
     */
    public void match(final String topicName, final Consumer<? super S> visitor)
    {
        final MatchStack stack = MatchStack.acquire(topicName);
        try
        {
            final boolean wildcardsMatchFirstLevel = topicName.isEmpty() || topicName.charAt(0) != '$';
            step(root, 0, wildcardsMatchFirstLevel, stack, visitor);
            while (stack.size > 0)
            {
                final int depth = stack.depths[stack.size - 1];
                final TrieNode<S> node = stack.pop();
                step(node, depth, true, stack, visitor);
            }
        }
        finally
        {
            stack.release();
        }
    }

    /**
     * @return the number of filters with at least one subscriber.
     */
    public int filterCount()
    {
        return filterCount.get();
    }

    /**
     * @return the number of nodes, the root included: 1 when the trie is empty. For tests; not
     *         atomic.
     */
    int nodeCount()
    {
        final ArrayDeque<TrieNode<S>> pending = new ArrayDeque<>();
        pending.add(root);
        int nodes = 0;
        while (!pending.isEmpty())
        {
            pending.poll().addChildrenTo(pending);
            nodes++;
        }
        return nodes;
    }

    /**
     * @return the number of subscriber slots of {@code filter}'s node, 0 if it has none. For tests.
     */
    int slotCapacity(final String filter)
    {
        final TrieNode<S> node = find(filter, TopicLevel.view());
        if (node == null)
        {
            return 0;
        }
        synchronized (node)
        {
            return node.slotCapacity();
        }
    }

    /**
     * Matches one node whose {@code depth} levels match the name's first ones: gives its {@code #}
     * child's subscribers (which match whatever follows), its own if the name has no more levels,
     * and pushes the children that match the next level.
     */
    private static <S> void step(
        final TrieNode<S> node,
        final int depth,
        final boolean wildcards,
        final MatchStack stack,
        final Consumer<? super S> visitor)
    {
        if (wildcards)
        {
            final TrieNode<S> anyLevels = node.anyLevelsChild();
            if (anyLevels != null)
            {
                anyLevels.forEachSubscriber(visitor);
            }
        }
        final TopicLevel level = stack.level(depth);
        if (level == null)
        {
            node.forEachSubscriber(visitor);
            return;
        }
        if (wildcards)
        {
            final TrieNode<S> anyLevel = node.anyLevelChild();
            if (anyLevel != null)
            {
                stack.push(anyLevel, depth + 1);
            }
        }
        final TrieNode<S> exact = node.exactChild(level);
        if (exact != null)
        {
            stack.push(exact, depth + 1);
        }
    }

    /**
     * @return the node of {@code filter}, created with the levels it needs, or null if a node on the
     *         way was unlinked meanwhile (the caller starts again).
     */
    private TrieNode<S> findOrCreate(final String filter, final TopicLevel view)
    {
        TrieNode<S> node = root;
        int start = 0;
        while (true)
        {
            int end = filter.indexOf(TopicNames.LEVEL_SEPARATOR, start);
            if (end < 0)
            {
                end = filter.length();
            }
            view.aim(filter, start, end);
            TrieNode<S> child = node.child(view);
            if (child == null)
            {
                synchronized (node)
                {
                    if (node.removed)
                    {
                        return null;
                    }
                    child = node.child(view);
                    if (child == null)
                    {
                        child = node.addChild(TopicLevel.copyOf(view));
                    }
                }
            }
            node = child;
            if (end == filter.length())
            {
                return node;
            }
            start = end + 1;
        }
    }

    /**
     * @return the node of {@code filter}, or null if there is none.
     */
    private TrieNode<S> find(final String filter, final TopicLevel view)
    {
        TrieNode<S> node = root;
        int start = 0;
        while (node != null)
        {
            int end = filter.indexOf(TopicNames.LEVEL_SEPARATOR, start);
            if (end < 0)
            {
                end = filter.length();
            }
            node = node.child(view.aim(filter, start, end));
            if (end == filter.length())
            {
                return node;
            }
            start = end + 1;
        }
        return null;
    }

    /**
     * Unlinks {@code emptied}, then each ancestor, while they are empty. Locks a parent, then its
     * child: the only order in which any thread holds two of the trie's locks.
     */
    private void prune(final TrieNode<S> emptied)
    {
        TrieNode<S> node = emptied;
        while (node != root)
        {
            final TrieNode<S> parent = node.parent;
            synchronized (parent)
            {
                synchronized (node)
                {
                    if (node.removed || !node.isEmpty())
                    {
                        return;
                    }
                    parent.removeChild(node);
                }
            }
            node = parent;
        }
    }

    /**
     * A match's work: the nodes still to step, with how many of the name's levels each has matched,
     * and the name's levels, each aimed at once, the first time a node needs it, however many
     * branches step through it. One per thread, reused; a match run from inside a visitor, while
     * the thread's own is busy, gets a fresh one.
     */
    private static final class MatchStack
    {
        private static final int INITIAL_CAPACITY = 16;
        /** A thread keeps room for this many levels; a deeper match's room is given back. */
        static final int KEPT_CAPACITY = 256;

        TrieNode<?>[] nodes = new TrieNode<?>[INITIAL_CAPACITY];
        int[] depths = new int[INITIAL_CAPACITY];
        int size;
        TopicLevel[] levels = new TopicLevel[INITIAL_CAPACITY];
        int aimedLevels;
        boolean lastLevelAimed;
        String name;
        boolean busy;

        MatchStack()
        {
            for (int i = 0; i < levels.length; i++)
            {
                levels[i] = TopicLevel.view();
            }
        }

        static MatchStack acquire(final String name)
        {
            MatchStack stack = MATCH_STACKS.get();
            if (stack.busy)
            {
                stack = new MatchStack();
            }
            stack.busy = true;
            stack.name = name;
            stack.aimedLevels = 0;
            stack.lastLevelAimed = false;
            return stack;
        }

        void release()
        {
            Arrays.fill(nodes, 0, size, null);
            size = 0;
            name = null;
            busy = false;
            if (nodes.length > KEPT_CAPACITY)
            {
                nodes = new TrieNode<?>[INITIAL_CAPACITY];
                depths = new int[INITIAL_CAPACITY];
            }
            if (levels.length > KEPT_CAPACITY)
            {
                levels = Arrays.copyOf(levels, INITIAL_CAPACITY);
            }
        }

        /**
         * @return the name's level at {@code depth} (0 is the first), or null if it has no more.
         */
        TopicLevel level(final int depth)
        {
            while (aimedLevels <= depth)
            {
                if (lastLevelAimed)
                {
                    return null;
                }
                final int start = aimedLevels == 0 ? 0 : levels[aimedLevels - 1].end() + 1;
                int end = name.indexOf(TopicNames.LEVEL_SEPARATOR, start);
                if (end < 0)
                {
                    end = name.length();
                    lastLevelAimed = true;
                }
                if (aimedLevels == levels.length)
                {
                    levels = Arrays.copyOf(levels, 2 * aimedLevels);
                    for (int i = aimedLevels; i < levels.length; i++)
                    {
                        levels[i] = TopicLevel.view();
                    }
                }
                levels[aimedLevels++].aim(name, start, end);
            }
            return levels[depth];
        }

        void push(final TrieNode<?> node, final int depth)
        {
            if (size == nodes.length)
            {
                nodes = Arrays.copyOf(nodes, 2 * size);
                depths = Arrays.copyOf(depths, 2 * size);
            }
            nodes[size] = node;
            depths[size] = depth;
            size++;
        }

        @SuppressWarnings("unchecked")
        <S> TrieNode<S> pop()
        {
            final TrieNode<?> node = nodes[--size];
            nodes[size] = null;
            return (TrieNode<S>)node;
        }
    }
}
