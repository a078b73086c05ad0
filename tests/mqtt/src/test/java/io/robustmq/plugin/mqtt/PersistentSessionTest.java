package io.robustmq.plugin.mqtt;

import io.robustmq.kernel.support.Clients;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Persistent sessions survive a restart of the node: subscriptions, messages queued for a client
 * that is away, QoS 1 and 2 messages sent and not yet acknowledged (resent with DUP), and retained
 * messages. Each test stops the node and starts a new one on the same data directory.
 */
class PersistentSessionTest
{
    @TempDir
    Path temp;

    private static MqttClient v3(final MqttNode node, final String id, final boolean clean,
        final BlockingQueue<MqttMessage> received) throws MqttException
    {
        final MqttClient client = new MqttClient(node.tcpUri(), id, new MemoryPersistence());
        client.setCallback(new ArrivalCallback(received::add));
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(clean);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(10);
        client.connect(options);
        return client;
    }

    private static double generation(final MqttNode node)
    {
        try
        {
            final String metrics = node.node().get("/metrics").body();
            final Matcher matcher = Pattern.compile("(?m)^robustmq_mqtt_session_log_generation\\S* (\\S+)$").matcher(metrics);
            return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static String text(final MqttMessage message)
    {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    private static List<String> take(final BlockingQueue<MqttMessage> received, final int count)
        throws InterruptedException
    {
        final List<String> texts = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final MqttMessage message = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(message, "message " + (i + 1) + " of " + count + " within 10 s; had " + texts);
            texts.add(text(message));
        }
        return texts;
    }

    @Test
    void queuedMessagesSubscriptionsAndRetainedMessagesSurviveARestart() throws Exception
    {
        final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        try (MqttNode node = MqttNode.start(temp, ""))
        {
            final MqttClient subscriber = v3(node, "persistent-v3", false, received);
            subscriber.subscribe(new String[] {"orders/+", "audit/#"}, new int[] {1, 2});
            subscriber.disconnect();
            subscriber.close();

            final MqttClient publisher = v3(node, "publisher-v3", true, new LinkedBlockingQueue<>());
            for (int i = 0; i < 5; i++)
            {
                publisher.publish("orders/" + i, ("order " + i).getBytes(StandardCharsets.UTF_8), 1, false);
                publisher.publish("audit/log", ("audit " + i).getBytes(StandardCharsets.UTF_8), 2, false);
            }
            publisher.publish("orders/0", "at most once".getBytes(StandardCharsets.UTF_8), 0, false);
            publisher.publish("config/mode", "eco".getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.publish("config/gone", "soon cleared".getBytes(StandardCharsets.UTF_8), 1, true);
            publisher.publish("config/gone", new byte[0], 1, true);
            publisher.disconnect();
            publisher.close();
        }

        try (MqttNode node = MqttNode.start(temp, ""))
        {
            // A node that replayed its log starts by writing a checkpoint (generation 2); the next start reads that.
            Clients.await("a checkpoint after the replay", 10_000, () -> generation(node) >= 2);
            final MqttClient subscriber = v3(node, "persistent-v3", false, received);
            final List<String> texts = take(received, 10);
            // In order per topic filter: Paho hands a QoS 2 message over only after its PUBREL, so the two interleave.
            assertEquals(List.of("order 0", "order 1", "order 2", "order 3", "order 4"),
                texts.stream().filter(text -> text.startsWith("order")).toList(), "the queued QoS 1 messages; not the QoS 0 one");
            assertEquals(List.of("audit 0", "audit 1", "audit 2", "audit 3", "audit 4"),
                texts.stream().filter(text -> text.startsWith("audit")).toList(), "the queued QoS 2 messages");
            assertNull(received.poll(300, TimeUnit.MILLISECONDS), "nothing more: " + received);

            // The subscriptions came back with the session: a new message reaches it.
            final MqttClient publisher = v3(node, "publisher-v3", true, new LinkedBlockingQueue<>());
            publisher.publish("orders/9", "after the restart".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals(List.of("after the restart"), take(received, 1));

            final BlockingQueue<MqttMessage> retained = new LinkedBlockingQueue<>();
            final MqttClient newcomer = v3(node, "newcomer", true, retained);
            newcomer.subscribe("config/#", 1);
            final MqttMessage mode = retained.poll(10, TimeUnit.SECONDS);
            assertNotNull(mode, "the retained message, kept across the restart");
            assertEquals("eco", text(mode));
            assertTrue(mode.isRetained());
            assertNull(retained.poll(300, TimeUnit.MILLISECONDS), "the cleared topic stays cleared");

            // A clean session ends the persistent one: nothing of it is left after the next restart.
            subscriber.disconnect();
            subscriber.close();
            final MqttClient clean = v3(node, "persistent-v3", true, received);
            clean.disconnect();
            clean.close();
            publisher.publish("orders/10", "nobody is subscribed".getBytes(StandardCharsets.UTF_8), 1, false);
            publisher.disconnect();
            publisher.close();
            newcomer.disconnect();
            newcomer.close();
        }

        try (MqttNode node = MqttNode.start(temp, ""))
        {
            final MqttClient subscriber = v3(node, "persistent-v3", false, received);
            assertNull(received.poll(500, TimeUnit.MILLISECONDS), "the ended session left nothing behind");
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void aSessionLogWrittenBeforeShardsWerePrivateIsAdopted() throws Exception
    {
        final BlockingQueue<MqttMessage> received = new LinkedBlockingQueue<>();
        try (MqttNode node = MqttNode.start(temp, ""))
        {
            final MqttClient subscriber = v3(node, "from-before", false, received);
            subscriber.subscribe("orders/+", 1);
            subscriber.disconnect();
            subscriber.close();
            final MqttClient publisher = v3(node, "publisher", true, new LinkedBlockingQueue<>());
            for (int i = 0; i < 3; i++)
            {
                publisher.publish("orders/" + i, ("order " + i).getBytes(StandardCharsets.UTF_8), 1, false);
            }
            publisher.disconnect();
            publisher.close();
        }
        // Leave the log as the version before private shards did: $mqtt-sessions-<n>, no identity recorded.
        final Path journal = temp.resolve("data").resolve("journal");
        final List<Path> generations;
        try (Stream<Path> dirs = Files.list(journal))
        {
            generations = dirs.filter(dir -> dir.getFileName().toString().startsWith("p.mqtt.%24mqtt-sessions-")).toList();
        }
        assertFalse(generations.isEmpty(), "the session log is in the plugin's private shards");
        for (final Path generation : generations)
        {
            Files.delete(generation.resolve("identity.properties"));
            Files.move(generation, journal.resolve(generation.getFileName().toString().substring("p.mqtt.".length())));
        }

        try (MqttNode node = MqttNode.start(temp, ""))
        {
            final MqttClient subscriber = v3(node, "from-before", false, received);
            assertEquals(List.of("order 0", "order 1", "order 2"), take(received, 3), "the session and its queue are back");
            assertEquals(List.of(), node.node().node().storage().legacyShards(), "every generation adopted");
            subscriber.disconnect();
            subscriber.close();
        }
    }

    @Test
    void unacknowledgedMessagesAreResentWithTheirPacketIdsAfterARestartAndQos2IsNotDuplicated() throws Exception
    {
        final BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> received = new LinkedBlockingQueue<>();
        final int[] firstIds = new int[2];  // by QoS - 1
        try (MqttNode node = MqttNode.start(temp, ""))
        {
            final org.eclipse.paho.mqttv5.client.MqttClient subscriber = v5(node, "inflight-v5", received);
            subscriber.setManualAcks(true);
            subscriber.subscribe(new String[] {"inflight/q1", "inflight/q2"}, new int[] {1, 2});

            final org.eclipse.paho.mqttv5.client.MqttClient publisher = v5(node, "publisher-v5", new LinkedBlockingQueue<>());
            publisher.publish("inflight/q1", "one".getBytes(StandardCharsets.UTF_8), 1, false);
            publisher.publish("inflight/q2", "two".getBytes(StandardCharsets.UTF_8), 2, false);
            for (int i = 0; i < 2; i++)
            {
                final org.eclipse.paho.mqttv5.common.MqttMessage message = received.poll(10, TimeUnit.SECONDS);
                assertNotNull(message, "both messages delivered before the restart");
                firstIds[message.getQos() - 1] = message.getId();
            }
            publisher.disconnect();
            publisher.close();
            // The subscriber never acknowledges; the node stops with both in flight.
        }

        try (MqttNode node = MqttNode.start(temp, ""))
        {
            received.clear();
            final org.eclipse.paho.mqttv5.client.MqttClient subscriber = v5(node, "inflight-v5", received);
            final org.eclipse.paho.mqttv5.common.MqttMessage resent = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(resent, "the unacknowledged QoS 1 message is resent after the restart");
            assertEquals("one", new String(resent.getPayload(), StandardCharsets.UTF_8));
            assertEquals(firstIds[0], resent.getId(), "with its packet id");
            // The QoS 2 message had reached the client (PUBREC): only its PUBREL is resent, not the message.
            assertNull(received.poll(500, TimeUnit.MILLISECONDS), "no second copy of the QoS 2 message");
            subscriber.disconnect();
            subscriber.close();
        }
    }

    private static org.eclipse.paho.mqttv5.client.MqttClient v5(final MqttNode node, final String id,
        final BlockingQueue<org.eclipse.paho.mqttv5.common.MqttMessage> received) throws Exception
    {
        final org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
            node.tcpUri(), id, new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        client.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback()
        {
            @Override
            public void disconnected(final MqttDisconnectResponse response)
            {
            }

            @Override
            public void mqttErrorOccurred(final org.eclipse.paho.mqttv5.common.MqttException exception)
            {
            }

            @Override
            public void messageArrived(final String topic, final org.eclipse.paho.mqttv5.common.MqttMessage message)
            {
                received.add(message);
            }

            @Override
            public void deliveryComplete(final IMqttToken token)
            {
            }

            @Override
            public void connectComplete(final boolean reconnect, final String serverUri)
            {
            }

            @Override
            public void authPacketArrived(final int reasonCode, final org.eclipse.paho.mqttv5.common.packet.MqttProperties properties)
            {
            }
        });
        final MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(3600L);
        options.setConnectionTimeout(10);
        client.connect(options);
        assertFalse(client.getCurrentServerURI().isEmpty());
        return client;
    }
}
