package io.robustmq.bench.meta;

import io.aeron.AeronCounters;
import io.robustmq.bench.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fail-over time of the Meta Service: three nodes, each its own JVM started from the distribution's
 * {@code lib/} directory with the default settings, on loopback. Each round:
 * <ol>
 *   <li>a load thread creates topics one at a time (a closed loop) through a follower's admin API;</li>
 *   <li>the leader is killed with SIGKILL; straight after, one more topic creation (the probe) is sent
 *       to that follower: only a new leader can commit it;</li>
 *   <li>measured from the kill: until both survivors' {@code GET /v1/cluster} name the same new
 *       leader in a later term (polled every 5 ms), until the probe is answered 201 (the first
 *       command committed by the new leader), and the longest gap between the load's answers;</li>
 *   <li>the killed node is started again on its data and waited for until it has caught up;</li>
 *   <li>then, before the next round, until the new leader has timed out the killed node's old client
 *       session (its consensus module's timed-out client counter, read from the node's
 *       {@code cnc.dat}). Aeron Cluster restarts every open session's timer at each election, so
 *       without this wait a session of a killed node outlives back-to-back fail-overs, and after seven
 *       rounds the cluster's limit of ten sessions refuses the restarted node's.</li>
 * </ol>
 * Prints each round, then the median and the maximum.
 * <p>
 * Usage: {@code MetaFailover <rounds> <work dir> <node class path> [node JVM flags...]}.
 */
public final class MetaFailover implements AutoCloseable
{
    /** First Meta Service port of node 1; node i uses five from BASE_PORT + 10 * (i - 1). */
    static final int BASE_PORT = 29500;
    private static final int MEMBERS = 3;
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final long STEP_TIMEOUT_MS = 30_000;
    private static final long POLL_INTERVAL_MS = 5;
    private static final int LOAD_BEFORE_KILL = 50;
    private static final long TARGET_MS = 3_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /**
     * What one round measured, in nanoseconds from the kill.
     *
     * @param killed        the killed leader's id.
     * @param newLeader     the new leader's id.
     * @param leaderVisible until both survivors named the new leader.
     * @param firstCommit   until the probe, sent after the kill, was answered.
     * @param loadStall     the longest gap between two of the load's answers.
     * @param rejoin        from the killed node's restart until it had caught up.
     * @param sessionClosed from the kill until the new leader timed out the killed node's client session.
     */
    record Round(int killed, int newLeader, long leaderVisible, long firstCommit, long loadStall, long rejoin,
        long sessionClosed)
    {
    }

