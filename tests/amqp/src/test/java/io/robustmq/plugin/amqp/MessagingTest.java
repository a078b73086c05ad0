package io.robustmq.plugin.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import com.rabbitmq.client.ShutdownSignalException;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages through exchanges into queues and out to consumers, with RabbitMQ's Java client: routing
 * of every exchange type, properties kept, returns, publisher confirms, prefetch, acknowledgements,
 * requeues and redelivery, basic.get, large bodies, and persistence across a restart.
 */
class MessagingTest
{
    private static final long WAIT_S = 10;

    @TempDir
    Path dir;
    AmqpNode node;
    Connection connection;

    @BeforeEach
    void start() throws Exception
    {
        node = AmqpNode.start(dir, """
            [plugins.amqp]
            max_message_bytes = 4194304
            """);
        connection = node.factory().newConnection();
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
    void aConsumerThatJoinsWhileMessagesAreReadyIsGivenThem() throws Exception
    {
        final Channel publisher = connection.createChannel();
        publisher.queueDeclare("ready", true, false, false, null);
        publisher.confirmSelect();
        for (int i = 0; i < 20; i++)
        {
            publisher.basicPublish("", "ready", MessageProperties.PERSISTENT_BASIC, ("m" + i).getBytes(StandardCharsets.UTF_8));
        }
        publisher.waitForConfirmsOrDie(10_000);
        // Each consumer joins a queue with messages ready at once: the queue must not deliver before
        // its consume-ok, nor drop the consumer for a delivery that raced it (it then starved).
        for (int round = 0; round < 60; round++)
        {
            try (Connection other = node.factory().newConnection())
            {
                final Channel channel = other.createChannel();
                channel.basicQos(10);
                final BlockingQueue<Long> tags = new LinkedBlockingQueue<>();
                channel.basicConsume("ready", false, (consumerTag, delivery) ->
                    tags.add(delivery.getEnvelope().getDeliveryTag()), consumerTag -> { });
                assertNotNull(tags.poll(10, TimeUnit.SECONDS), "round " + round + ": a delivery");
                // Close with deliveries unacknowledged: they are ready again for the next round.
            }
        }
        assertEquals(20, publisher.queueDeclarePassive("ready").getMessageCount());
    }

    @Test
    void aMessageKeepsItsBodyAndPropertiesThroughTheDefaultExchange() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("plain", true, false, false, null);
        final AMQP.BasicProperties properties = new AMQP.BasicProperties.Builder()
            .contentType("text/plain").contentEncoding("utf-8").deliveryMode(2).priority(3)
            .correlationId("c-1").replyTo("answers").messageId("m-1").type("greeting").appId("test")
            .headers(Map.of("k", "v", "n", 42)).build();
        channel.basicPublish("", "plain", properties, "hello".getBytes(StandardCharsets.UTF_8));

        final GetResponse got = awaitGet(channel, "plain", false);
        assertEquals("hello", new String(got.getBody(), StandardCharsets.UTF_8));
        assertEquals("text/plain", got.getProps().getContentType());
        assertEquals("utf-8", got.getProps().getContentEncoding());
        assertEquals(2, got.getProps().getDeliveryMode());
        assertEquals(3, got.getProps().getPriority());
        assertEquals("c-1", got.getProps().getCorrelationId());
        assertEquals("answers", got.getProps().getReplyTo());
        assertEquals("m-1", got.getProps().getMessageId());
        assertEquals("greeting", got.getProps().getType());
        assertEquals("test", got.getProps().getAppId());
        assertEquals("v", got.getProps().getHeaders().get("k").toString());
        assertEquals(42, got.getProps().getHeaders().get("n"));
        assertEquals("", got.getEnvelope().getExchange());
        assertEquals("plain", got.getEnvelope().getRoutingKey());
        assertFalse(got.getEnvelope().isRedeliver());
        assertEquals(0, got.getMessageCount());
        channel.basicAck(got.getEnvelope().getDeliveryTag(), false);
        assertNull(channel.basicGet("plain", false), "nothing left: basic.get-empty");

        Clients.await("the queue's meters", WAIT_S * 1000, () ->
        {
            final String metrics = metrics();
            return metrics.contains("robustmq_amqp_queue_published_total{node=\"1\",queue=\"plain\"} 1.0") &&
                metrics.contains("robustmq_amqp_queue_delivered_total{node=\"1\",queue=\"plain\"} 1.0") &&
                metrics.contains("robustmq_amqp_queue_acknowledged_total{node=\"1\",queue=\"plain\"} 1.0") &&
                metrics.contains("robustmq_amqp_queue_messages_ready{node=\"1\",queue=\"plain\"} 0.0") &&
                metrics.contains("robustmq_amqp_queue_messages_unacknowledged{node=\"1\",queue=\"plain\"} 0.0");
        });
    }

