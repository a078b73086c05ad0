package io.robustmq.plugin.mqtt;

import io.robustmq.kernel.support.Clients;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Back-pressure: a publisher faster than its subscriber is slowed down to the subscriber's pace
 * instead of overflowing the subscriber's queue, so a connected subscriber loses nothing; and a
 * subscriber that is away does not slow publishers down (its queue takes what fits, the rest is
 * dropped, as documented).
 */
class FlowControlTest
{
    private static final int MESSAGES = 2_000;

    @TempDir
    Path temp;

    @Test
    void aFastPublisherIsSlowedToItsSlowSubscribersPaceAndNothingIsLost() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, """
            [plugins.mqtt]
            max_queued_messages = 100
            max_inflight = 10
            publisher_pause_max_ms = 10000
            """))
        {
            final AtomicInteger received = new AtomicInteger();
            final MqttClient subscriber = new MqttClient(node.tcpUri(), "slow-subscriber", new MemoryPersistence());
            subscriber.setCallback(new ArrivalCallback(message ->
            {
                // A slow consumer: 0.5 ms a message, well below what the publisher sends.
                LockSupport.parkNanos(500_000);
                received.incrementAndGet();
            }));
            final MqttConnectOptions options = new MqttConnectOptions();
            options.setCleanSession(true);
            subscriber.connect(options);
            subscriber.subscribe("flow/#", 1);

            final MqttAsyncClient publisher = new MqttAsyncClient(node.tcpUri(), "fast-publisher", new MemoryPersistence());
            final MqttConnectOptions publisherOptions = new MqttConnectOptions();
            publisherOptions.setMaxInflight(1000);
            publisher.connect(publisherOptions).waitForCompletion(10_000);
            final Semaphore window = new Semaphore(1000);
            for (int i = 0; i < MESSAGES; i++)
            {
                assertTrue(window.tryAcquire(30, TimeUnit.SECONDS), "the publisher's window opens again");
                publisher.publish("flow/" + (i % 3), ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false, null,
                    new org.eclipse.paho.client.mqttv3.IMqttActionListener()
                    {
                        @Override
                        public void onSuccess(final org.eclipse.paho.client.mqttv3.IMqttToken token)
                        {
                            window.release();
                        }

                        @Override
                        public void onFailure(final org.eclipse.paho.client.mqttv3.IMqttToken token, final Throwable ex)
                        {
                            window.release();
                        }
                    });
            }
            Clients.await("every message delivered to the slow subscriber", 60_000, () -> received.get() >= MESSAGES);
            assertEquals(MESSAGES, received.get());
            final String metrics = node.node().get("/metrics").body();
            assertTrue(metrics.matches("(?s).*robustmq_mqtt_messages_dropped_total\\{[^}]*} 0\\.0.*"), "nothing dropped:\n" +
                metrics.lines().filter(line -> line.startsWith("robustmq_mqtt_messages_dropped")).toList());
            publisher.disconnect().waitForCompletion(10_000);
            publisher.close();
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void aSubscriberThatIsAwayDoesNotSlowPublishersDown() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, """
            [plugins.mqtt]
            max_queued_messages = 50
            """))
        {
            final MqttConnectOptions persistent = new MqttConnectOptions();
            persistent.setCleanSession(false);
            final MqttClient away = new MqttClient(node.tcpUri(), "away", new MemoryPersistence());
            away.connect(persistent);
            away.subscribe("away/#", 1);
            away.disconnect();
            away.close();

            final MqttClient publisher = new MqttClient(node.tcpUri(), "steady-publisher", new MemoryPersistence());
            publisher.connect();
            publisher.setTimeToWait(5_000);
            for (int i = 0; i < 200; i++)
            {
                // Synchronous: each returns on its PUBACK, which a paused publisher would not get in time.
                publisher.publish("away/x", ("m" + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            final String metrics = node.node().get("/metrics").body();
            assertTrue(metrics.matches("(?s).*robustmq_mqtt_messages_dropped_total\\{[^}]*} 150\\.0.*"),
                "the queue kept 50, dropped 150:\n" +
                metrics.lines().filter(line -> line.startsWith("robustmq_mqtt_messages_dropped")).toList());
            publisher.disconnect();
            publisher.close();
        }
    }
}
