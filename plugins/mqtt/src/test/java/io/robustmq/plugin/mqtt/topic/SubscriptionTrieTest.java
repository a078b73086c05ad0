package io.robustmq.plugin.mqtt.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The subscription trie on one thread: the matching rules with the examples of MQTT 5.0 section
 * 4.7, what add and remove keep, pruning, and the match's own stack.
 */
class SubscriptionTrieTest
{
    private static List<String> matches(final SubscriptionTrie<String> trie, final String name)
    {
        final List<String> visited = new ArrayList<>();
        trie.match(name, visited::add);
        Collections.sort(visited);
        return visited;
    }

    private static boolean matches(final String filter, final String name)
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        trie.add(filter, "s");
        return !matches(trie, name).isEmpty();
    }

    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        // 4.7.1.2: the multi-level wildcard.
        "sport/tennis/player1/#   | sport/tennis/player1                  | true",
        "sport/tennis/player1/#   | sport/tennis/player1/ranking          | true",
        "sport/tennis/player1/#   | sport/tennis/player1/score/wimbledon  | true",
        "sport/#                  | sport                                 | true",
        "sport/#                  | sport/                                | true",
        "sport/#                  | sports                                | false",
        "#                        | sport/tennis                          | true",
        "#                        | /                                     | true",
        "/#                       | /                                     | true",
        "/#                       | a                                     | false",
        // 4.7.1.3: the single-level wildcard.
        "sport/tennis/+           | sport/tennis/player1                  | true",
        "sport/tennis/+           | sport/tennis/player2                  | true",
        "sport/tennis/+           | sport/tennis/player1/ranking          | false",
        "sport/+                  | sport                                 | false",
        "sport/+                  | sport/                                | true",
        "+                        | finance                               | true",
        "+/+                      | /finance                              | true",
        "/+                       | /finance                              | true",
        "+                        | /finance                              | false",
        "+/tennis/#               | sport/tennis                          | true",
        "+/+/+                    | a//                                   | true",
        "+                        | /                                     | false",
        "+/+                      | /                                     | true",
        "sport/+/player1          | sport//player1                        | true",
        // 4.7.2: topics beginning with $.
        "#                        | $SYS/broker                           | false",
        "+/monitor/Clients        | $SYS/monitor/Clients                  | false",
        "$SYS/#                   | $SYS/monitor/Clients                  | true",
        "$SYS/monitor/+           | $SYS/monitor/Clients                  | true",
        "+                        | $SYS                                  | false",
        "+/#                      | $SYS                                  | false",
        "a/#                      | a/$SYS                                | true",
        "a/+                      | a/$b                                  | true",
        "+                        | x$                                    | true",
        // 4.7.3: exact, case-sensitive, no normalisation.
        "ACCOUNTS                 | Accounts                              | false",
        "Accounts payable         | Accounts payable                      | true",
        "a/b                      | a/b/                                  | false",
        "a/b                      | a//b                                  | false",
        "/a                       | a                                     | false",
        "\u00e9t\u00e9/+          | \u00e9t\u00e9/\uD83D\uDE00            | true",
        "e\u0301                  | \u00e9                                | false",
    })
    void matchesAsTheSpecificationSays(final String filter, final String name, final boolean expected)
    {
        assertEquals(expected, matches(filter, name));
        assertEquals(expected, Reference.matches(filter, name), "the reference disagrees");
    }

    @Test
    void visitsEachMatchingFilterOfASubscriber()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        trie.add("a/b", "x");
        trie.add("a/+", "x");
        trie.add("a/#", "x");
        trie.add("#", "x");
        trie.add("+/b", "y");
        trie.add("a/c", "z");
        assertEquals(List.of("x", "x", "x", "x", "y"), matches(trie, "a/b"));
        assertEquals(List.of("x", "x", "x", "z"), matches(trie, "a/c"));
        assertEquals(List.of("x", "x"), matches(trie, "a"));
        assertEquals(List.of(), matches(trie, "$a/b"));
    }

    @Test
    void keepsASubscriberOncePerFilterAndTheLatestOfEqualOnes()
    {
        final SubscriptionTrie<Subscriber> trie = new SubscriptionTrie<>();
        trie.add("a/+", new Subscriber(1, 0));
        trie.add("a/+", new Subscriber(1, 1));
        trie.add("a/+", new Subscriber(2, 0));
        assertEquals(1, trie.filterCount());
        final List<Subscriber> visited = new ArrayList<>();
        trie.match("a/b", visited::add);
        assertEquals(2, visited.size());
        assertEquals(1, visited.stream().filter(s -> s.id == 1).findFirst().orElseThrow().version);

        assertTrue(trie.remove("a/+", new Subscriber(1, 7)));
        assertFalse(trie.remove("a/+", new Subscriber(1, 1)));
        visited.clear();
        trie.match("a/b", visited::add);
        assertEquals(List.of(new Subscriber(2)), visited);
    }

    @Test
    void countsFiltersWithSubscribers()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        assertEquals(0, trie.filterCount());
        trie.add("a/b", "x");
        trie.add("a/b", "y");
        trie.add("a", "x");
        trie.add("a/#", "x");
        assertEquals(3, trie.filterCount());
        assertTrue(trie.remove("a/b", "x"));
        assertEquals(3, trie.filterCount());
        assertTrue(trie.remove("a/b", "y"));
        assertEquals(2, trie.filterCount());
        assertFalse(trie.remove("a/b", "y"));
        assertFalse(trie.remove("nothing/here", "y"));
        assertFalse(trie.remove("a", "y"));
        assertEquals(2, trie.filterCount());
    }

    @Test
    void removeLeavesOtherFiltersOnTheSamePath()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        trie.add("a/b/c", "x");
        trie.add("a", "y");
        trie.add("a/b/c/d", "z");
        assertTrue(trie.remove("a/b/c", "x"));
        assertEquals(List.of("y"), matches(trie, "a"));
        assertEquals(List.of("z"), matches(trie, "a/b/c/d"));
        assertEquals(List.of(), matches(trie, "a/b/c"));
        assertEquals(5, trie.nodeCount());
        assertTrue(trie.remove("a/b/c/d", "z"));
        assertEquals(2, trie.nodeCount());
        assertTrue(trie.remove("a", "y"));
        assertEquals(1, trie.nodeCount());
    }

    @Test
    void refusesInvalidAndSharedFiltersAndNulls()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        assertThrows(IllegalArgumentException.class, () -> trie.add("a/#/b", "x"));
        assertThrows(IllegalArgumentException.class, () -> trie.add("a+", "x"));
        assertThrows(IllegalArgumentException.class, () -> trie.add("", "x"));
        assertThrows(IllegalArgumentException.class, () -> trie.add(null, "x"));
        final IllegalArgumentException shared =
            assertThrows(IllegalArgumentException.class, () -> trie.add("$share/g/a", "x"));
        assertTrue(shared.getMessage().contains("SharedSubscription"), shared.getMessage());
        assertThrows(NullPointerException.class, () -> trie.add("a", null));
        assertThrows(NullPointerException.class, () -> trie.remove("a", null));
        assertFalse(trie.remove("a/#/b", "x"));
        assertFalse(trie.remove("", "x"));
        assertFalse(trie.remove("$share/g/a", "x"));
        assertEquals(0, trie.filterCount());
        assertEquals(1, trie.nodeCount());

        trie.add(SharedSubscription.parse("$share/g/a/+").filter(), "group g");
        assertEquals(List.of("group g"), matches(trie, "a/b"));
    }

    @Test
    void prunesEveryBranchOnceItsFiltersAreGone()
    {
        final SubscriptionTrie<Integer> trie = new SubscriptionTrie<>();
        for (int round = 0; round < 20; round++)
        {
            for (int i = 0; i < 1_000; i++)
            {
                trie.add("devices/" + round + "/" + i + "/+/state", i);
                trie.add("devices/" + round + "/" + i + "/#", i);
            }
            assertEquals(2_000, trie.filterCount());
            for (int i = 0; i < 1_000; i++)
            {
                assertTrue(trie.remove("devices/" + round + "/" + i + "/+/state", i));
                assertTrue(trie.remove("devices/" + round + "/" + i + "/#", i));
            }
            assertEquals(0, trie.filterCount());
            assertEquals(1, trie.nodeCount(), "round " + round);
        }
    }

    @Test
    void aFilterWithManySubscribersStaysCompact()
    {
        final SubscriptionTrie<Integer> trie = new SubscriptionTrie<>();
        final int many = 100_000;
        for (int i = 0; i < many; i++)
        {
            trie.add("broadcast/+", i);
        }
        for (int i = 0; i < many; i++)
        {
            trie.add("broadcast/+", i);
        }
        final int[] seen = new int[many];
        trie.match("broadcast/all", i -> seen[i]++);
        assertTrue(Arrays.stream(seen).allMatch(times -> times == 1));

        for (int i = 10; i < many; i++)
        {
            assertTrue(trie.remove("broadcast/+", i));
        }
        assertTrue(trie.slotCapacity("broadcast/+") <= 4 * 10, "capacity " + trie.slotCapacity("broadcast/+"));
        final List<Integer> left = new ArrayList<>();
        trie.match("broadcast/all", left::add);
        Collections.sort(left);
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), left);

        // Churn without growth: a subscriber leaves and another joins, again and again.
        for (int i = 10; i < many; i++)
        {
            trie.add("broadcast/+", i);
            assertTrue(trie.remove("broadcast/+", i - 10));
        }
        assertTrue(trie.slotCapacity("broadcast/+") <= 4 * 10 + 2, "capacity " + trie.slotCapacity("broadcast/+"));
        assertEquals(1, trie.filterCount());
    }

    @Test
    void deepNamesAndFiltersNeedNoDeepStack()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        final int levels = 30_000;
        final String name = "a/".repeat(levels - 1) + "a";
        final String plus = "+/".repeat(levels - 1) + "+";
        trie.add(name, "exact");
        trie.add(plus, "plus");
        trie.add("+/".repeat(levels / 2) + "#", "half");
        // Levels with both an exact and a wildcard branch: the work stack holds the pending ones.
        for (int i = 1; i <= 5; i++)
        {
            trie.add("a/".repeat(i) + "+/".repeat(levels - 1 - i) + "+", "mixed" + i);
        }
        final List<String> visited = matches(trie, name);
        assertEquals(8, visited.size());
        assertTrue(visited.containsAll(List.of("exact", "plus", "half", "mixed1", "mixed5")));
        assertEquals(List.of("half"), matches(trie, name + "/"));
        assertTrue(trie.remove(name, "exact"));
        assertTrue(trie.remove(plus, "plus"));
        assertTrue(trie.remove("+/".repeat(levels / 2) + "#", "half"));
        for (int i = 1; i <= 5; i++)
        {
            assertTrue(trie.remove("a/".repeat(i) + "+/".repeat(levels - 1 - i) + "+", "mixed" + i));
        }
        assertEquals(1, trie.nodeCount());
    }

    @Test
    void aVisitorMayMatchAndChangeTheTrie()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        trie.add("a/+", "outer");
        trie.add("a/b", "other");
        trie.add("x/#", "inner");
        final List<String> outer = new ArrayList<>();
        final List<String> inner = new ArrayList<>();
        trie.match("a/b", subscriber ->
        {
            outer.add(subscriber);
            trie.match("x/y", inner::add);
            trie.add("a/b", "added");
            trie.remove("x/#", "nobody");
        });
        // What is added during a match may be seen by it, once at most.
        assertTrue(outer.size() == 2 || outer.size() == 3, outer.toString());
        assertTrue(outer.containsAll(List.of("outer", "other")), outer.toString());
        assertEquals(Collections.nCopies(outer.size(), "inner"), inner);
        assertEquals(List.of("added", "other", "outer"), matches(trie, "a/b"));
    }

    @Test
    void aThrowingVisitorLeavesTheThreadsStackReusable()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        trie.add("a/+/c", "x");
        trie.add("a/b/c", "y");
        trie.add("a/b/+", "z");
        final RuntimeException thrown = assertThrows(RuntimeException.class, () -> trie.match("a/b/c", subscriber ->
        {
            throw new RuntimeException("visitor failed");
        }));
        assertEquals("visitor failed", thrown.getMessage());
        assertEquals(List.of("x", "y", "z"), matches(trie, "a/b/c"));
    }

    @Test
    void matchAllocatesNothing()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final SubscriptionTrie<Integer> trie = new SubscriptionTrie<>();
        for (int i = 0; i < 1_000; i++)
        {
            trie.add("site/" + (i % 10) + "/device/" + i + "/state", i);
            trie.add("site/" + (i % 10) + "/device/+/alarm", i);
            trie.add("site/" + (i % 10) + "/#", i);
        }
        final String[] names = new String[64];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = "site/" + (i % 10) + "/device/" + (i * 7) + (i % 2 == 0 ? "/state" : "/alarm");
        }
        final long[] visits = new long[1];
        final Consumer<Integer> visitor = subscriber -> visits[0] += subscriber;
        final long threadId = Thread.currentThread().getId();
        long allocated = Long.MAX_VALUE;
        for (int attempt = 0; attempt < 10 && allocated > 0; attempt++)
        {
            for (int i = 0; i < 20_000; i++)
            {
                trie.match(names[i & 63], visitor);
            }
            final long before = threads.getThreadAllocatedBytes(threadId);
            for (int i = 0; i < 20_000; i++)
            {
                trie.match(names[i & 63], visitor);
            }
            allocated = threads.getThreadAllocatedBytes(threadId) - before;
        }
        // Measuring allocates a little itself; a byte per match would be 20,000.
        assertTrue(allocated < 1_000, "allocated " + allocated + " bytes in 20,000 matches");
        assertTrue(visits[0] > 0);
    }

    @Test
    void aNameThatIsNoValidNameIsReadLiterally()
    {
        final SubscriptionTrie<String> trie = new SubscriptionTrie<>();
        trie.add("a/+", "plus");
        trie.add("#", "all");
        assertEquals(List.of("all", "plus"), matches(trie, "a/+"));
        assertEquals(List.of("all"), matches(trie, "a/+/b"));
        assertEquals(List.of("all"), matches(trie, ""));
    }
}
