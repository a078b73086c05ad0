package io.robustmq.plugin.mqtt.topic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writers adding and removing while readers match, on filters that share levels, so that nodes
 * are created and unlinked under each other's feet. Stable subscriptions, added before and never
 * removed, must be visited by every match exactly as often as their filters match, whatever the
 * writers do around them; no thread may fail; and at the end the trie holds exactly what the
 * writers' own records say, and nothing once that is removed.
 */
class SubscriptionTrieConcurrencyTest
{
    private static final String[] LEVELS = {"a", "b", ""};
    private static final int WRITERS = 3;
    private static final int READERS = 2;
    private static final int OPERATIONS_PER_WRITER = 40_000;
    private static final int STABLE_ID = 1_000_000;

    static LongStream seeds()
    {
        return Seeds.stream(6);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void writersAndReadersAtOnce(final long seed) throws Exception
    {
        final Random random = new Random(seed);
        final List<String> filters = new ArrayList<>();
        final int filterCount = 6 + random.nextInt(20);
        for (int i = 0; i < filterCount; i++)
        {
            filters.add(Reference.randomFilter(random, LEVELS));
        }
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            names.add(Reference.randomName(random, LEVELS));
        }

        final SubscriptionTrie<Subscriber> trie = new SubscriptionTrie<>();
        final Map<String, Set<Integer>> stable = new HashMap<>();
        for (int i = 0; i < 4; i++)
        {
            final String filter = filters.get(random.nextInt(filters.size()));
            final int id = STABLE_ID + i;
            trie.add(filter, new Subscriber(id));
            stable.computeIfAbsent(filter, f -> new HashSet<>()).add(id);
        }
        final int[] stableVisits = new int[names.size()];
        for (int n = 0; n < names.size(); n++)
        {
            for (final Map.Entry<String, Set<Integer>> entry : stable.entrySet())
            {
                if (Reference.matches(entry.getKey(), names.get(n)))
                {
                    stableVisits[n] += entry.getValue().size();
                }
            }
        }

        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicBoolean writing = new AtomicBoolean(true);
        final AtomicLong matches = new AtomicLong();
        final List<Map<String, Set<Integer>>> written = new ArrayList<>();
        final List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++)
        {
            final Map<String, Set<Integer>> own = new HashMap<>();
            written.add(own);
            final Random writerRandom = new Random(seed + w + 1);
            final int firstId = w * 100;
            writers.add(new Thread(() -> run(failures, start, () ->
            {
                for (int op = 0; op < OPERATIONS_PER_WRITER; op++)
                {
                    final String filter = filters.get(writerRandom.nextInt(filters.size()));
                    final int id = firstId + writerRandom.nextInt(2);
                    final Set<Integer> held = own.computeIfAbsent(filter, f -> new HashSet<>());
                    if (writerRandom.nextBoolean())
                    {
                        trie.add(filter, new Subscriber(id, op));
                        held.add(id);
                    }
                    else
                    {
                        assertEquals(held.remove(id), trie.remove(filter, new Subscriber(id)), filter);
                    }
                }
            }), "writer-" + w));
        }
        final List<Thread> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++)
        {
            final Random readerRandom = new Random(seed - r - 1);
            readers.add(new Thread(() -> run(failures, start, () ->
            {
                final int[] visits = new int[1];
                while (writing.get())
                {
                    final int n = readerRandom.nextInt(names.size());
                    visits[0] = 0;
                    trie.match(names.get(n), subscriber ->
                    {
                        if (subscriber.id >= STABLE_ID)
                        {
                            visits[0]++;
                        }
                    });
                    assertEquals(stableVisits[n], visits[0], names.get(n));
                    matches.incrementAndGet();
                }
            }), "reader-" + r));
        }
        writers.forEach(Thread::start);
        readers.forEach(Thread::start);
        start.countDown();
        for (final Thread writer : writers)
        {
            writer.join(60_000);
        }
        writing.set(false);
        for (final Thread reader : readers)
        {
            reader.join(60_000);
        }
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
        assertTrue(matches.get() > 0);

        final Map<String, Set<Integer>> expected = new HashMap<>();
        written.add(stable);
        for (final Map<String, Set<Integer>> own : written)
        {
            own.forEach((filter, ids) ->
            {
                if (!ids.isEmpty())
                {
                    expected.computeIfAbsent(filter, f -> new HashSet<>()).addAll(ids);
                }
            });
        }
        assertEquals(expected.size(), trie.filterCount());
        assertEquals(1 + SubscriptionTriePropertiesTest.levelPrefixes(expected.keySet()).size(), trie.nodeCount());
        for (final String name : names)
        {
            final List<Integer> wanted = new ArrayList<>();
            expected.forEach((filter, ids) ->
            {
                if (Reference.matches(filter, name))
                {
                    wanted.addAll(ids);
                }
            });
            final List<Integer> visited = new ArrayList<>();
            trie.match(name, subscriber -> visited.add(subscriber.id));
            wanted.sort(null);
            visited.sort(null);
            assertEquals(wanted, visited, name);
        }

        expected.forEach((filter, ids) -> ids.forEach(id -> assertTrue(trie.remove(filter, new Subscriber(id)))));
        assertEquals(0, trie.filterCount());
        assertEquals(1, trie.nodeCount());
    }

    /**
     * The tightest race: each thread subscribes to a leaf of its own under levels all threads
     * share, checks that a match sees it, and unsubscribes, again and again, so that shared levels
     * are unlinked by one thread while another adds a child to them.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void siblingsComeAndGo(final long seed) throws Exception
    {
        final SubscriptionTrie<Subscriber> trie = new SubscriptionTrie<>();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++)
        {
            final Subscriber me = new Subscriber(t);
            final Random random = new Random(seed + t);
            threads.add(new Thread(() -> run(failures, start, () ->
            {
                final int[] seen = new int[1];
                for (int i = 0; i < 50_000; i++)
                {
                    final String filter = (random.nextBoolean() ? "s/" : "s/x/") + me.id + "/" + random.nextInt(2);
                    trie.add(filter, me);
                    seen[0] = 0;
                    trie.match(filter, subscriber ->
                    {
                        if (subscriber.equals(me))
                        {
                            seen[0]++;
                        }
                    });
                    assertEquals(1, seen[0], filter);
                    assertTrue(trie.remove(filter, me), filter);
                }
            }), "sibling-" + t));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (final Thread thread : threads)
        {
            thread.join(60_000);
        }
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
        assertEquals(0, trie.filterCount());
        assertEquals(1, trie.nodeCount());
    }

    /**
     * One filter with many subscribers, most of them coming and going, so that its slot array
     * grows, fills with holes and is rebuilt under the readers: a reader sees each subscriber that
     * stays exactly once.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void aCrowdedFilterChurns(final long seed) throws Exception
    {
        final SubscriptionTrie<Subscriber> trie = new SubscriptionTrie<>();
        final int stayers = 100;
        final List<Set<Integer>> owned = List.of(new HashSet<>(), new HashSet<>());
        for (int i = 0; i < stayers; i++)
        {
            // Stayers between subscribers that go: they sit among holes, and move when rebuilt.
            trie.add("fan/+", new Subscriber(i));
            owned.get(0).add(i);
            trie.add("fan/+", new Subscriber(STABLE_ID + i));
        }
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicBoolean writing = new AtomicBoolean(true);
        final List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++)
        {
            final Random random = new Random(seed + w);
            final int firstId = w * 1_000;
            writers.add(new Thread(() -> run(failures, start, () ->
            {
                final Set<Integer> mine = owned.get(firstId / 1_000);
                for (int op = 0; op < 100_000; op++)
                {
                    // Swing between few and many: the array grows and shrinks.
                    final int target = (op / 5_000) % 2 == 0 ? 500 : 5;
                    final int id = firstId + random.nextInt(500);
                    if (mine.remove(id))
                    {
                        assertTrue(trie.remove("fan/+", new Subscriber(id)));
                    }
                    else if (mine.size() < target)
                    {
                        mine.add(id);
                        trie.add("fan/+", new Subscriber(id));
                    }
                    else
                    {
                        final int victim = mine.iterator().next();
                        mine.remove(victim);
                        assertTrue(trie.remove("fan/+", new Subscriber(victim)));
                    }
                }
                mine.forEach(id -> trie.remove("fan/+", new Subscriber(id)));
            }), "crowd-writer-" + w));
        }
        final Thread reader = new Thread(() -> run(failures, start, () ->
        {
            final int[] seen = new int[stayers];
            while (writing.get())
            {
                Arrays.fill(seen, 0);
                trie.match("fan/x", subscriber ->
                {
                    if (subscriber.id >= STABLE_ID)
                    {
                        seen[subscriber.id - STABLE_ID]++;
                    }
                });
                for (int i = 0; i < stayers; i++)
                {
                    assertEquals(1, seen[i], "stayer " + i);
                }
            }
        }), "crowd-reader");
        writers.forEach(Thread::start);
        reader.start();
        start.countDown();
        for (final Thread writer : writers)
        {
            writer.join(60_000);
        }
        writing.set(false);
        reader.join(60_000);
        assertTrue(failures.isEmpty(), () -> failures.peek().toString());
        final List<Integer> left = new ArrayList<>();
        trie.match("fan/x", subscriber -> left.add(subscriber.id));
        assertEquals(stayers, left.size());
        assertTrue(trie.slotCapacity("fan/+") <= 4 * stayers, "capacity " + trie.slotCapacity("fan/+"));
    }

    private static void run(
        final ConcurrentLinkedQueue<Throwable> failures, final CountDownLatch start, final Runnable work)
    {
        try
        {
            start.await();
            work.run();
        }
        catch (final Throwable failure)
        {
            failures.add(failure);
        }
    }
}