    @Test
    void everyExchangeTypeRoutesAsRabbitMqDoes() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.exchangeDeclare("d", "direct");
        channel.exchangeDeclare("f", "fanout");
        channel.exchangeDeclare("t", "topic");
        channel.exchangeDeclare("h", "headers");
        channel.exchangeDeclare("chained", "fanout");
        channel.exchangeDeclare("spare", "fanout");
        channel.exchangeDeclare("with-spare", "direct", false, false, Map.of("alternate-exchange", "spare"));
        for (final String queue : new String[] {"q1", "q2", "q3", "q4"})
        {
            channel.queueDeclare(queue, false, false, false, null);
        }
        channel.queueBind("q1", "d", "red");
        channel.queueBind("q2", "f", "");
        channel.queueBind("q3", "f", "");
        channel.queueBind("q1", "t", "*.error");
        channel.queueBind("q4", "t", "app.#");
        channel.queueBind("q3", "h", "", Map.of("x-match", "any", "format", "pdf", "type", "report"));
        channel.exchangeBind("chained", "d", "blue");
        channel.queueBind("q4", "chained", "");
        channel.queueBind("q2", "spare", "");

        channel.basicPublish("d", "red", null, bytes("direct"));
        channel.basicPublish("d", "green", null, bytes("nowhere"));
        channel.basicPublish("f", "anything", null, bytes("fanout"));
        channel.basicPublish("t", "db.error", null, bytes("topic-star"));
        channel.basicPublish("t", "app.web.error", null, bytes("topic-hash"));
        channel.basicPublish("h", "", new AMQP.BasicProperties.Builder().headers(Map.of("format", "pdf")).build(),
            bytes("headers"));
        channel.basicPublish("d", "blue", null, bytes("exchange-to-exchange"));
        channel.basicPublish("with-spare", "unbound", null, bytes("alternate"));

