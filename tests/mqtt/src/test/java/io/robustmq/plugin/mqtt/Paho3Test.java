package io.robustmq.plugin.mqtt;

import org.eclipse.paho.client.mqttv3.IMqttMessageListener;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 3.1.1 (and 3.1) with the Eclipse Paho v3 client, over TCP and WebSocket, against a node
 * started for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Paho3Test
{
    @TempDir
    static Path temp;
    private MqttNode node;

    @BeforeAll
    void start() throws Exception
    {
        node = MqttNode.start(temp, "");
    }

    @AfterAll
    void stop()
    {
        node.close();
    }

    private MqttClient client(final String uri, final String id, final boolean clean) throws MqttException
    {
        final MqttClient client = new MqttClient(uri, id, new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(10);
        client.connect(options);
        return client;
    }

    private static String text(final MqttMessage message)
    {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    private static MqttMessage next(final BlockingQueue<MqttMessage> received) throws InterruptedException
    {
        final MqttMessage message = received.poll(10, TimeUnit.SECONDS);
        assertTrue(message != null, "a message within 10 s");
        return message;
    }

    @Test
    void publishesAtEveryQosToWildcardSubscribersOverTcpAndWebSocket() throws Exception
    {
        final BlockingQueue<MqttMessage> tcp = new LinkedBlockingQueue<>();
        final BlockingQueue<MqttMessage> ws = new LinkedBlockingQueue<>();
        final MqttClient plus = client(node.tcpUri(), "v3-plus", true);
        final MqttClient hash = client(node.wsUri(), "v3-hash", true);
        final MqttClient publisher = client(node.tcpUri(), "v3-pub", true);
        try
        {
            plus.subscribe("sensors/+/temp", 2, (topic, message) -> tcp.add(message));
            hash.subscribe("sensors/#", 1, (topic, message) -> ws.add(message));
            for (int qos = 0; qos <= 2; qos++)
            {
                publisher.publish("sensors/" + qos + "/temp", ("t" + qos).getBytes(StandardCharsets.UTF_8), qos, false);
            }
            publisher.publish("sensors/1/humidity", "h".getBytes(StandardCharsets.UTF_8), 1, false);
            publisher.publish("other", "o".getBytes(StandardCharsets.UTF_8), 1, false);

            final List<String> viaTcp = new ArrayList<>();
            final List<Integer> qosTcp = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final MqttMessage message = next(tcp);
                viaTcp.add(text(message));
                qosTcp.add(message.getQos());
            }
            assertEquals(List.of("t0", "t1", "t2"), viaTcp, "in publish order");
            assertEquals(List.of(0, 1, 2), qosTcp, "QoS as published, within the grant of 2");

            final List<String> viaWs = new ArrayList<>();
            final List<Integer> qosWs = new ArrayList<>();
            for (int i = 0; i < 4; i++)
            {
                final MqttMessage message = next(ws);
                viaWs.add(text(message));
                qosWs.add(message.getQos());
            }
            assertEquals(List.of("t0", "t1", "t2", "h"), viaWs);
            assertEquals(List.of(0, 1, 1, 1), qosWs, "QoS 2 downgraded to the granted 1");
            assertNull(tcp.poll(200, TimeUnit.MILLISECONDS), "nothing else matched sensors/+/temp");
        }
        finally
        {
            disconnect(plus, hash, publisher);
        }
    }

    @Test
    void retainedMessagesAreSetReplacedClearedAndSentOnSubscribe() throws Exception
    {
        final MqttClient publisher = client(node.tcpUri(), "v3-retainer", true);
        publisher.publish("retained/a", "first".getBytes(StandardCharsets.UTF_8), 1, true);
        publisher.publish("retained/a", "second".getBytes(StandardCharsets.UTF_8), 1, true);
        publisher.publish("retained/b", "b".getBytes(StandardCharsets.UTF_8), 1, true);
        publisher.publish("retained/b", new byte[0], 1, true);

        final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        final MqttClient subscriber = client(node.tcpUri(), "v3-retained-sub", true);
        subscriber.subscribe("retained/#", 1, (topic, message) -> received.add(message));
        final MqttMessage message = next(received);
        assertEquals("second", text(message));
        assertTrue(message.isRetained());
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "retained/b was cleared");

        publisher.publish("retained/a", "live".getBytes(StandardCharsets.UTF_8), 1, true);
        final MqttMessage live = next(received);
        assertEquals("live", text(live));
        assertFalse(live.isRetained(), "a live delivery of 3.1.1 has RETAIN cleared");
        disconnect(subscriber, publisher);
    }

    @Test
    void aPersistentSessionKeepsItsSubscriptionsAndQueuesQos1WhileAway() throws Exception
    {
        final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        final MqttClient subscriber = client(node.tcpUri(), "v3-durable", false);
        subscriber.subscribe("jobs", 1, (topic, message) -> received.add(message));
        subscriber.disconnect();
        subscriber.close();

        final MqttClient publisher = client(node.tcpUri(), "v3-jobs-pub", true);
        for (int i = 0; i < 5; i++)
        {
            publisher.publish("jobs", ("job-" + i).getBytes(StandardCharsets.UTF_8), 1, false);
        }
        publisher.publish("jobs", "qos0-dropped".getBytes(StandardCharsets.UTF_8), 0, false);

        final MqttClient back = new MqttClient(node.tcpUri(), "v3-durable", new MemoryPersistence());
        back.setCallback(new ArrivalCallback(received::add));
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        back.connect(options);
        final List<String> got = new ArrayList<>();
        for (int i = 0; i < 5; i++)
        {
            got.add(text(next(received)));
        }
        assertEquals(List.of("job-0", "job-1", "job-2", "job-3", "job-4"), got);
        assertNull(received.poll(300, TimeUnit.MILLISECONDS), "QoS 0 is not queued for an absent client");
        disconnect(back, publisher);
    }

    @Test
    void aWillIsPublishedWhenAClientVanishesButNotAfterDisconnect() throws Exception
    {
        final BlockingQueue<MqttMessage> wills = new LinkedBlockingQueue<>();
        final MqttClient watcher = client(node.tcpUri(), "v3-watcher", true);
        watcher.subscribe("wills/#", 1, (topic, message) -> wills.add(message));

        final MqttClient polite = new MqttClient(node.tcpUri(), "v3-polite", new MemoryPersistence());
        final MqttConnectOptions politeOptions = new MqttConnectOptions();
        politeOptions.setWill("wills/polite", "gone".getBytes(StandardCharsets.UTF_8), 1, false);
        polite.connect(politeOptions);
        polite.disconnect();
        polite.close();

        final java.net.Socket raw = new java.net.Socket("127.0.0.1", node.tcpPort());
        raw.getOutputStream().write(RawMqtt.connect311("v3-vanishing", "wills/vanishing", "lost"));
        raw.getOutputStream().flush();
        assertEquals(0, RawMqtt.readConnAckCode(raw.getInputStream()));
        raw.close();

        final MqttMessage will = next(wills);
        assertEquals("lost", text(will));
        assertNull(wills.poll(300, TimeUnit.MILLISECONDS), "no will after a DISCONNECT");
        disconnect(watcher);
    }

    @Test
    void aSecondConnectionWithTheSameIdTakesTheSessionOver() throws Exception
    {
        final MqttClient first = client(node.tcpUri(), "v3-twin", true);
        final MqttClient second = client(node.tcpUri(), "v3-twin", true);
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (first.isConnected() && System.nanoTime() < deadline)
        {
            Thread.sleep(10);
        }
        assertFalse(first.isConnected(), "the first connection was closed");
        assertTrue(second.isConnected());
        disconnect(second);
        first.close();
    }

    @Test
    void refusesWhatTheSpecificationRefuses() throws Exception
    {
        assertThrows(MqttException.class, () -> client(node.tcpUri(), "", false),
            "an empty client id needs a clean session");
        final MqttClient anonymousClean = client(node.tcpUri(), "", true);
        assertTrue(anonymousClean.isConnected(), "an empty id with a clean session is assigned one");
        disconnect(anonymousClean);
    }

    private static void disconnect(final MqttClient... clients)
    {
        for (final MqttClient client : clients)
        {
            try
            {
                if (client.isConnected())
                {
                    client.disconnect();
                }
                client.close();
            }
            catch (final MqttException ignored)
            {
                // Closing anyway.
            }
        }
    }

    @SuppressWarnings("unused")
    private static IMqttMessageListener into(final BlockingQueue<MqttMessage> queue)
    {
        return (topic, message) -> queue.add(message);
    }
}
