package io.robustmq.bench.meta;

import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.cluster.MetaClusterMember;
import io.robustmq.meta.codecs.ResultCode;
import org.HdrHistogram.Histogram;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Meta Service command latency and throughput, with 1 or 3 members in this JVM on loopback (each
 * with its own media driver, archive and consensus module, default idle strategies).
 * <ul>
 *   <li>latency: one command at a time (create a topic), round trip from the client's send to the
 *       committed result, recorded in an HdrHistogram (closed loop: each command waits for the
 *       last, so there is no coordinated omission to correct);</li>
 *   <li>throughput: 64 commands in flight at a time.</li>
 * </ul>
 * Usage: {@code MetaCommandLatency <members 1|3> <commands> <warm-up commands>}.
 */
public final class MetaCommandLatency
{
    private static final int IN_FLIGHT = 64;

    private MetaCommandLatency()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int memberCount = Integer.parseInt(args[0]);
        final int commands = Integer.parseInt(args[1]);
        final int warmUp = Integer.parseInt(args[2]);
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
                .aeronDirectory(shm + "/robustmq-bench-" + ProcessHandle.current().pid() + "-" + member.id()));
        }
        try
        {
            for (final MetaClusterMember.Context ctx : contexts)
            {
                running.add(MetaClusterMember.launch(ctx));
            }
            try (MetaClient client = connect(contexts.get(0)))
            {
                for (int i = 0; i < warmUp; i++)
                {
                    check(client.createTopic("warm-" + i, 1, "", "", 0, 0).get(30, TimeUnit.SECONDS).code());
                }
                final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
                final long latencyStart = System.nanoTime();
                for (int i = 0; i < commands; i++)
                {
                    final long start = System.nanoTime();
                    check(client.createTopic("latency-" + i, 1, "", "", 0, 0).get(30, TimeUnit.SECONDS).code());
                    latency.recordValue(System.nanoTime() - start);
                }
                final double latencySeconds = (System.nanoTime() - latencyStart) / 1e9;

                final long throughputStart = System.nanoTime();
                final List<CompletableFuture<MetaClient.Result>> inFlight = new ArrayList<>();
                for (int i = 0; i < commands; i++)
                {
                    inFlight.add(client.createTopic("throughput-" + i, 1, "", "", 0, 0));
                    if (inFlight.size() == IN_FLIGHT)
                    {
                        for (final CompletableFuture<MetaClient.Result> result : inFlight)
                        {
                            check(result.get(30, TimeUnit.SECONDS).code());
                        }
                        inFlight.clear();
                    }
                }
                for (final CompletableFuture<MetaClient.Result> result : inFlight)
                {
                    check(result.get(30, TimeUnit.SECONDS).code());
                }
                final double throughputSeconds = (System.nanoTime() - throughputStart) / 1e9;

                System.out.printf("members=%d commands=%d  latency us: p50 %.0f  p99 %.0f  p99.9 %.0f  max %.0f  " +
                    "(%.0f commands/s one at a time)  throughput: %.0f commands/s with %d in flight%n",
                    memberCount, commands,
                    latency.getValueAtPercentile(50) / 1e3, latency.getValueAtPercentile(99) / 1e3,
                    latency.getValueAtPercentile(99.9) / 1e3, latency.getMaxValue() / 1e3,
                    commands / latencySeconds, commands / throughputSeconds, IN_FLIGHT);
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

    private static MetaClient connect(final MetaClusterMember.Context ctx) throws InterruptedException
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return MetaClient.connect(ctx.aeronDirectoryName(), ctx.ingressEndpoints());
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
