package io.robustmq.plugin.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import io.robustmq.kernel.support.ChildNode;
import io.robustmq.kernel.support.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The promise of a publisher confirm, measured: a node in a child JVM is killed with SIGKILL while a
 * publisher streams persistent messages into a durable queue with confirms on; after a restart on
 * the same data, every message the node confirmed is in the queue, once.
 */
class KillNineTest
{
    private static final int MESSAGES = 20_000;
    private static final int KILL_AFTER = 2_000;
    private static final long DEADLINE_MS = 60_000;

    @TempDir
    Path temp;

    @Test
    void everyConfirmedMessageIsThereOnceAfterKillNine() throws Exception
    {
        final int port = freePort();
        try (ChildNode node = ChildNode.standalone(temp.resolve("node"), """
            [plugins.amqp.listeners.tcp]
            port = %d
            # Every confirm waits for a force, so the kill finds messages written and not yet confirmed.
            [storage]
            durability = "always"
            """.formatted(port)))
        {
            node.start();
            node.awaitReady(ChildNode.READY_TIMEOUT_MS);
            final ConnectionFactory factory = new ConnectionFactory();
            factory.setPort(port);
            factory.setAutomaticRecoveryEnabled(false);
            final Map<Long, String> outstanding = new ConcurrentSkipListMap<>();
            final Set<String> confirmed = ConcurrentHashMap.newKeySet();
            try (Connection connection = factory.newConnection())
            {
                final Channel channel = connection.createChannel();
                channel.queueDeclare("stream", true, false, false, null);
                channel.confirmSelect();
                channel.addConfirmListener(new ConfirmListener()
                {
                    @Override
                    public void handleAck(final long tag, final boolean multiple)
                    {
                        settle(tag, multiple, true);
                    }

                    @Override
                    public void handleNack(final long tag, final boolean multiple)
                    {
                        settle(tag, multiple, false);
                    }

                    private void settle(final long tag, final boolean multiple, final boolean stored)
                    {
                        final var settled = multiple ? ((ConcurrentSkipListMap<Long, String>)outstanding).headMap(tag, true) :
                            ((ConcurrentSkipListMap<Long, String>)outstanding).subMap(tag, true, tag, true);
                        if (stored)
                        {
                            confirmed.addAll(settled.values());
                        }
                        settled.clear();
                    }
                });
                for (int i = 0; i < MESSAGES; i++)
                {
                    final String body = "m-" + i;
                    outstanding.put(channel.getNextPublishSeqNo(), body);
                    channel.basicPublish("", "stream", MessageProperties.PERSISTENT_BASIC,
                        body.getBytes(StandardCharsets.UTF_8));
                    if (i == KILL_AFTER * 2)
                    {
                        Clients.await("the stream is under way", DEADLINE_MS, () -> confirmed.size() >= KILL_AFTER);
                        assertEquals(137, node.kill(), "killed with SIGKILL");
                        break;
                    }
                }
            }
            catch (final IOException | com.rabbitmq.client.ShutdownSignalException ex)
            {
                // The node went away under the publisher: expected.
            }
            final int confirmedCount = confirmed.size();
            assertTrue(confirmedCount >= KILL_AFTER, "confirmed: " + confirmedCount);

            node.start();
            node.awaitReady(ChildNode.READY_TIMEOUT_MS);
            final Set<String> stored = new HashSet<>();
            try (Connection connection = factory.newConnection())
            {
                final Channel channel = connection.createChannel();
                GetResponse got;
                while ((got = channel.basicGet("stream", true)) != null)
                {
                    final String body = new String(got.getBody(), StandardCharsets.UTF_8);
                    assertTrue(stored.add(body), body + " stored twice");
                }
            }
            for (final String body : confirmed)
            {
                assertTrue(stored.contains(body), "confirmed, then lost: " + body);
            }
            System.out.printf("KillNineTest (AMQP): %d confirmed before the kill, %d in the queue after it%n",
                confirmedCount, stored.size());
        }
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
