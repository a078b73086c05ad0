package io.robustmq.meta.cluster;

import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.state.TopicRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client outlives its session: when the cluster restarts, it connects again with the same client
 * id and sends what is still unanswered; what a caller gave up on is forgotten.
 */
@Timeout(120)
class MetaClientReconnectTest
{
    @TempDir
    Path temp;

    @Test
    void aClientConnectsAgainAfterTheClusterRestartsAndSendsWhatIsUnanswered() throws Exception
    {
        final String shm = Files.isDirectory(Path.of("/dev/shm")) ? "/dev/shm" : temp.toString();
        final String aeronDirectory = shm + "/robustmq-test-" + ProcessHandle.current().pid() + "-reconnect";
        final MetaClusterMember.Context first = context(aeronDirectory);
        MetaClusterMember member = MetaClusterMember.launch(first);
        try (MetaClient client = MetaClient.connect(first.aeronDirectoryName(), first.ingressEndpoints()))
        {
            final long clientId = client.clientId();
            assertEquals(ResultCode.OK, client.createTopic("before", 1, "", "", 0, 0).get(30, TimeUnit.SECONDS).code());

            member.close();
            member = null;
            // Asked while the cluster is down: one the caller gives up on, one it waits for.
            final CompletableFuture<MetaClient.Result> abandoned = client.createTopic("abandoned", 1, "", "", 0, 0);
            assertThrows(java.util.concurrent.ExecutionException.class,
                () -> abandoned.orTimeout(100, TimeUnit.MILLISECONDS).get());
            final CompletableFuture<MetaClient.Result> waited = client.createTopic("while-down", 1, "", "", 0, 0);

            member = MetaClusterMember.launch(context(aeronDirectory));
            assertEquals(ResultCode.OK, waited.get(60, TimeUnit.SECONDS).code(), "sent again once connected");
            assertEquals(ResultCode.OK, client.createTopic("after", 1, "", "", 0, 0).get(30, TimeUnit.SECONDS).code());
            assertTrue(client.reconnects() >= 1, "connected again");
            assertEquals(clientId, client.clientId(), "the same client id");
            final MetaClusterMember restarted = member;
            assertEquals(List.of("after", "before", "while-down"),
                restarted.service().view().topics().stream().map(TopicRecord::name).toList(),
                "the abandoned command was never sent");
        }
        finally
        {
            if (member != null)
            {
                member.close();
            }
        }
    }

    private MetaClusterMember.Context context(final String aeronDirectory)
    {
        return new MetaClusterMember.Context()
            .memberId(0)
            .directory(temp.resolve("meta"))
            .aeronDirectory(aeronDirectory)
            .basePort(29170);
    }
}
