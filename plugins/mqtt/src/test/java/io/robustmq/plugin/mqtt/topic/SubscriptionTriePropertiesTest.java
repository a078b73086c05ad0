package io.robustmq.plugin.mqtt.topic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Randomised properties of the subscription trie on one thread, against a model (a map from filter
 * to subscribers, matched with {@link Reference#matches}): after any sequence of adds and removes
 * over filters that share levels, a match visits exactly the model's subscribers of every matching
 * filter, in their latest version; {@code add} and {@code remove} report what the model says;
 * the trie has exactly one node per distinct level prefix of the filters it holds, so nothing is
 * left behind; and removing everything leaves the root alone.
 */
class SubscriptionTriePropertiesTest
{
    private static final String[] LEVELS = {"a", "b", "c", "", "$SYS", "x y", "\u00e9"};

    static LongStream seeds()
    {
        return Seeds.stream(40);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theTrieAgreesWithTheModel(final long seed)
    {
        final Random random = new Random(seed);
        final List<String> filters = new ArrayList<>();
        final int filterCount = 1 + random.nextInt(60);
        for (int i = 0; i < filterCount; i++)
        {
            filters.add(Reference.randomFilter(random, LEVELS));
        }
        final int subscribers = 1 + random.nextInt(10);
        final SubscriptionTrie<Subscriber> trie = new SubscriptionTrie<>();
        final Map<String, Map<Subscriber, Subscriber>> model = new HashMap<>();

        final int operations = 500 + random.nextInt(2_000);
        for (int op = 0; op < operations; op++)
        {
            final String filter = filters.get(random.nextInt(filters.size()));
            final Subscriber subscriber = new Subscriber(random.nextInt(subscribers), op);
            if (random.nextInt(10) < 6)
            {
                trie.add(filter, subscriber);
                model.computeIfAbsent(filter, f -> new HashMap<>()).put(subscriber, subscriber);
            }
            else
            {
                final Map<Subscriber, Subscriber> held = model.get(filter);
                final boolean expected = held != null && held.remove(subscriber) != null;
                if (held != null && held.isEmpty())
                {
                    model.remove(filter);
                }
                assertEquals(expected, trie.remove(filter, subscriber), () -> "remove " + filter + " " + subscriber);
            }
            if (random.nextInt(20) == 0)
            {
                check(trie, model, random);
            }
        }
        check(trie, model, random);

        for (final Map.Entry<String, Map<Subscriber, Subscriber>> entry : model.entrySet())
        {
            for (final Subscriber subscriber : entry.getValue().keySet())
            {
                assertEquals(true, trie.remove(entry.getKey(), subscriber));
            }
        }
        assertEquals(0, trie.filterCount());
        assertEquals(1, trie.nodeCount());
    }

    private static void check(
        final SubscriptionTrie<Subscriber> trie,
        final Map<String, Map<Subscriber, Subscriber>> model,
        final Random random)
    {
        assertEquals(model.size(), trie.filterCount());
        assertEquals(1 + levelPrefixes(model.keySet()).size(), trie.nodeCount(), () -> "nodes for " + model.keySet());
        for (int i = 0; i < 30; i++)
        {
            final String name = Reference.randomName(random, LEVELS);
            final List<String> expected = new ArrayList<>();
            for (final Map.Entry<String, Map<Subscriber, Subscriber>> entry : model.entrySet())
            {
                if (Reference.matches(entry.getKey(), name))
                {
                    entry.getValue().values().forEach(subscriber -> expected.add(subscriber.toString()));
                }
            }
            final List<String> visited = new ArrayList<>();
            trie.match(name, subscriber -> visited.add(subscriber.toString()));
            expected.sort(null);
            visited.sort(null);
            assertEquals(expected, visited, () -> "match " + name + " with " + model);
        }
    }

    /**
     * @return every distinct list of a filter's first levels (one to all of them), joined by '/'.
     */
    static Set<String> levelPrefixes(final Iterable<String> filters)
    {
        final Set<String> prefixes = new HashSet<>();
        for (final String filter : filters)
        {
            int end = filter.indexOf('/');
            while (end >= 0)
            {
                prefixes.add(filter.substring(0, end));
                end = filter.indexOf('/', end + 1);
            }
            prefixes.add(filter);
        }
        return prefixes;
    }
}
