package io.robustmq.kernel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustmq.kernel.support.ChildNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes, each its own JVM, forming one Meta Service cluster; the leader is killed with SIGKILL.
 * A new leader is elected and serves topic creation; every topic acknowledged (201) before the kill
 * is still there; creations sent to a follower around the kill are answered 201 once each (the
 * follower's client sends them again to the new leader, and the cluster applies each request once);
 * the killed node restarts on its data and catches up, topics made while it was down included.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ThreeNodeFailoverTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int NODES = 3;
    private static final long STEP_TIMEOUT_MS = 20_000;
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path temp;

    private final List<ChildNode> nodes = new ArrayList<>();
    private final AtomicInteger httpThreads = new AtomicInteger();
    private final ExecutorService httpExecutor = Executors.newFixedThreadPool(2, task ->
    {
        final Thread thread = new Thread(task, "failover-test-http-" + httpThreads.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient http = HttpClient.newBuilder()
        .executor(httpExecutor)
        .connectTimeout(Duration.ofSeconds(5))
        .build();

    @AfterEach
    void stopNodes() throws Exception
    {
        for (final ChildNode node : nodes)
        {
            if (node.isRunning())
            {
                node.resume(); // a node left paused by a failed test would not stop
            }
            node.close();
        }
        httpExecutor.shutdownNow();
    }

    @FunctionalInterface
    private interface Scenario
    {
        void run() throws Exception;
    }

    /** Run a scenario; if it fails, print the end of each node's output first. */
    private void withNodeOutputOnFailure(final Scenario scenario) throws Exception
    {
        try
        {
            scenario.run();
        }
        catch (final Throwable failure)
        {
            for (final ChildNode node : nodes)
            {
                System.err.println(node.tail(40));
            }
            throw failure;
        }
    }

    /** Start the three nodes, each its own JVM, and wait until each is ready. */
    private void startNodes() throws Exception
    {
        final int[] ports = ChildNode.freeMetaPortRanges(NODES);
        final List<String> addrs = new ArrayList<>();
        for (int i = 0; i < NODES; i++)
        {
            addrs.add((i + 1) + "=localhost:" + ports[i]);
        }
        for (int i = 0; i < NODES; i++)
        {
            nodes.add(ChildNode.member(temp.resolve("node-" + (i + 1)), i + 1, addrs, ports[i]));
        }
        for (final ChildNode node : nodes)
        {
            node.start();
        }
        for (final ChildNode node : nodes)
        {
            node.awaitReady(ChildNode.READY_TIMEOUT_MS);
        }
    }

    @Test
    void aKilledLeaderIsReplacedLosesNothingAndCatchesUpWhenRestarted() throws Exception
    {
        withNodeOutputOnFailure(this::runScenario);
    }

    private void runScenario() throws Exception
    {
        final long started = System.nanoTime();
        startNodes();
        final long ready = System.nanoTime();

        final Set<String> acknowledged = new LinkedHashSet<>();
        for (final ChildNode node : nodes)
        {
            for (int i = 1; i <= 2; i++)
            {
                final String name = "before-" + node.id() + "-" + i;
                assertEquals(201, createTopic(node, name).statusCode(), name);
                acknowledged.add(name);
            }
        }
        final JsonNode before = agreedCluster(nodes, -1, -1);
        final int oldLeaderId = before.get("leader").asInt();
        final long oldTerm = before.get("term").asLong();
        final ChildNode oldLeader = node(oldLeaderId);
        final List<ChildNode> survivors = nodes.stream().filter(node -> node != oldLeader).toList();
        final ChildNode follower = survivors.get(0);

        // One creation sent to a follower just before the kill (it may or may not be committed by
        // the old leader), one just after (it can only be committed by the new leader).
        final CompletableFuture<HttpResponse<String>> sentBefore = createTopicAsync(follower, "around-kill-before");
        final long killedAt = System.nanoTime();
        assertEquals(137, oldLeader.kill(), "killed by SIGKILL (128 + 9)");
        final CompletableFuture<HttpResponse<String>> sentAfter = createTopicAsync(follower, "around-kill-after");

        final JsonNode after = agreedCluster(survivors, oldLeaderId, oldTerm);
        final long leaderVisibleAt = System.nanoTime();
        final int newLeaderId = after.get("leader").asInt();
        assertNotEquals(oldLeaderId, newLeaderId, after.toString());
        assertTrue(after.get("term").asLong() > oldTerm, "a new term: " + after);
        assertEquals(201, sentAfter.get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS).statusCode(),
            "the creation sent after the kill, committed by the new leader");
        final long firstCommitAt = System.nanoTime();
        assertEquals(201, sentBefore.get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS).statusCode(),
            "the creation sent before the kill: answered once, never 409 for a request applied twice");
        acknowledged.add("around-kill-before");
        acknowledged.add("around-kill-after");

        for (final ChildNode survivor : survivors)
        {
            final String name = "while-down-via-" + survivor.id();
            assertEquals(201, createTopic(survivor, name).statusCode(), name);
            acknowledged.add(name);
        }
        for (final ChildNode survivor : survivors)
        {
            awaitTopics(survivor, acknowledged);
        }

        oldLeader.start();
        oldLeader.awaitReady(ChildNode.READY_TIMEOUT_MS);
        awaitTopics(oldLeader, acknowledged);
        final JsonNode rejoined = agreedCluster(nodes, -1, -1);
        assertEquals(newLeaderId, rejoined.get("leader").asInt(), "the restarted node follows the new leader: " + rejoined);
        final long caughtUpAt = System.nanoTime();

        System.out.printf("ThreeNodeFailoverTest: 3 nodes ready in %d ms; after the SIGKILL of leader %d: " +
            "new leader %d agreed in %d ms, first command committed in %d ms; restarted node caught up in %d ms; " +
            "total %d ms%n",
            millis(ready - started), oldLeaderId, newLeaderId, millis(leaderVisibleAt - killedAt),
            millis(firstCommitAt - killedAt), millis(caughtUpAt - firstCommitAt), millis(System.nanoTime() - started));
    }

    /** Longer than the cluster's session timeout (10 s), so that the paused node's session is closed. */
    private static final long PAUSE_MS = 12_000;

    @Test
    void aNodePausedPastItsSessionTimeoutConnectsAgainAndOneKilledAroundACommandHoldsNothingUp() throws Exception
    {
        withNodeOutputOnFailure(this::runPauseScenario);
    }

    private void runPauseScenario() throws Exception
    {
        startNodes();
        final int leaderId = agreedCluster(nodes, -1, -1).get("leader").asInt();
        final ChildNode leader = node(leaderId);
        final ChildNode paused = nodes.stream().filter(node -> node != leader).findFirst().orElseThrow();
        final Set<String> acknowledged = new LinkedHashSet<>();
        assertEquals(201, createTopic(paused, "before-pause").statusCode());
        acknowledged.add("before-pause");

        paused.pause();
        final long pausedAt = System.nanoTime();
        // Accepted by the kernel's listen queue, read once the node runs again.
        final CompletableFuture<HttpResponse<String>> sentWhilePaused = http.sendAsync(
            HttpRequest.newBuilder(URI.create(paused.adminUrl() + "/v1/topics"))
                .timeout(Duration.ofMillis(PAUSE_MS + 40_000))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"sent-while-paused\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(201, createTopic(leader, "during-pause").statusCode(), "the leader keeps applying");
        acknowledged.add("during-pause");
        // The pause itself is what is tested: it must outlast the session timeout.
        Thread.sleep(Math.max(0, PAUSE_MS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - pausedAt)));
        paused.resume();

        assertEquals(201, sentWhilePaused.get(PAUSE_MS + 40_000, TimeUnit.MILLISECONDS).statusCode(),
            "the request read after the pause is applied once (never 409)");
        acknowledged.add("sent-while-paused");
        assertEquals(201, createTopic(paused, "after-resume").statusCode(), "the paused node's client serves again");
        acknowledged.add("after-resume");
        for (final ChildNode node : nodes)
        {
            awaitTopics(node, acknowledged);
        }
        assertTrue(paused.tail(200).contains("robustmq-meta-client: session ended; connected again"),
            "the paused node's client connected again:\n" + paused.tail(40));

        // Killed around a command: the leader's reply to a client that is gone must not hold it up.
        final int currentLeader = agreedCluster(nodes, -1, -1).get("leader").asInt();
        final ChildNode victim = nodes.stream().filter(node -> node.id() != currentLeader).findFirst().orElseThrow();
        final ChildNode survivor = nodes.stream().filter(node -> node != victim).findFirst().orElseThrow();
        createTopicAsync(victim, "around-kill");
        assertEquals(137, victim.kill(), "killed by SIGKILL (128 + 9)");
        for (int i = 1; i <= 3; i++)
        {
            final String name = "after-kill-" + i;
            assertEquals(201, createTopic(survivor, name).statusCode(), "the cluster still applies: " + name);
            acknowledged.add(name);
        }
        victim.start();
        victim.awaitReady(ChildNode.READY_TIMEOUT_MS);
        for (final ChildNode node : nodes)
        {
            awaitTopics(node, acknowledged);
        }
    }

    private ChildNode node(final int id)
    {
        return nodes.stream().filter(node -> node.id() == id).findFirst()
            .orElseThrow(() -> new AssertionError("no node " + id));
    }

    /**
     * Wait until every given node's {@code /v1/cluster} names the same leader, other than
     * {@code notLeader}, in a term after {@code afterTerm}.
     */
    private JsonNode agreedCluster(final List<ChildNode> among, final int notLeader, final long afterTerm)
        throws Exception
    {
        final JsonNode[] agreed = new JsonNode[1];
        await("nodes " + among.stream().map(ChildNode::id).toList() + " to agree on a leader other than " + notLeader, () ->
        {
            JsonNode first = null;
            for (final ChildNode node : among)
            {
                final JsonNode cluster = get(node, "/v1/cluster");
                final JsonNode leader = cluster == null ? null : cluster.get("leader");
                if (leader == null || leader.isNull() || leader.asInt() == notLeader ||
                    cluster.get("term").asLong() <= afterTerm ||
                    (first != null && (first.get("leader").asInt() != leader.asInt() ||
                        first.get("term").asLong() != cluster.get("term").asLong())))
                {
                    return false;
                }
                first = first == null ? cluster : first;
            }
            agreed[0] = first;
            return true;
        });
        return agreed[0];
    }

    private void awaitTopics(final ChildNode node, final Set<String> expected) throws Exception
    {
        await("node " + node.id() + " to list " + expected, () -> topics(node).containsAll(expected));
        final Set<String> listed = topics(node);
        assertTrue(listed.containsAll(expected), "node " + node.id() + " lists " + listed);
    }

    private Set<String> topics(final ChildNode node)
    {
        final Set<String> names = new TreeSet<>();
        final JsonNode topics = get(node, "/v1/topics");
        if (topics != null)
        {
            topics.get("topics").forEach(topic -> names.add(topic.get("name").asText()));
        }
        return names;
    }

    /**
     * @return the JSON body of a 200 answer, or null for any other answer or a failed request.
     */
    private JsonNode get(final ChildNode node, final String path)
    {
        try
        {
            final HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(node.adminUrl() + path)).timeout(REQUEST_TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
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

    private HttpResponse<String> createTopic(final ChildNode node, final String name) throws Exception
    {
        return createTopicAsync(node, name).get(STEP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private CompletableFuture<HttpResponse<String>> createTopicAsync(final ChildNode node, final String name)
    {
        return http.sendAsync(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/v1/topics"))
                .timeout(REQUEST_TIMEOUT)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"" + name + "\"}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STEP_TIMEOUT_MS);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out after " + STEP_TIMEOUT_MS + " ms waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private static long millis(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
