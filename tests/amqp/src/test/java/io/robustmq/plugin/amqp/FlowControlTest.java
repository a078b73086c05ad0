package io.robustmq.plugin.amqp;

import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import io.robustmq.kernel.support.Clients;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A publisher faster than the disk: with a small journal writer buffer and every append forced, the
 * storage back-pressures; the node stops reading the publisher and tells it with
 * connection.blocked, then connection.unblocked, and every confirmed message is stored.
 */
class FlowControlTest
{
    private static final int MESSAGES = 3_000;

    @TempDir
    Path dir;

    @Test
    void aPublisherFasterThanTheDiskIsBlockedThenUnblockedAndLosesNothing() throws Exception
    {
        try (AmqpNode node = AmqpNode.start(dir, """
            [storage]
            writer_buffer_bytes = 65536
            durability = "always"
            """);
            Connection connection = node.factory().newConnection())
        {
            final AtomicInteger blocked = new AtomicInteger();
            final AtomicInteger unblocked = new AtomicInteger();
            connection.addBlockedListener(new BlockedListener()
            {
                @Override
                public void handleBlocked(final String reason)
                {
                    blocked.incrementAndGet();
                }

                @Override
                public void handleUnblocked()
                {
                    unblocked.incrementAndGet();
                }
            });
            final Channel channel = connection.createChannel();
            channel.queueDeclare("flood", true, false, false, null);
            channel.confirmSelect();
            final byte[] body = new byte[7 * 1024];
            for (int i = 0; i < MESSAGES; i++)
            {
                channel.basicPublish("", "flood", MessageProperties.PERSISTENT_BASIC, body);
            }
            channel.waitForConfirmsOrDie(60_000);
            assertTrue(blocked.get() > 0, "the storage held the publisher back at least once");
            Clients.await("unblocked as often as blocked", 10_000, () -> unblocked.get() == blocked.get());
            assertEquals(MESSAGES, channel.queueDeclarePassive("flood").getMessageCount());
        }
    }
}