        assertEquals(List.of("direct", "topic-star"), drain(channel, "q1"));
        assertEquals(List.of("fanout", "alternate"), drain(channel, "q2"));
        assertEquals(List.of("fanout", "headers"), drain(channel, "q3"));
        assertEquals(List.of("topic-hash", "exchange-to-exchange"), drain(channel, "q4"));
    }

    @Test
    void aMandatoryMessageNoQueueTakesIsReturnedAndConfirmed() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.confirmSelect();
        final BlockingQueue<String> returned = new LinkedBlockingQueue<>();
        channel.addReturnListener(back -> returned.add(back.getReplyCode() + " " + back.getReplyText() + " " +
            back.getExchange() + " " + back.getRoutingKey() + " " + new String(back.getBody(), StandardCharsets.UTF_8)));
        channel.basicPublish("amq.direct", "nobody", true, null, bytes("lost"));
        assertTrue(channel.waitForConfirms(WAIT_S * 1000));
        assertEquals("312 NO_ROUTE amq.direct nobody lost", returned.poll(WAIT_S, TimeUnit.SECONDS));
    }

    @Test
    void confirmsComeOnceMessagesAreStored() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("confirmed", true, false, false, null);
        channel.queueDeclare("confirmed-too", true, false, false, null);
        channel.exchangeDeclare("both", "fanout", true);
        channel.queueBind("confirmed", "both", "");
        channel.queueBind("confirmed-too", "both", "");
        channel.confirmSelect();
        for (int i = 0; i < 1000; i++)
        {
            channel.basicPublish("both", "", MessageProperties.PERSISTENT_BASIC, bytes("m" + i));
        }
        channel.waitForConfirmsOrDie(WAIT_S * 1000);
        assertEquals(1000, channel.queueDeclarePassive("confirmed").getMessageCount());
        assertEquals(1000, channel.queueDeclarePassive("confirmed-too").getMessageCount());
    }

    @Test
    void consumersGetMessagesInOrderWithinTheirPrefetch() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("work", false, false, false, null);
        for (int i = 0; i < 30; i++)
        {
            channel.basicPublish("", "work", null, bytes("w" + i));
        }
        final Channel consumerChannel = connection.createChannel();
        consumerChannel.basicQos(10);
        final List<Envelope> delivered = Collections.synchronizedList(new ArrayList<>());
        final List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        final java.util.concurrent.atomic.AtomicBoolean ackAtOnce = new java.util.concurrent.atomic.AtomicBoolean();
        consumerChannel.basicConsume("work", false, new DefaultConsumer(consumerChannel)
        {
            @Override
            public void handleDelivery(final String tag, final Envelope envelope, final AMQP.BasicProperties properties,
                final byte[] body) throws IOException
            {
                bodies.add(new String(body, StandardCharsets.UTF_8));
                delivered.add(envelope);
                if (ackAtOnce.get())
                {
                    getChannel().basicAck(envelope.getDeliveryTag(), false);
                }
            }
        });
        Clients.await("ten deliveries", WAIT_S * 1000, () -> delivered.size() == 10);
        // Nothing to wait for but time: a consumer at its prefetch gets no more, however long.
        final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        while (System.nanoTime() < until)
        {
            assertEquals(10, delivered.size(), "no more than the prefetch");
            Thread.sleep(10);
        }
        ackAtOnce.set(true);
        consumerChannel.basicAck(delivered.get(9).getDeliveryTag(), true);
        Clients.await("the other twenty, as acknowledgements make room", WAIT_S * 1000, () -> bodies.size() == 30);
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i++)
        {
            expected.add("w" + i);
        }
        assertEquals(expected, bodies);
        Clients.await("the queue empty", WAIT_S * 1000, () -> messageCount("work") == 0);
    }

    @Test
    void rejectedAndNackedMessagesAreRequeuedOrDropped() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("picky", false, false, false, null);
        channel.basicPublish("", "picky", null, bytes("a"));
        channel.basicPublish("", "picky", null, bytes("b"));

        final GetResponse a = awaitGet(channel, "picky", false);
        channel.basicNack(a.getEnvelope().getDeliveryTag(), false, true);
        final GetResponse again = awaitGet(channel, "picky", false);
        assertEquals("a", new String(again.getBody(), StandardCharsets.UTF_8));
        assertTrue(again.getEnvelope().isRedeliver());
        channel.basicReject(again.getEnvelope().getDeliveryTag(), false);

        final GetResponse b = awaitGet(channel, "picky", false);
        assertEquals("b", new String(b.getBody(), StandardCharsets.UTF_8));
        channel.basicAck(b.getEnvelope().getDeliveryTag(), false);
        assertNull(channel.basicGet("picky", false));

        final IOException unknown = assertThrows(IOException.class, () ->
        {
            channel.basicAck(99, false);
            channel.queueDeclarePassive("picky");
        });
        final AMQP.Channel.Close close = (AMQP.Channel.Close)assertInstanceOf(ShutdownSignalException.class,
            unknown.getCause()).getReason();
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - unknown delivery tag 99", close.getReplyText());
    }

    @Test
    void unacknowledgedDeliveriesComeBackWhenTheirChannelCloses() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("again", false, false, false, null);
        channel.basicPublish("", "again", null, bytes("once"));
        final Channel first = connection.createChannel();
        final CountDownLatch seen = new CountDownLatch(1);
        first.basicConsume("again", false, (tag, message) -> seen.countDown(), tag -> { });
        assertTrue(seen.await(WAIT_S, TimeUnit.SECONDS));
        first.close();

        final GetResponse redelivered = awaitGet(channel, "again", true);
        assertEquals("once", new String(redelivered.getBody(), StandardCharsets.UTF_8));
        assertTrue(redelivered.getEnvelope().isRedeliver());
    }

    @Test
    void cancellingANoAckConsumerLosesNothingOnItsWay() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("stream", false, false, false, null);
        channel.confirmSelect();
        for (int i = 0; i < 5000; i++)
        {
            channel.basicPublish("", "stream", null, bytes("s" + i));
        }
        channel.waitForConfirmsOrDie(WAIT_S * 1000);
        final Channel consumerChannel = connection.createChannel();
        final java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
        final CountDownLatch cancelOk = new CountDownLatch(1);
        final String tag = consumerChannel.basicConsume("stream", true, new DefaultConsumer(consumerChannel)
        {
            @Override
            public void handleDelivery(final String consumerTag, final Envelope envelope,
                final AMQP.BasicProperties properties, final byte[] body)
            {
                received.incrementAndGet();
            }

            @Override
            public void handleCancelOk(final String consumerTag)
            {
                cancelOk.countDown();
            }
        });
        Clients.await("deliveries under way", WAIT_S * 1000, () -> received.get() >= 100);
        consumerChannel.basicCancel(tag);
        // The client hands deliveries to the consumer on a thread of its own: cancel-ok comes after every
        // delivery the server sent before it.
        assertTrue(cancelOk.await(WAIT_S, TimeUnit.SECONDS));
        final int delivered = received.get();
        // Every message is either delivered (and acknowledged, no-ack) or still in the queue.
        assertEquals(5000, delivered + channel.queueDeclarePassive("stream").getMessageCount(),
            "delivered " + delivered);
    }

    @Test
    void aConsumerIsToldWhenItsQueueIsDeleted() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("doomed", false, false, false, null);
        final CountDownLatch cancelled = new CountDownLatch(1);
        final CancelCallback onCancel = tag -> cancelled.countDown();
        channel.basicConsume("doomed", true, (tag, message) -> { }, onCancel);
        assertEquals(1, channel.queueDeclarePassive("doomed").getConsumerCount());
        connection.createChannel().queueDelete("doomed");
        assertTrue(cancelled.await(WAIT_S, TimeUnit.SECONDS), "basic.cancel from the server");
    }

    @Test
    void anExclusiveConsumerHasTheQueueToItself() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("solo", false, false, false, null);
        channel.basicConsume("solo", true, "only", false, true, null, (tag, message) -> { }, tag -> { });
        final Channel other = connection.createChannel();
        final IOException refused = assertThrows(IOException.class,
            () -> other.basicConsume("solo", true, (tag, message) -> { }, tag -> { }));
        final AMQP.Channel.Close close = (AMQP.Channel.Close)assertInstanceOf(ShutdownSignalException.class,
            refused.getCause()).getReason();
        assertEquals(403, close.getReplyCode());
        assertEquals("ACCESS_REFUSED - queue 'solo' in vhost '/' in exclusive use", close.getReplyText());
    }

    @Test
    void largeBodiesCrossManyFramesAndOversizedOnesAreRefused() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("big", false, false, false, null);
        final byte[] body = new byte[1024 * 1024 + 17];
        for (int i = 0; i < body.length; i++)
        {
            body[i] = (byte)(i * 31);
        }
        channel.basicPublish("", "big", null, body);
        assertArrayEquals(body, awaitGet(channel, "big", true).getBody());

        final Channel tooBig = connection.createChannel();
        try
        {
            tooBig.basicPublish("", "big", null, new byte[4 * 1024 * 1024 + 1]);
            tooBig.queueDeclarePassive("big");
        }
        catch (final IOException | ShutdownSignalException ex)
        {
            // The channel's close, seen by the call that was under way.
        }
        Clients.await("the channel closed", WAIT_S * 1000, () -> !tooBig.isOpen());
        final AMQP.Channel.Close close = (AMQP.Channel.Close)tooBig.getCloseReason().getReason();
        assertEquals(406, close.getReplyCode());
        assertEquals("PRECONDITION_FAILED - message size 4194305 is larger than configured max size 4194304",
            close.getReplyText());
        assertTrue(channel.isOpen());
    }

    @Test
    void confirmedMessagesAndUnacknowledgedDeliveriesOutliveARestart() throws Exception
    {
        final Channel channel = connection.createChannel();
        channel.queueDeclare("kept", true, false, false, null);
        channel.confirmSelect();
        for (int i = 0; i < 5; i++)
        {
            channel.basicPublish("", "kept", MessageProperties.PERSISTENT_TEXT_PLAIN, bytes("k" + i));
        }
        channel.waitForConfirmsOrDie(WAIT_S * 1000);
        final GetResponse first = awaitGet(channel, "kept", false);
        assertEquals("k0", new String(first.getBody(), StandardCharsets.UTF_8));
        final GetResponse second = awaitGet(channel, "kept", false);
        channel.basicAck(second.getEnvelope().getDeliveryTag(), false);
        connection.close();
        node.close();

        node = AmqpNode.start(dir, "");
        connection = node.factory().newConnection();
        final Channel after = connection.createChannel();
        final GetResponse redelivered = awaitGet(after, "kept", false);
        assertEquals("k0", new String(redelivered.getBody(), StandardCharsets.UTF_8), "delivered, never acknowledged");
        assertTrue(redelivered.getEnvelope().isRedeliver());
        final List<String> rest = new ArrayList<>();
        GetResponse next;
        while ((next = after.basicGet("kept", true)) != null)
        {
            rest.add(new String(next.getBody(), StandardCharsets.UTF_8));
        }
        assertEquals(List.of("k2", "k3", "k4"), rest);
    }

    private String metrics()
    {
        try
        {
            return node.node().get("/metrics").body();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private int messageCount(final String queue)
    {
        try (Channel channel = connection.createChannel())
        {
            return channel.queueDeclarePassive(queue).getMessageCount();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static GetResponse awaitGet(final Channel channel, final String queue, final boolean autoAck)
        throws InterruptedException
    {
        final AtomicReference<GetResponse> got = new AtomicReference<>();
        Clients.await("a message in " + queue, WAIT_S * 1000, () ->
        {
            try
            {
                got.set(channel.basicGet(queue, autoAck));
            }
            catch (final IOException ex)
            {
                throw new IllegalStateException(ex);
            }
            return got.get() != null;
        });
        assertNotNull(got.get());
        return got.get();
    }

    private static List<String> drain(final Channel channel, final String queue) throws IOException
    {
        final List<String> bodies = new ArrayList<>();
        final long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
        GetResponse got;
        while ((got = channel.basicGet(queue, true)) != null || bodies.isEmpty() && System.nanoTime() < until)
        {
            if (got != null)
            {
                bodies.add(new String(got.getBody(), StandardCharsets.UTF_8));
            }
        }
        return bodies;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
