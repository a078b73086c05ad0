package io.robustmq.meta.cluster;

import io.aeron.cluster.client.AeronCluster;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.state.MetaCommands;
import io.robustmq.meta.state.NodeRecord;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that sends commands and never reads their results must not stall the Meta Service:
 * once its egress window is full, the service drops its replies (after waiting at most
 * {@link MetaClusteredService#REPLY_WAIT_LIMIT_MS} ms once) and goes on applying everyone's commands.
 */
@Timeout(120)
class SlowClientTest
{
    /** Enough results to fill the egress receiver's window (128 KiB) many times over. */
    private static final int COMMANDS = 6_000;
    /** Results (64 bytes each on the wire) far beyond the egress window while the client is held. */
    private static final int STALLED_COMMANDS = 12_000;
    /**
     * Results come back through windows of 4 KiB (about 60 results) instead of 128 KiB: while the
     * client is held, the commands it sent before are enough to fill them, however few got through
     * its ingress before the first result came back.
     */
    private static final String NARROW_EGRESS = "aeron:udp?endpoint=localhost:0|term-length=64k|rcv-wnd=4k|pub-wnd=4k";

    @TempDir
    Path temp;

    @Test
    void aClientThatStopsReadingItsResultsDoesNotStallTheService() throws Exception
    {
        final MetaClusterMember.Context ctx = member("meta", 29150);
        try (MetaClusterMember member = MetaClusterMember.launch(ctx);
            AeronCluster silent = AeronCluster.connect(new AeronCluster.Context()
                .aeronDirectoryName(ctx.aeronDirectoryName())
                .ingressChannel("aeron:udp")
                .ingressEndpoints(ctx.ingressEndpoints())
                .egressChannel("aeron:udp?endpoint=localhost:0"));
            MetaClient client = MetaClient.connect(ctx.aeronDirectoryName(), ctx.ingressEndpoints()))
        {
            final MetaCommands commands = new MetaCommands();
            final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
            final long silentClientId = 42;
            for (int i = 1; i <= COMMANDS; i++)
            {
                final int length = commands.registerNode(buffer, 0, silentClientId, i, 7, "127.0.0.1:" + (10_000 + i));
                final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (silent.offer(buffer, 0, length) < 0)
                {
                    assertTrue(System.nanoTime() < deadline, "the cluster took command " + i);
                    Thread.yield();
                }
            }

            // The silent client's last command is applied, and a reading client is served after it.
            final String lastAddress = "127.0.0.1:" + (10_000 + COMMANDS);
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (member.service().view().nodes().stream()
                .noneMatch(node -> node.id() == 7 && node.address().equals(lastAddress)))
            {
                assertTrue(System.nanoTime() < deadline, "the silent client's last command applied");
                Thread.sleep(10);
            }
            assertEquals(ResultCode.OK, client.createTopic("after-the-silent-client", 1, "", "", 0, 0)
                .get(30, TimeUnit.SECONDS).code());
            assertTrue(member.service().repliesDropped() > 0, "replies to the silent client were dropped");
            assertEquals(1, member.service().view().nodes().stream().filter(node -> node.id() == 7).count());
            final NodeRecord node = member.service().view().nodes().stream().filter(n -> n.id() == 7).findFirst()
                .orElseThrow();
            assertEquals(lastAddress, node.address());
        }
    }

    @Test
    void aMetaClientThatStallsGetsEveryResultInTheEndByAskingAgain() throws Exception
    {
        final MetaClusterMember.Context ctx = member("meta-stall", 29160);
        try (MetaClusterMember member = MetaClusterMember.launch(ctx);
            MetaClient client = MetaClient.connect(ctx.aeronDirectoryName(), ctx.ingressEndpoints(),
                MetaIdleStrategy.DEFAULT, NARROW_EGRESS))
        {
            // Whether the leader has to drop a result depends on timing (how far the client got
            // sending before it was held): try a few rounds until it had to.
            int groups = 0;
            for (int round = 0; round < 4 && member.service().repliesDropped() == 0; round++)
            {
                groups += stallOnce(client, round);
            }
            assertTrue(member.service().repliesDropped() > 0, "some results were dropped, and asked for again");
            assertEquals(0, client.reconnects(), "answered on the same session, by asking again");
            assertEquals(groups, member.service().view().groups().size());
        }
    }

    /**
     * Hold the client's thread (in a result's callback, which runs on it) while commands are queued,
     * so that it sends them all at once when let go; then the first of their results holds it for
     * 2 s while the others pile up past the egress window. Every command must still get its result.
     *
     * @return the groups registered.
     */
    private static int stallOnce(final MetaClient client, final int round) throws Exception
    {
        final java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        int gates = 0;
        while (held.getCount() > 0)
        {
            assertTrue(gates < 100, "a result's callback ran on the client's thread");
            client.registerGroup("gate-" + round + "-" + gates++, "kafka").thenRun(() ->
            {
                if (onClientThread() && held.getCount() > 0)
                {
                    held.countDown();
                    awaitQuietly(release);
                }
            });
            held.await(100, TimeUnit.MILLISECONDS);
        }
        final java.util.concurrent.atomic.AtomicBoolean stalled = new java.util.concurrent.atomic.AtomicBoolean();
        final java.util.List<java.util.concurrent.CompletableFuture<MetaClient.Result>> results =
            new java.util.ArrayList<>();
        for (int i = 0; i < STALLED_COMMANDS; i++)
        {
            final java.util.concurrent.CompletableFuture<MetaClient.Result> result =
                client.registerGroup("stall-" + round + "-" + i, "kafka");
            result.thenRun(() ->
            {
                if (onClientThread() && stalled.compareAndSet(false, true))
                {
                    sleepQuietly(2_000);
                }
            });
            results.add(result);
        }
        release.countDown();
        for (final java.util.concurrent.CompletableFuture<MetaClient.Result> result : results)
        {
            assertEquals(ResultCode.OK, result.get(30, TimeUnit.SECONDS).code());
        }
        assertTrue(stalled.get(), "the client's thread was held");
        return gates + STALLED_COMMANDS;
    }

    /** One member, its data in {@code name} under the test's directory, its driver in /dev/shm. */
    private MetaClusterMember.Context member(final String name, final int basePort)
    {
        final String shm = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : temp.toString();
        return new MetaClusterMember.Context()
            .memberId(0)
            .directory(temp.resolve(name))
            .aeronDirectory(shm + "/robustmq-test-" + ProcessHandle.current().pid() + "-" + name + "-" + System.nanoTime())
            .basePort(basePort);
    }

    private static boolean onClientThread()
    {
        return Thread.currentThread().getName().equals("robustmq-meta-client");
    }

    private static void awaitQuietly(final java.util.concurrent.CountDownLatch latch)
    {
        try
        {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(final long ms)
    {
        try
        {
            Thread.sleep(ms);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
