package io.robustmq.bench.mqtt;

import io.robustmq.plugin.mqtt.topic.SubscriptionTrie;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The MQTT plugin's subscription index ({@link SubscriptionTrie}) holding {@code filters}
 * subscriptions shaped like a fleet of devices, {@code site/S/area/A/device/D/METRIC} (500 devices
 * of 4 metrics a site, a site for every 2,000 subscriptions): 70% exact filters, 20% with the site,
 * area, device or metric level replaced by {@code +}, 10% ending in {@code #} after the device
 * level (9 in 10 of them), the area level (9 in 100) or the site level (1 in 100). Each
 * subscription has its own subscriber. Average time per operation:
 * <ul>
 *   <li>{@code match}: one {@link SubscriptionTrie#match} of a device topic drawn from the same
 *       space (the setup prints how many subscribers a match visits on average), with a visitor
 *       that only counts;</li>
 *   <li>{@code addRemoveNewFilter}: subscribing one subscriber to a filter nobody has (a new
 *       device level: nodes are created) and unsubscribing it (they are unlinked again);</li>
 *   <li>{@code addRemoveExistingFilter}: subscribing and unsubscribing one more subscriber on a
 *       filter that is there already;</li>
 *   <li>{@code churn}: {@code match} on one thread while another runs {@code addRemoveNewFilter}
 *       on the same trie (each reported on its own).</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(time = 1)
@Measurement(time = 1)
public class SubscriptionTrieBenchmark
{
    private static final String[] METRICS = {"temperature", "humidity", "state", "alarm"};
    private static final int AREAS = 10;
    private static final int DEVICES = 50;
    private static final int SAMPLES = 4096;

    /** The trie and the topics and filters the benchmarks use, built once a trial. */
    @State(Scope.Benchmark)
    public static class Index
    {
        @Param({"10000", "100000"})
        public int filters;

        SubscriptionTrie<Integer> trie;
        String[] names;
        String[] newFilters;
        String[] existingFilters;
        Integer extraSubscriber;

        @Setup(Level.Trial)
        public void build()
        {
            final Random random = new Random(42);
            final int sites = Math.max(1, filters / (AREAS * DEVICES * METRICS.length));
            trie = new SubscriptionTrie<>();
            existingFilters = new String[SAMPLES];
            for (int i = 0; i < filters; i++)
            {
                final String filter = filter(random, sites);
                trie.add(filter, i);
                existingFilters[i % SAMPLES] = filter;
            }
            names = new String[SAMPLES];
            newFilters = new String[SAMPLES];
            for (int i = 0; i < SAMPLES; i++)
            {
                names[i] = topic(random, sites, "device/" + random.nextInt(DEVICES));
                newFilters[i] = topic(random, sites, "new-device/" + i);
            }
            extraSubscriber = -1;
            final long[] visits = new long[1];
            for (final String name : names)
            {
                trie.match(name, subscriber -> visits[0]++);
            }
            System.out.printf("robustmq-bench: %d subscriptions on %d filters, %.2f subscribers visited per match%n",
                filters, trie.filterCount(), (double)visits[0] / SAMPLES);
        }

        private static String filter(final Random random, final int sites)
        {
            final String[] levels = {
                "site", Integer.toString(random.nextInt(sites)), "area", Integer.toString(random.nextInt(AREAS)),
                "device", Integer.toString(random.nextInt(DEVICES)), METRICS[random.nextInt(METRICS.length)],
            };
            final int kind = random.nextInt(10);
            if (kind >= 7 && kind < 9)
            {
                final int[] variable = {1, 3, 5, 6};
                levels[variable[random.nextInt(variable.length)]] = "+";
            }
            else if (kind == 9)
            {
                // Mostly a device's topics; an area's or a whole site's now and then.
                final int wide = random.nextInt(100);
                final int cut = wide == 0 ? 2 : wide < 10 ? 4 : 6;
                return String.join("/", Arrays.copyOf(levels, cut)) + "/#";
            }
            return String.join("/", levels);
        }

        private static String topic(final Random random, final int sites, final String device)
        {
            return "site/" + random.nextInt(sites) + "/area/" + random.nextInt(AREAS) + "/" + device + "/" +
                METRICS[random.nextInt(METRICS.length)];
        }
    }

    /** One thread's place in the samples, and its visitor. */
    @State(Scope.Thread)
    public static class Cursor
    {
        int next;
        int visited;
        final Consumer<Integer> visitor = subscriber -> visited++;
    }

    @Benchmark
    public int match(final Index index, final Cursor cursor)
    {
        cursor.visited = 0;
        index.trie.match(index.names[cursor.next++ & (SAMPLES - 1)], cursor.visitor);
        return cursor.visited;
    }

    @Benchmark
    public boolean addRemoveNewFilter(final Index index, final Cursor cursor)
    {
        final String filter = index.newFilters[cursor.next++ & (SAMPLES - 1)];
        index.trie.add(filter, index.extraSubscriber);
        return index.trie.remove(filter, index.extraSubscriber);
    }

    @Benchmark
    public boolean addRemoveExistingFilter(final Index index, final Cursor cursor)
    {
        final String filter = index.existingFilters[cursor.next++ & (SAMPLES - 1)];
        index.trie.add(filter, index.extraSubscriber);
        return index.trie.remove(filter, index.extraSubscriber);
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public int churnMatch(final Index index, final Cursor cursor)
    {
        return match(index, cursor);
    }

    @Benchmark
    @Group("churn")
    @GroupThreads(1)
    public boolean churnAddRemove(final Index index, final Cursor cursor)
    {
        return addRemoveNewFilter(index, cursor);
    }
}
