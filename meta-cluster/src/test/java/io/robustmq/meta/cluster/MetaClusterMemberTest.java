package io.robustmq.meta.cluster;

import io.robustmq.meta.codecs.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One embedded member: commands answered through Aeron Cluster, and state recovered from the log
 * after a restart.
 */
@Timeout(120)
class MetaClusterMemberTest
{
    @TempDir
    Path temp;

    private MetaClusterMember.Context context()
    {
        final String shm = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : temp.toString();
        return new MetaClusterMember.Context()
            .memberId(0)
            .directory(temp.resolve("meta"))
            .aeronDirectory(shm + "/robustmq-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
            .basePort(29100);
    }

    private static MetaClient.Result await(final java.util.concurrent.CompletableFuture<MetaClient.Result> future)
        throws Exception
    {
        return future.get(30, TimeUnit.SECONDS);
    }

    @Test
    void recoversFromASnapshotAndTheLogAfterIt() throws Exception
    {
        final MetaClusterMember.Context ctx = context();
        try (MetaClusterMember member = MetaClusterMember.launch(ctx);
            MetaClient client = MetaClient.connect(ctx.aeronDirectoryName(), ctx.ingressEndpoints()))
        {
            assertEquals(ResultCode.OK, await(client.createTopic("before-snapshot", 1, "", "", 0, 0)).code());
            assertEquals(ResultCode.OK, await(client.registerNode(3, "127.0.0.1:58082")).code());
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!member.takeSnapshot())
            {
                org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "the snapshot was accepted");
                Thread.onSpinWait();
            }
            while (member.snapshotsTaken() == 0)
            {
                org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "the snapshot was taken");
                Thread.yield();
            }
            assertEquals(ResultCode.OK, await(client.createTopic("after-snapshot", 2, "", "", 0, 0)).code());
        }

        final MetaClusterMember.Context again = context();
        try (MetaClusterMember member = MetaClusterMember.launch(again);
            MetaClient client = MetaClient.connect(again.aeronDirectoryName(), again.ingressEndpoints()))
        {
            assertEquals(ResultCode.ALREADY_EXISTS, await(client.createTopic("before-snapshot", 1, "", "", 0, 0)).code());
            org.junit.jupiter.api.Assertions.assertTrue(member.service().startedFromSnapshot(), "loaded the snapshot");
            assertEquals(java.util.List.of("after-snapshot", "before-snapshot"),
                member.service().view().topics().stream().map(io.robustmq.meta.state.TopicRecord::name).toList(),
                "the snapshot, then the log after it");
            assertEquals(3, member.service().view().nodes().iterator().next().id());
        }
    }

    @Test
    void runsEveryAgentAndItsClientWithTheStrategyItIsGiven() throws Exception
    {
        final MetaIdleStrategy sleeping = MetaIdleStrategy.parse("sleeping:200us");
        final MetaClusterMember.Context ctx = context().idleStrategy(sleeping);
        try (MetaClusterMember member = MetaClusterMember.launch(ctx);
            MetaClient client = MetaClient.connect(ctx.aeronDirectoryName(), ctx.ingressEndpoints(), sleeping))
        {
            assertEquals(sleeping, member.idleStrategy());
            for (final org.agrona.concurrent.IdleStrategy agent : member.agentIdleStrategies())
            {
                assertEquals(org.agrona.concurrent.SleepingIdleStrategy.class, agent.getClass(), agent.toString());
                org.junit.jupiter.api.Assertions.assertTrue(agent.toString().contains("sleepPeriodNs=200000"),
                    agent.toString());
            }
            assertEquals(ResultCode.OK, await(client.createTopic("sleepy", 1, "", "", 0, 0)).code());
            assertEquals(ResultCode.ALREADY_EXISTS, await(client.createTopic("sleepy", 1, "", "", 0, 0)).code());
            // The archive and the media driver run on the consensus module's thread, not on their own.
            final java.util.List<String> threads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .toList();
            org.junit.jupiter.api.Assertions.assertTrue(threads.stream().anyMatch(name -> name.startsWith("consensus-module")), threads.toString());
            org.junit.jupiter.api.Assertions.assertTrue(threads.stream().noneMatch(name ->
                name.startsWith("archive-") || name.startsWith(ctx.aeronDirectoryName())), threads.toString());
        }
    }

    @Test
    void answersCommandsAndRecoversTheStateFromItsLogAfterARestart() throws Exception
    {
        final MetaClusterMember.Context ctx = context();
        try (MetaClusterMember member = MetaClusterMember.launch(ctx);
            MetaClient client = MetaClient.connect(ctx.aeronDirectoryName(), ctx.ingressEndpoints()))
        {
            assertEquals(ResultCode.OK, await(client.createTopic("orders", 3, "journal", "always", 0, 0)).code());
            assertEquals(ResultCode.ALREADY_EXISTS, await(client.createTopic("orders", 3, "", "", 0, 0)).code());
            assertEquals(ResultCode.OK, await(client.registerNode(1, "127.0.0.1:58080")).code());
        }

        final MetaClusterMember.Context again = context();
        try (MetaClusterMember member = MetaClusterMember.launch(again);
            MetaClient client = MetaClient.connect(again.aeronDirectoryName(), again.ingressEndpoints()))
        {
            final MetaClient.Result result = await(client.createTopic("orders", 1, "", "", 0, 0));
            assertEquals(ResultCode.ALREADY_EXISTS, result.code(), "the topic came back from the log");
            assertEquals("orders exists", result.message());
            assertEquals(ResultCode.OK, await(client.deleteTopic("orders")).code());
            assertEquals(ResultCode.OK, await(client.createTopic("payments", 1, "", "", 0, 0)).code(),
                "a new client's request 3 is not mistaken for the first client's request 3");
            assertEquals("payments", member.service().view().topics().iterator().next().name());
        }
    }
}
