package io.robustmq.plugin.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Priority queues ({@code x-max-priority}) with RabbitMQ's Java client: the highest priority is
 * delivered first, publish order kept within a priority, a priority above the maximum counts as the
 * maximum, a requeued message keeps its place, acknowledgements and a restart keep every level's
 * place, and deleting the queue deletes every level's topic.
 */
class PriorityQueueTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theHighestPriorityGoesFirstAndEachLevelKeepsItsPlaceAcrossARestart() throws Exception
    {
        try (AmqpNode node = AmqpNode.start(dir, ""); Connection connection = node.factory().newConnection())
        {
            final Channel channel = connection.createChannel();
            channel.queueDeclare("jobs", true, false, false, Map.of("x-max-priority", 10));
            channel.confirmSelect();
            publish(channel, "jobs", "none", null);
            publish(channel, "jobs", "p5-first", 5);
            publish(channel, "jobs", "p10", 10);
            publish(channel, "jobs", "p3", 3);
            publish(channel, "jobs", "p200", 200);
            publish(channel, "jobs", "p5-second", 5);
            publish(channel, "jobs", "p0", 0);
            channel.waitForConfirmsOrDie(10_000);
            assertEquals(7, channel.queueDeclarePassive("jobs").getMessageCount());

            final GetResponse first = channel.basicGet("jobs", false);
            assertEquals("p10", text(first));
            assertEquals(10, first.getProps().getPriority(), "the message's properties as published");
            channel.basicNack(first.getEnvelope().getDeliveryTag(), false, true);
            final GetResponse again = channel.basicGet("jobs", true);
            assertEquals("p10", text(again), "a requeued message keeps its priority's place");
            assertTrue(again.getEnvelope().isRedeliver());
            assertEquals("p200", text(channel.basicGet("jobs", true)), "above x-max-priority counts as the maximum");
            final GetResponse held = channel.basicGet("jobs", false);
            assertEquals("p5-first", text(held), "publish order within a priority");
            channel.basicAck(channel.basicGet("jobs", false).getEnvelope().getDeliveryTag(), false);
            assertEquals(3, channel.queueDeclarePassive("jobs").getMessageCount());
            // p5-first delivered and not acknowledged when the node stops: it is redelivered after.
        }
        try (AmqpNode node = AmqpNode.start(dir, ""); Connection connection = node.factory().newConnection())
        {
            final Channel channel = connection.createChannel();
            assertEquals(List.of("p5-first", "p3", "none", "p0"), drain(channel, "jobs"));
        }
    }

    @Test
    void aConsumerGetsTheHighestPriorityReadyAndPurgeEmptiesEveryLevel() throws Exception
    {
        try (AmqpNode node = AmqpNode.start(dir, ""); Connection connection = node.factory().newConnection())
        {
            final Channel channel = connection.createChannel();
            channel.queueDeclare("work", false, false, false, Map.of("x-max-priority", 3));
            channel.confirmSelect();
            for (int i = 0; i < 20; i++)
            {
                publish(channel, "work", "low" + i, 1);
            }
            publish(channel, "work", "urgent", 3);
            channel.waitForConfirmsOrDie(10_000);
            final List<String> received = new ArrayList<>();
            channel.basicQos(1);
            final java.util.concurrent.CountDownLatch three = new java.util.concurrent.CountDownLatch(3);
            final String tag = channel.basicConsume("work", false, (consumerTag, delivery) ->
            {
                synchronized (received)
                {
                    received.add(text(delivery.getBody()));
                }
                channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false);
                three.countDown();
            }, consumerTag -> { });
            assertTrue(three.await(10, java.util.concurrent.TimeUnit.SECONDS));
            channel.basicCancel(tag);
            synchronized (received)
            {
                assertEquals("urgent", received.get(0));
                assertEquals("low0", received.get(1));
            }
            final int left = channel.queueDeclarePassive("work").getMessageCount();
            publish(channel, "work", "urgent-2", 2);
            channel.waitForConfirmsOrDie(10_000);
            assertEquals(left + 1, channel.queuePurge("work").getMessageCount(), "purge counts every level");
            assertNull(channel.basicGet("work", true));
        }
    }

    @Test
    void xMaxPriorityIsCheckedAndDeletingTheQueueDeletesEveryLevel() throws Exception
    {
        try (AmqpNode node = AmqpNode.start(dir, ""); Connection connection = node.factory().newConnection())
        {
            final IOException refused = assertThrows(IOException.class, () -> connection.createChannel()
                .queueDeclare("too-many", true, false, false, Map.of("x-max-priority", 256)));
            final AMQP.Channel.Close close = (AMQP.Channel.Close)assertInstanceOf(ShutdownSignalException.class,
                refused.getCause()).getReason();
            assertEquals(406, close.getReplyCode());
            assertEquals("PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue 'too-many' in vhost '/': " +
                "must be an integer from 1 to 255, got '256'", close.getReplyText());

            final Channel channel = connection.createChannel();
            channel.queueDeclare("levels", true, false, false, Map.of("x-max-priority", 4));
            assertEquals(5, queueTopics(node), "one topic for each level, 0 to 4");
            channel.queueDelete("levels");
            assertEquals(0, queueTopics(node));
        }
    }

    private static long queueTopics(final AmqpNode node) throws Exception
    {
        final HttpResponse<String> topics = HTTP.send(HttpRequest.newBuilder(URI.create(node.node().adminUrl() +
            "/v1/topics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, topics.statusCode(), topics.body());
        return topics.body().split("\"amqp\\.q\\.", -1).length - 1;
    }

    private static void publish(final Channel channel, final String queue, final String body, final Integer priority)
        throws IOException
    {
        channel.basicPublish("", queue, new AMQP.BasicProperties.Builder().deliveryMode(2).priority(priority).build(),
            body.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> drain(final Channel channel, final String queue) throws IOException
    {
        final List<String> bodies = new ArrayList<>();
        GetResponse got;
        while ((got = channel.basicGet(queue, true)) != null)
        {
            bodies.add(text(got));
        }
        assertFalse(bodies.isEmpty());
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
}