    private final List<NodeProcess> nodes;
    private final AtomicInteger threads = new AtomicInteger();
    private final ExecutorService httpExecutor = Executors.newFixedThreadPool(2, task ->
    {
        final Thread thread = new Thread(task, "failover-http-" + threads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http =
        HttpClient.newBuilder().executor(httpExecutor).connectTimeout(Duration.ofSeconds(5)).build();
    private final LoadLoop load = new LoadLoop();
    private final Thread loadThread = new Thread(load, "failover-load");

    private MetaFailover(final List<NodeProcess> nodes)
    {
        this.nodes = nodes;
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length < 3)
        {
            System.err.println("usage: MetaFailover <rounds> <work dir> <node class path> [node JVM flags...]");
            System.exit(2);
        }
        final int rounds = Integer.parseInt(args[0]);
        final Path workDir = Path.of(args[1]).toAbsolutePath();
        final String nodeClassPath = args[2];
        final List<String> jvmFlags = Arrays.asList(args).subList(3, args.length);
        final String java = ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());

        final List<String> addrs = new ArrayList<>();
        for (int id = 1; id <= MEMBERS; id++)
        {
            addrs.add(id + "=localhost:" + (BASE_PORT + 10 * (id - 1)));
        }
        final List<NodeProcess> nodes = new ArrayList<>();
        for (int id = 1; id <= MEMBERS; id++)
        {
            nodes.add(NodeProcess.member(workDir.resolve("node-" + id), id, addrs, java, jvmFlags, nodeClassPath));
        }
        final MetaFailover bench = new MetaFailover(nodes);
        final Thread cleanup = new Thread(bench::closeQuietly, "failover-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int status = 0;
        try
        {
            bench.run(rounds);
        }
        catch (final Exception | AssertionError ex)
        {
            System.err.println("failover: " + ex.getMessage());
            for (final NodeProcess node : nodes)
            {
                System.err.print(node.tail(30));
            }
            status = 1;
        }
        finally
        {
            bench.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        System.exit(status);
    }

    private void run(final int rounds) throws Exception
    {
        System.out.printf("failover: %d nodes (one JVM each, the distribution's lib/), default Meta Service settings, " +
            "meta ports %d-%d on loopback, %d rounds%n", MEMBERS, BASE_PORT, BASE_PORT + 10 * (MEMBERS - 1) + 4, rounds);
        final long startedAt = System.nanoTime();
        for (final NodeProcess node : nodes)
        {
            node.start();
        }
        for (final NodeProcess node : nodes)
        {
            node.awaitReady(READY_TIMEOUT_MS);
        }
        System.out.printf("failover: %d nodes ready in %d ms%n", MEMBERS, millis(System.nanoTime() - startedAt));
        loadThread.start();

        final List<Round> results = new ArrayList<>();
        for (int round = 1; round <= rounds; round++)
        {
            final Round result = round();
            results.add(result);
            System.out.printf("round %d: SIGKILL leader %d; new leader %d named by both survivors after %d ms; " +
                "first command sent after the kill committed after %d ms; load stalled %d ms; node %d restarted " +
                "and caught up in %d ms; its old session timed out %d ms after the kill%n",
                round, result.killed(), result.newLeader(), millis(result.leaderVisible()), millis(result.firstCommit()),
                millis(result.loadStall()), result.killed(), millis(result.rejoin()), millis(result.sessionClosed()));
        }
        report(results);
    }

    private Round round() throws Exception
    {
        final Map<String, Object> before = agreedCluster(nodes, -1, -1);
        final int oldLeaderId = ((Number)before.get("leader")).intValue();
        final long oldTerm = ((Number)before.get("term")).longValue();
        final NodeProcess oldLeader = node(oldLeaderId);
        final List<NodeProcess> survivors = nodes.stream().filter(node -> node != oldLeader).toList();
        final NodeProcess follower = survivors.get(0);

        final long loaded = load.answered();
        load.target(follower);
        await("the load to flow through node " + follower.id(), () -> load.answered() >= loaded + LOAD_BEFORE_KILL);

        final long killedAt = System.nanoTime();
        final int exit = oldLeader.kill();
        final CompletableFuture<Long> probe = createTopic(follower, "probe-" + System.nanoTime())
            .thenApply(response -> response.statusCode() == 201 ? System.nanoTime() : -response.statusCode());
        if (exit != 137)
        {
            throw new IllegalStateException("node " + oldLeaderId + " exited with " + exit + ", not by SIGKILL (137)");
        }
        final Map<String, Object> after = agreedCluster(survivors, oldLeaderId, oldTerm);
        final long leaderVisibleAt = System.nanoTime();
        final NodeProcess newLeader = node(((Number)after.get("leader")).intValue());
        final long timedOutBefore = timedOutSessions(newLeader);
        final long probeAnsweredAt = probe.get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        if (probeAnsweredAt < 0)
        {
            throw new IllegalStateException("the probe was answered " + -probeAnsweredAt + ", not 201");
        }
        final long loadedAfter = load.answered();
        await("the load to go on after the fail-over", () -> load.answered() > loadedAfter);
        final String lastTopic = load.pause();
        final long stall = load.longestGap(killedAt);

        final long restartedAt = System.nanoTime();
        oldLeader.start();
        oldLeader.awaitReady(READY_TIMEOUT_MS);
        await("node " + oldLeaderId + " to catch up to " + lastTopic,
            () -> status(oldLeader, "/v1/topics/" + lastTopic) == 200);
        agreedCluster(nodes, -1, -1);
        final long caughtUpAt = System.nanoTime();
        await("leader " + newLeader.id() + " to time out the client session of killed node " + oldLeaderId,
            () -> timedOutSessions(newLeader) > timedOutBefore);
        return new Round(oldLeaderId, newLeader.id(), leaderVisibleAt - killedAt, probeAnsweredAt - killedAt, stall,
            caughtUpAt - restartedAt, System.nanoTime() - killedAt);
    }

    /**
     * @return how many client sessions the node's consensus module has timed out.
     */
    private static long timedOutSessions(final NodeProcess node)
    {
        final long count = AeronCounterReader.value(node.aeronDir(), AeronCounters.CLUSTER_CLIENT_TIMEOUT_COUNT_TYPE_ID);
        if (count < 0)
        {
            throw new IllegalStateException("node " + node.id() + " has no timed-out client counter in " + node.aeronDir());
        }
        return count;
    }

    private static void report(final List<Round> results)
    {
        final long[] visible = results.stream().mapToLong(Round::leaderVisible).sorted().toArray();
        final long[] commit = results.stream().mapToLong(Round::firstCommit).sorted().toArray();
        final long[] stall = results.stream().mapToLong(Round::loadStall).sorted().toArray();
        System.out.printf("new leader named by both survivors: p50 %d ms, max %d ms (%d rounds)%n",
            millis(median(visible)), millis(visible[visible.length - 1]), visible.length);
        System.out.printf("first command committed by the new leader: p50 %d ms, max %d ms%n",
            millis(median(commit)), millis(commit[commit.length - 1]));
        System.out.printf("load stall (a command in flight at the kill): p50 %d ms, max %d ms%n",
            millis(median(stall)), millis(stall[stall.length - 1]));
        final long worst = millis(commit[commit.length - 1]);
        System.out.printf("target: a SIGKILLed leader replaced (first commit) in < %d ms: %s (max %d ms)%n",
            TARGET_MS, worst < TARGET_MS ? "met" : "MISSED", worst);
    }

    /**
     * @return the nearest-rank median of sorted values.
     */
    private static long median(final long[] sorted)
    {
        return sorted[(sorted.length + 1) / 2 - 1];
    }

    private NodeProcess node(final int id)
    {
        return nodes.stream().filter(node -> node.id() == id).findFirst()
            .orElseThrow(() -> new IllegalStateException("no node " + id));
    }

    /**
     * Poll, every {@link #POLL_INTERVAL_MS}, until every given node's {@code /v1/cluster} names the
     * same leader, other than {@code notLeader}, in the same term, after {@code afterTerm}.
     */
    private Map<String, Object> agreedCluster(final List<NodeProcess> among, final int notLeader, final long afterTerm)
        throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MS);
        while (true)
        {
            Map<String, Object> first = null;
            boolean agreed = true;
            for (final NodeProcess node : among)
            {
                final Map<String, Object> cluster = cluster(node);
                final Object leader = cluster == null ? null : cluster.get("leader");
                if (!(leader instanceof Number) || ((Number)leader).intValue() == notLeader ||
                    ((Number)cluster.get("term")).longValue() <= afterTerm ||
                    (first != null && (!leader.equals(first.get("leader")) || !cluster.get("term").equals(first.get("term")))))
                {
                    agreed = false;
                    break;
                }
                first = first == null ? cluster : first;
            }
            if (agreed)
            {
                return first;
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("nodes " + among.stream().map(NodeProcess::id).toList() +
                    " did not agree on a leader other than " + notLeader + " within " + STEP_TIMEOUT_MS + " ms");
            }
            Thread.sleep(POLL_INTERVAL_MS);
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> cluster(final NodeProcess node)
    {
        try
        {
            final HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(node.adminUrl() + "/v1/cluster")).timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? (Map<String, Object>)Json.parse(response.body()) : null;
        }
        catch (final java.io.IOException ex)
        {
            return null;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private int status(final NodeProcess node, final String path)
    {
        try
        {
            return http.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + path)).timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        }
        catch (final java.io.IOException ex)
        {
            return -1;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private CompletableFuture<HttpResponse<String>> createTopic(final NodeProcess node, final String name)
    {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/v1/topics"))
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private void await(final String what, final java.util.function.BooleanSupplier condition) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            load.check();
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("timed out after " + STEP_TIMEOUT_MS + " ms waiting for " + what);
            }
            Thread.sleep(POLL_INTERVAL_MS);
        }
        load.check();
    }

    private static long millis(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    private void closeQuietly()
    {
        try
        {
            close();
        }
        catch (final Exception ex)
        {
            System.err.println("failover: cleanup failed: " + ex);
        }
    }

    /**
     * Stop the load, kill every node and delete what they leave in /dev/shm.
     */
    @Override
    public synchronized void close() throws Exception
    {
        load.stop();
        if (loadThread.isAlive())
        {
            loadThread.join(STEP_TIMEOUT_MS + 5_000);
        }
        for (final NodeProcess node : nodes)
        {
            node.close();
        }
        httpExecutor.shutdownNow();
    }

    /**
     * The load: topic creations one at a time through the current target node's admin API, each
     * expected to be answered 201. Runs on the {@code failover-load} thread; the main thread points it
     * at a node, pauses it, and reads what it counted.
     */
    private final class LoadLoop implements Runnable
    {
        private volatile NodeProcess target;
        private volatile boolean running = true;
        private volatile boolean busy;
        private volatile String failure;
        private volatile String lastTopic;
        private volatile long answered;
        private final java.util.Queue<Long> answerTimes = new java.util.concurrent.ConcurrentLinkedQueue<>();

        void target(final NodeProcess node)
        {
            answerTimes.clear();
            target = node;
        }

        /**
         * Stop sending and wait for the command in flight.
         *
         * @return the name of the last topic created.
         */
        String pause() throws Exception
        {
            target = null;
            await("the load to pause", () -> !busy);
            return lastTopic;
        }

        long answered()
        {
            return answered;
        }

        /**
         * @param from a time on {@link System#nanoTime()}'s clock.
         * @return the longest gap from {@code from} between two answers, or from {@code from} to the first.
         */
        long longestGap(final long from)
        {
            long previous = from;
            long longest = 0;
            for (final long at : answerTimes)
            {
                if (at > from)
                {
                    longest = Math.max(longest, at - previous);
                    previous = at;
                }
            }
            return longest;
        }

        void check()
        {
            if (failure != null)
            {
                throw new IllegalStateException("the load failed: " + failure);
            }
        }

        void stop()
        {
            running = false;
        }

        @Override
        public void run()
        {
            long sequence = 0;
            while (running && failure == null)
            {
                final NodeProcess node = target;
                if (node == null)
                {
                    busy = false;
                    java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    continue;
                }
                busy = true;
                final String name = "load-" + (++sequence);
                try
                {
                    final HttpResponse<String> response = createTopic(node, name).get();
                    if (response.statusCode() != 201)
                    {
                        failure = "creating " + name + " on node " + node.id() + " answered " + response.statusCode() +
                            ": " + response.body();
                    }
                    answerTimes.add(System.nanoTime());
                    lastTopic = name;
                    answered++;
                            }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
                catch (final Exception ex)
                {
                    failure = "creating " + name + " on node " + node.id() + " failed: " + ex;
                }
            }
            busy = false;
        }
    }
}
