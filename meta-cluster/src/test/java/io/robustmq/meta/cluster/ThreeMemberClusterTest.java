package io.robustmq.meta.cluster;

import io.aeron.cluster.service.Cluster;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.state.TopicRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three members in one JVM, each with its own driver, archive and consensus module: a leader is
 * elected, commands are replicated; when the leader stops another is elected and serves commands,
 * nothing committed is lost, and the old member rejoins and catches up.
 */
@Timeout(120)
class ThreeMemberClusterTest
{
    private static final int BASE_PORT = 29300;

    @TempDir
    Path temp;

    private final List<MetaClusterMember.Context.Member> members = List.of(
        new MetaClusterMember.Context.Member(1, "localhost", BASE_PORT),
        new MetaClusterMember.Context.Member(2, "localhost", BASE_PORT + 10),
        new MetaClusterMember.Context.Member(3, "localhost", BASE_PORT + 20));

    private MetaClusterMember.Context context(final int id)
    {
        final String shm = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : temp.toString();
        return new MetaClusterMember.Context()
            .memberId(id)
            .members(members)
            .directory(temp.resolve("member-" + id))
            .aeronDirectory(shm + "/robustmq-test-" + ProcessHandle.current().pid() + "-member-" + id);
    }

    private static void await(final String what, final BooleanSupplier condition) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static int leaderIndex(final List<MetaClusterMember> running)
    {
        for (int i = 0; i < running.size(); i++)
        {
            if (running.get(i) != null && running.get(i).service().role() == Cluster.Role.LEADER)
            {
                return i;
            }
        }
        return -1;
    }

    private static List<String> topics(final MetaClusterMember member)
    {
        return member.service().view().topics().stream().map(TopicRecord::name).toList();
    }

    @Test
    void aNewLeaderServesAfterTheLeaderStopsAndTheOldOneCatchesUp() throws Exception
    {
        final List<MetaClusterMember> running = new ArrayList<>();
        MetaClient client = null;
        try
        {
            for (final MetaClusterMember.Context.Member member : members)
            {
                running.add(MetaClusterMember.launch(context(member.id())));
            }
            await("a leader", () -> leaderIndex(running) >= 0);
            final MetaClusterMember.Context first = context(1);
            client = MetaClient.connect(first.aeronDirectoryName(), first.ingressEndpoints());
            assertEquals(ResultCode.OK, client.createTopic("before", 1, "", "", 0, 0).get(30, TimeUnit.SECONDS).code());
            for (final MetaClusterMember member : running)
            {
                await("replication to every member", () -> topics(member).contains("before"));
            }

            final int oldLeader = leaderIndex(running);
            final int clientHost = oldLeader == 0 ? 1 : 0;
            client.close();
            final MetaClusterMember.Context host = context(members.get(clientHost).id());
            client = MetaClient.connect(host.aeronDirectoryName(), host.ingressEndpoints());
            running.get(oldLeader).close();
            running.set(oldLeader, null);
            await("a new leader", () -> leaderIndex(running) >= 0 && leaderIndex(running) != oldLeader);

            assertEquals(ResultCode.OK, client.createTopic("after", 1, "", "", 0, 0).get(60, TimeUnit.SECONDS).code());
            assertEquals(ResultCode.ALREADY_EXISTS,
                client.createTopic("before", 1, "", "", 0, 0).get(30, TimeUnit.SECONDS).code(), "nothing committed lost");

            running.set(oldLeader, MetaClusterMember.launch(context(members.get(oldLeader).id())));
            final MetaClusterMember rejoined = running.get(oldLeader);
            await("the old leader to catch up", () -> topics(rejoined).containsAll(List.of("before", "after")));
        }
        finally
        {
            if (client != null)
            {
                client.close();
            }
            for (final MetaClusterMember member : running)
            {
                if (member != null)
                {
                    member.close();
                }
            }
        }
    }
}
