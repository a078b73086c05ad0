package io.robustmq.plugin.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import io.robustmq.kernel.support.Clients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The queue arguments RabbitMQ's clients use, with RabbitMQ's Java client: message TTL (the queue's
 * and a message's own), length limits with drop-head and reject-publish, dead-lettering with
 * x-death, and single active consumer.
 */
class QueueArgumentsTest
{
    private static final long WAIT_MS = 10_000;

    @TempDir
    Path dir;
    AmqpNode node;
    Connection connection;
    Channel channel;

    @BeforeEach
    void start() throws Exception
    {
        node = AmqpNode.start(dir, "");
        connection = node.factory().newConnection();
        channel = connection.createChannel();
        channel.exchangeDeclare("dlx", "fanout");
        channel.queueDeclare("dead", false, false, false, null);
        channel.queueBind("dead", "dlx", "");
    }

    @AfterEach
    void stop() throws Exception
    {
        if (connection.isOpen())
        {
            connection.close();
        }
        node.close();
    }

    @Test
    void messagesPastTheQueuesTtlAreDeadLetteredWithXDeath() throws Exception
    {
        channel.queueDeclare("short", false, false, false, Map.of("x-message-ttl", 100, "x-dead-letter-exchange", "dlx"));
        for (int i = 0; i < 3; i++)
        {
            channel.basicPublish("", "short", null, bytes("t" + i));
        }
        Clients.await("three expired messages dead-lettered", WAIT_MS, () -> count("dead") == 3);
        assertEquals(0, count("short"));
        final GetResponse dead = channel.basicGet("dead", true);
        assertEquals("t0", text(dead));
        final Map<String, Object> death = death(dead);
        assertEquals("expired", death.get("reason").toString());
        assertEquals("short", death.get("queue").toString());
        assertEquals(1L, death.get("count"));
        assertEquals("expired", dead.getProps().getHeaders().get("x-first-death-reason").toString());
    }

    @Test
    void aMessagesOwnExpirationCounts() throws Exception
    {
        channel.queueDeclare("plain", false, false, false, Map.of("x-dead-letter-exchange", "dlx"));
        channel.basicPublish("", "plain", new AMQP.BasicProperties.Builder().expiration("0").build(), bytes("gone"));
        channel.basicPublish("", "plain", new AMQP.BasicProperties.Builder().expiration("600000").build(), bytes("kept"));
        assertEquals("kept", text(awaitGet("plain")));
        final GetResponse dead = awaitGet("dead");
        assertEquals("gone", text(dead));
        assertNull(dead.getProps().getExpiration(), "a dead letter loses its expiration");
        assertEquals("expired", death(dead).get("reason").toString());
    }

    @Test
    void aDelayQueueDeadLettersAMessageAtItsOwnExpirationWithoutAnyConsumer() throws Exception
    {
        channel.queueDeclare("delay", false, false, false, Map.of("x-dead-letter-exchange", "dlx"));
        channel.basicPublish("", "delay", new AMQP.BasicProperties.Builder().expiration("50").build(), bytes("later"));
        Clients.await("the message dead-lettered by the queue's own sweep", WAIT_MS, () -> count("dead") == 1);
        assertEquals(0, count("delay"));
        assertEquals("later", text(awaitGet("dead")));
    }

    @Test
    void anUnusedQueueExpiresAndOneInUseStays() throws Exception
    {
        channel.queueDeclare("unused", false, false, false, Map.of("x-expires", 300));
        channel.queueDeclare("used", false, false, false, Map.of("x-expires", 300));
        final Channel consumer = connection.createChannel();
        consumer.basicConsume("used", true, (tag, message) -> { }, tag -> { });
        // Watched through the admin API: a passive declaration is a use, and would restart the expiry.
        Clients.await("the unused queue deleted", WAIT_MS, () -> !listed("unused"));
        assertTrue(listed("used"), "a queue with a consumer does not expire");
    }

    @Test
    void aFullQueueDropsItsHeadByDefault() throws Exception
    {
        channel.queueDeclare("two", false, false, false, Map.of("x-max-length", 2, "x-dead-letter-exchange", "dlx"));
        for (int i = 0; i < 5; i++)
        {
            channel.basicPublish("", "two", null, bytes("n" + i));
        }
        Clients.await("three dropped from the head", WAIT_MS, () -> count("dead") == 3 && count("two") == 2);
        assertEquals(List.of("n3", "n4"), drain("two"));
        final GetResponse dropped = channel.basicGet("dead", true);
        assertEquals("n0", text(dropped));
        assertEquals("maxlen", death(dropped).get("reason").toString());

        channel.queueDeclare("ten-bytes", false, false, false, Map.of("x-max-length-bytes", 10));
        for (int i = 0; i < 3; i++)
        {
            channel.basicPublish("", "ten-bytes", null, bytes("abcd" + i));
        }
        Clients.await("the oldest dropped for bytes", WAIT_MS, () -> count("ten-bytes") == 2);
        assertEquals(List.of("abcd1", "abcd2"), drain("ten-bytes"));
    }

    @Test
    void aFullQueueWithRejectPublishNacksThePublisher() throws Exception
    {
        channel.queueDeclare("strict", false, false, false, Map.of("x-max-length", 2, "x-overflow", "reject-publish"));
        final Channel publisher = connection.createChannel();
        publisher.confirmSelect();
        final ConcurrentSkipListSet<Long> nacked = new ConcurrentSkipListSet<>();
        final ConcurrentSkipListSet<Long> acked = new ConcurrentSkipListSet<>();
        publisher.addConfirmListener((tag, multiple) ->
        {
            for (long settled = multiple ? 1 : tag; settled <= tag; settled++)
            {
                acked.add(settled);
            }
        }, (tag, multiple) -> nacked.add(tag));
        for (int i = 0; i < 2; i++)
        {
            publisher.basicPublish("", "strict", null, bytes("s" + i));
        }
        publisher.waitForConfirmsOrDie(WAIT_MS);
        Clients.await("two in the queue", WAIT_MS, () -> count("strict") == 2);
        publisher.basicPublish("", "strict", null, bytes("s2"));
        Clients.await("the third nacked", WAIT_MS, () -> nacked.contains(3L));
        assertEquals(new java.util.TreeSet<>(List.of(1L, 2L)), acked);
        assertEquals(List.of("s0", "s1"), drain("strict"));
    }

    @Test
    void aRejectedMessageIsDeadLetteredWithItsNewRoutingKey() throws Exception
    {
        channel.exchangeDeclare("dlx-direct", "direct");
        channel.queueDeclare("rejected", false, false, false, null);
        channel.queueBind("rejected", "dlx-direct", "bad");
        channel.queueDeclare("picky", false, false, false, Map.of("x-dead-letter-exchange", "dlx-direct",
            "x-dead-letter-routing-key", "bad"));
        channel.basicPublish("", "picky", null, bytes("no thanks"));
        final GetResponse got = awaitGet("picky", false);
        channel.basicReject(got.getEnvelope().getDeliveryTag(), false);
        final GetResponse dead = awaitGet("rejected");
        assertEquals("no thanks", text(dead));
        assertEquals("bad", dead.getEnvelope().getRoutingKey());
        assertEquals("rejected", death(dead).get("reason").toString());
        assertEquals("picky", death(dead).get("queue").toString());
    }

    @Test
    void aSingleActiveConsumerGetsEverythingUntilItGoes() throws Exception
    {
        channel.queueDeclare("single", false, false, false, Map.of("x-single-active-consumer", true));
        final List<String> first = Collections.synchronizedList(new ArrayList<>());
        final List<String> second = Collections.synchronizedList(new ArrayList<>());
        final Channel one = connection.createChannel();
        final Channel two = connection.createChannel();
        final String firstTag = one.basicConsume("single", true, (tag, message) -> first.add(text(message.getBody())),
            tag -> { });
        two.basicConsume("single", true, (tag, message) -> second.add(text(message.getBody())), tag -> { });
        for (int i = 0; i < 10; i++)
        {
            channel.basicPublish("", "single", null, bytes("a" + i));
        }
        Clients.await("ten to the active consumer", WAIT_MS, () -> first.size() == 10);
        assertTrue(second.isEmpty(), "the other consumer waits");
        one.basicCancel(firstTag);
        for (int i = 0; i < 5; i++)
        {
            channel.basicPublish("", "single", null, bytes("b" + i));
        }
        Clients.await("the next consumer takes over", WAIT_MS, () -> second.size() == 5);
        assertEquals(10, first.size());
    }

    @Test
    void invalidArgumentsAreRefusedAsRabbitMqRefusesThem() throws Exception
    {
        final AtomicBoolean refused = new AtomicBoolean();
        try
        {
            connection.createChannel().queueDeclare("bad-ttl", false, false, false, Map.of("x-message-ttl", -1));
        }
        catch (final IOException ex)
        {
            final AMQP.Channel.Close close = (AMQP.Channel.Close)((com.rabbitmq.client.ShutdownSignalException)ex
                .getCause()).getReason();
            assertEquals(406, close.getReplyCode());
            assertEquals("PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue 'bad-ttl' in vhost '/': must be " +
                "an integer of at least 0, got '-1'", close.getReplyText());
            refused.set(true);
        }
        assertTrue(refused.get());
        assertFalse(queueExists("bad-ttl"));
    }

    private boolean listed(final String queue)
    {
        try
        {
            return node.node().get("/v1/plugins/amqp/queues").body().contains("\"name\":\"" + queue + "\"");
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private boolean queueExists(final String queue)
    {
        try (Channel check = connection.createChannel())
        {
            check.queueDeclarePassive(queue);
            return true;
        }
        catch (final IOException | java.util.concurrent.TimeoutException ex)
        {
            return false;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> death(final GetResponse message)
    {
        final List<Object> deaths = (List<Object>)message.getProps().getHeaders().get("x-death");
        return (Map<String, Object>)deaths.get(0);
    }

    private int count(final String queue)
    {
        try (Channel check = connection.createChannel())
        {
            return check.queueDeclarePassive(queue).getMessageCount();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private GetResponse awaitGet(final String queue) throws InterruptedException
    {
        return awaitGet(queue, true);
    }

    private GetResponse awaitGet(final String queue, final boolean autoAck) throws InterruptedException
    {
        final GetResponse[] got = new GetResponse[1];
        Clients.await("a message in " + queue, WAIT_MS, () ->
        {
            try
            {
                got[0] = channel.basicGet(queue, autoAck);
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
            return got[0] != null;
        });
        return got[0];
    }

    private List<String> drain(final String queue) throws IOException
    {
        final List<String> bodies = new ArrayList<>();
        GetResponse got;
        while ((got = channel.basicGet(queue, true)) != null)
        {
            bodies.add(text(got));
        }
        return bodies;
    }

    private static String text(final GetResponse response)
    {
        return text(response.getBody());
    }

    private static String text(final byte[] body)
    {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
