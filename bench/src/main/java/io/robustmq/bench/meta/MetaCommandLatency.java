package io.robustmq.bench.meta;

import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.Scram;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.cluster.MetaClusterMember;
import io.robustmq.meta.cluster.MetaIdleStrategy;
import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.codecs.ScramMechanismCode;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Meta Service command latency and throughput, with 1 or 3 members in this JVM on loopback (each
 * with its own media driver, archive and consensus module), every member and the client waiting
 * for work with one {@link MetaIdleStrategy}.
 * <ul>
 *   <li>latency: one command at a time, round trip from the client's send to the committed result,
 *       recorded in an HdrHistogram (closed loop: each command waits for the last, so there is no
 *       coordinated omission to correct). The commands alternate: create a topic, delete it. The
 *       state stays the same size, so the figures are those of the path through the cluster, not
 *       of the state's size (the service publishes a copy of its whole view after every command);</li>
 *   <li>paced latency: {@value #PACED_COMMANDS} commands, one sent every {@value #PACE_MS} ms, as
 *       metadata commands come: between two, every thread has been idle long enough to park as
 *       long as its strategy lets it, which the back-to-back latency run never sees;</li>
 *   <li>throughput: {@value #IN_FLIGHT} commands in flight at a time: {@value #IN_FLIGHT} topics
 *       created, then the same deleted;</li>
 *   <li>idle CPU: the CPU time the whole JVM (members, client, JVM threads) used over
 *       {@value #IDLE_MEASURE_MS} ms with nothing to do, {@value #IDLE_SETTLE_MS} ms after the last
 *       command, as a share of one core.</li>
 * </ul>
 * The figures are worth little when anything else runs on the machine: the members and the client
 * then wait for a core.
 * Usage: {@code MetaCommandLatency <members 1|3> <commands> <warm-up commands> [<idle strategy>
 * [<topics> [<users> [<acl rules>]]]]}: the strategy written as {@code meta.idle_strategy} is
 * (default: {@link MetaIdleStrategy#DEFAULT}); {@code topics}, {@code users} and {@code acl rules}
 * made before the warm-up ({@value #IN_FLIGHT} commands in flight) and left in the state (default
 * 0), to measure what the state's size costs; the heap they take (used heap after a full GC, before
 * and after) is reported per topic.
 */
public final class MetaCommandLatency
{
    private static final int IN_FLIGHT = 64;
    /** A whole number of create-then-delete rounds, so that the warm-up leaves no topic behind. */
    private static final int JIT_WARM_UP_COMMANDS = 2 * IN_FLIGHT * 235;
    private static final int PACED_COMMANDS = 250;
    private static final long PACE_MS = 20;
    private static final long IDLE_SETTLE_MS = 2000;
    private static final long IDLE_MEASURE_MS = 5000;
    private static final long TIMEOUT_S = 30;

    private MetaCommandLatency()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int memberCount = Integer.parseInt(args[0]);
        final int commands = Integer.parseInt(args[1]);
        final int warmUp = Integer.parseInt(args[2]);
        final MetaIdleStrategy idle = args.length > 3 ? MetaIdleStrategy.parse(args[3]) : MetaIdleStrategy.DEFAULT;
        final int topics = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        final int users = args.length > 5 ? Integer.parseInt(args[5]) : 0;
        final int aclRules = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        final Path dir = Files.createTempDirectory("meta-bench");
        final String shm = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : dir.toString();
        final int basePort = 39000;
        final List<MetaClusterMember.Context.Member> members = new ArrayList<>();
        for (int i = 1; i <= memberCount; i++)
        {
            members.add(new MetaClusterMember.Context.Member(i, "localhost", basePort + 10 * i));
        }
        final List<MetaClusterMember> running = new ArrayList<>();
        final List<MetaClusterMember.Context> contexts = new ArrayList<>();
        for (final MetaClusterMember.Context.Member member : members)
        {
            contexts.add(new MetaClusterMember.Context()
                .memberId(member.id())
                .members(members)
                .directory(dir.resolve("member-" + member.id()))
                .aeronDirectory(shm + "/robustmq-bench-" + ProcessHandle.current().pid() + "-" + member.id())
                .idleStrategy(idle));
        }
        try
        {
            for (final MetaClusterMember.Context ctx : contexts)
            {
                running.add(MetaClusterMember.launch(ctx));
            }
            try (MetaClient client = connect(contexts.get(0), idle))
            {
                final long heapBefore = usedHeapAfterGc();
                final long fillStart = System.nanoTime();
                final List<CompletableFuture<MetaClient.Result>> filling = new ArrayList<>();
                for (int i = 0; i < topics; i++)
                {
                    filling.add(client.createTopic("resident-" + i, 1, "", "", 0, 0));
                    if (filling.size() == IN_FLIGHT)
                    {
                        awaitAll(filling);
                    }
                }
                awaitAll(filling);
                final double topicsSeconds = (System.nanoTime() - fillStart) / 1e9;
                final long heapWithTopics = usedHeapAfterGc();
                final List<ScramCredential> credentials = users == 0 ? List.of() :
                    List.of(Scram.newCredential(ScramMechanismCode.SCRAM_SHA_256, "bench".toCharArray()));
                for (int i = 0; i < users; i++)
                {
                    filling.add(client.putUser("user-" + i, credentials));
                    if (filling.size() == IN_FLIGHT)
                    {
                        awaitAll(filling);
                    }
                }
                for (int i = 0; i < aclRules; i++)
                {
                    filling.add(client.addAcl(new AclRule("user-" + i % Math.max(1, users), AclResourceCode.TOPIC,
                        i % 2 == 0 ? AclPatternCode.LITERAL : AclPatternCode.PREFIXED, "resident-" + i,
                        AclOperationCode.WRITE, AclPermissionCode.ALLOW)));
                    if (filling.size() == IN_FLIGHT)
                    {
                        awaitAll(filling);
                    }
                }
                awaitAll(filling);
                final double snapshotMs = topics + users + aclRules > 0 ? snapshotMs(running.get(0)) : 0;
                if (topics + users + aclRules > 0)
                {
                    System.out.printf("state: %d topics made in %.1f s (%.0f/s), %d users, %d ACL rules; heap %.0f " +
                        "bytes per topic (used heap after a full GC, %d members in this JVM); a snapshot of it took " +
                        "%.0f ms%n", topics, topicsSeconds,
                        topics / topicsSeconds, users, aclRules,
                        topics == 0 ? 0.0 : (double)(heapWithTopics - heapBefore) / topics, memberCount, snapshotMs);
                }
                // The JIT's warm-up, the same in every run whatever the state's size (filling the
                // state is warm-up too): commands in flight, then one at a time.
                throughput(client, JIT_WARM_UP_COMMANDS);
                oneAtATime(client, warmUp, null);
                final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                final long latencyStart = System.nanoTime();
                oneAtATime(client, commands, latency);
                final double latencySeconds = (System.nanoTime() - latencyStart) / 1e9;
                final Histogram paced = paced(client);
                final double throughput = throughput(client, commands);
                final double idleCores = idleCores();

                System.out.printf("idle_strategy=%s members=%d topics=%d commands=%d  latency us: p50 %.0f  p99 %.0f  " +
                    "p99.9 %.0f  max %.0f  (%.0f commands/s one at a time)  paced latency us (one every %d ms): " +
                    "p50 %.0f  p99 %.0f  max %.0f  throughput: %.0f commands/s with %d in flight  " +
                    "idle CPU: %.1f%% of a core%n",
                    idle, memberCount, topics, commands,
                    latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                    latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3,
                    commands / latencySeconds, PACE_MS, paced.getValueAtPercentile(50) / 1e3,
                    paced.getValueAtPercentile(99) / 1e3, paced.getMaxValue() / 1e3,
                    throughput, IN_FLIGHT, 100 * idleCores);
            }
        }
        finally
        {
            for (final MetaClusterMember member : running)
            {
                member.close();
            }
        }
    }

    /**
     * Send commands one at a time, alternately creating and deleting one topic.
     *
     * @param latency where each round trip is recorded, in nanoseconds; null for none.
     */
    private static void oneAtATime(final MetaClient client, final int commands, final Histogram latency)
        throws Exception
    {
        for (int i = 0; i < commands; i++)
        {
            final long start = System.nanoTime();
            final CompletableFuture<MetaClient.Result> result = (i & 1) == 0 ?
                client.createTopic("latency", 1, "", "", 0, 0) : client.deleteTopic("latency");
            check(result.get(TIMEOUT_S, TimeUnit.SECONDS).code());
            if (latency != null)
            {
                latency.recordValue(System.nanoTime() - start);
            }
        }
    }

    /**
     * @return the round trips of {@link #PACED_COMMANDS} commands (create, delete, ... one topic),
     * each sent {@link #PACE_MS} ms after the last was sent, or at once if that one took longer.
     */
    private static Histogram paced(final MetaClient client) throws Exception
    {
        final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
        long next = System.nanoTime();
        for (int i = 0; i < PACED_COMMANDS; i++)
        {
            final long waitNs = next - System.nanoTime();
            if (waitNs > 0)
            {
                TimeUnit.NANOSECONDS.sleep(waitNs);
            }
            final long start = System.nanoTime();
            final CompletableFuture<MetaClient.Result> result = (i & 1) == 0 ?
                client.createTopic("paced", 1, "", "", 0, 0) : client.deleteTopic("paced");
            check(result.get(TIMEOUT_S, TimeUnit.SECONDS).code());
            latency.recordValue(System.nanoTime() - start);
            next = start + TimeUnit.MILLISECONDS.toNanos(PACE_MS);
        }
        return latency;
    }

    /**
     * @return commands a second, {@link #IN_FLIGHT} at a time: that many topics created, then the
     * same deleted.
     */
    private static double throughput(final MetaClient client, final int commands) throws Exception
    {
        final long start = System.nanoTime();
        final List<CompletableFuture<MetaClient.Result>> inFlight = new ArrayList<>();
        for (int i = 0; i < commands; i++)
        {
            final int round = i / IN_FLIGHT;
            final String name = "throughput-" + i % IN_FLIGHT;
            inFlight.add((round & 1) == 0 ? client.createTopic(name, 1, "", "", 0, 0) : client.deleteTopic(name));
            if (inFlight.size() == IN_FLIGHT)
            {
                awaitAll(inFlight);
            }
        }
        awaitAll(inFlight);
        return commands / ((System.nanoTime() - start) / 1e9);
    }

    private static void awaitAll(final List<CompletableFuture<MetaClient.Result>> inFlight) throws Exception
    {
        for (final CompletableFuture<MetaClient.Result> result : inFlight)
        {
            check(result.get(TIMEOUT_S, TimeUnit.SECONDS).code());
        }
        inFlight.clear();
    }

    /**
     * @return the CPU time this process used while nothing was asked of it, in cores (1.0: one core
     * busy the whole time).
     */
    private static double idleCores() throws InterruptedException
    {
        Thread.sleep(IDLE_SETTLE_MS);
        final long cpuBefore = processCpuNs();
        final long start = System.nanoTime();
        Thread.sleep(IDLE_MEASURE_MS);
        final long cpuAfter = processCpuNs();
        return (double)(cpuAfter - cpuBefore) / (System.nanoTime() - start);
    }

    /**
     * @return how long a snapshot took, from asking for it until the member counts it taken: the
     * service writes every record on its own thread meanwhile, so this bounds how long it stalls.
     */
    private static double snapshotMs(final MetaClusterMember member) throws InterruptedException
    {
        final long before = member.snapshotsTaken();
        final long start = System.nanoTime();
        final long deadline = start + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (!member.takeSnapshot())
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the snapshot was not accepted");
            }
            Thread.sleep(1);
        }
        while (member.snapshotsTaken() == before)
        {
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("the snapshot was not taken");
            }
            Thread.sleep(1);
        }
        return (System.nanoTime() - start) / 1e6;
    }

    private static long usedHeapAfterGc()
    {
        final java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++)
        {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static long processCpuNs()
    {
        return ProcessHandle.current().info().totalCpuDuration()
            .orElseThrow(() -> new IllegalStateException("this platform does not report the process's CPU time"))
            .toNanos();
    }

    private static MetaClient connect(final MetaClusterMember.Context ctx, final MetaIdleStrategy idle)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return MetaClient.connect(ctx.aeronDirectoryName(), ctx.ingressEndpoints(), idle);
            }
            catch (final io.aeron.exceptions.TimeoutException ex)
            {
                if (attempt == 6)
                {
                    throw ex;
                }
            }
        }
    }

    private static void check(final ResultCode code)
    {
        if (code != ResultCode.OK)
        {
            throw new IllegalStateException("command refused: " + code);
        }
    }
}
