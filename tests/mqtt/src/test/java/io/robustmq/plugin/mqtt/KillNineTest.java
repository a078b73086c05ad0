package io.robustmq.plugin.mqtt;

import io.robustmq.kernel.support.ChildNode;
import io.robustmq.kernel.support.Clients;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The durability promise of persistent sessions, measured: a node in a child JVM is killed with
 * SIGKILL while QoS 1 and QoS 2 messages stream through it to subscribers with persistent sessions
 * (one connected, one away); after a restart on the same data, every message the node had
 * acknowledged (PUBACK, PUBREC) reaches both.
 */
class KillNineTest
{
    private static final int KILL_AFTER = 300;
    private static final long DEADLINE_MS = 30_000;

    @TempDir
    Path temp;

    @Test
    void everyAcknowledgedMessageReachesPersistentSessionsAfterKillNine() throws Exception
    {
        final int port = freePort();
        try (ChildNode node = ChildNode.standalone(temp.resolve("node"), """
            [plugins.mqtt.listeners.tcp]
            port = %d
            [plugins.mqtt.listeners.ws]
            port = 0
            """.formatted(port)))
        {
            node.start();
            node.awaitReady(ChildNode.READY_TIMEOUT_MS);
            final String uri = "tcp://127.0.0.1:" + port;

            final Set<String> online = ConcurrentHashMap.newKeySet();
            final Set<String> away = ConcurrentHashMap.newKeySet();
            final MqttClient connected = client(uri, "kill9-online", online);
            connected.subscribe("stream/#", 2);
            final MqttClient offline = client(uri, "kill9-away", away);
            offline.subscribe("stream/#", 2);
            offline.disconnect();
            offline.close();

            final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
            final AtomicInteger sent = new AtomicInteger();
            final Thread publisher = new Thread(() -> publish(uri, acknowledged, sent), "kill9-publisher");
            publisher.start();
            Clients.await("the stream under way", DEADLINE_MS,
                () -> acknowledged.size() >= KILL_AFTER || !publisher.isAlive());
            assertTrue(acknowledged.size() >= KILL_AFTER, "the stream is under way: " + acknowledged.size() + " acknowledged");
            assertEquals(137, node.kill(), "killed with SIGKILL");
            publisher.join(DEADLINE_MS);

            node.start();
            node.awaitReady(ChildNode.READY_TIMEOUT_MS);
            // The same client object connects again: a QoS 2 message it had PUBREC'd is its own to
            // deliver once the node's PUBREL comes (MQTT 4.3.3), from the state it kept, as a client
            // with a persistent session keeps it. A new client object would have lost it.
            awaitConnected(connected);
            final MqttClient returned = client(uri, "kill9-away", away);
            try
            {
                Clients.await("every acknowledged message at both subscribers", DEADLINE_MS,
                    () -> online.containsAll(acknowledged) && away.containsAll(acknowledged));
            }
            catch (final AssertionError timedOut)
            {
                // The assertions below say which messages are missing, and where.
            }
            assertTrue(online.containsAll(acknowledged), "the connected subscriber misses " + missing(acknowledged, online) +
                " of " + acknowledged.size() + " acknowledged (" + sent.get() + " sent)");
            assertTrue(away.containsAll(acknowledged), "the subscriber that was away misses " +
                missing(acknowledged, away) + " of " + acknowledged.size() + " acknowledged");
            connected.disconnect();
            returned.disconnect();
        }
    }

    private static void publish(final String uri, final Set<String> acknowledged, final AtomicInteger sent)
    {
        try
        {
            final MqttClient publisher = client(uri, "kill9-publisher", ConcurrentHashMap.newKeySet());
            for (int i = 0; ; i++)
            {
                final String payload = "m" + i;
                sent.incrementAndGet();
                // Synchronous: publish returns once the node acknowledged (PUBACK, or PUBREC then PUBCOMP).
                publisher.publish("stream/" + (i % 4), payload.getBytes(StandardCharsets.UTF_8), 1 + i % 2, false);
                acknowledged.add(payload);
            }
        }
        catch (final MqttException ex)
        {
            // The node was killed: the stream ends here.
        }
    }

    private static MqttClient client(final String uri, final String id, final Set<String> received) throws MqttException
    {
        final MqttClient client = new MqttClient(uri, id, new MemoryPersistence());
        client.setCallback(new ArrivalCallback(message ->
            received.add(new String(message.getPayload(), StandardCharsets.UTF_8))));
        client.connect(options());
        return client;
    }

    private static MqttConnectOptions options()
    {
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setCleanSession(false);
        options.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
        options.setConnectionTimeout(10);
        options.setMaxInflight(1000);
        // Reconnects on its own once the node is back, keeping its session state.
        options.setAutomaticReconnect(true);
        options.setMaxReconnectDelay(500);
        return options;
    }

    private static void awaitConnected(final MqttClient client) throws InterruptedException
    {
        Clients.await("the subscriber reconnected on its own", DEADLINE_MS, client::isConnected);
    }

    private static Set<String> missing(final Set<String> expected, final Set<String> actual)
    {
        final Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(actual);
        return missing.size() > 20 ? Set.of(missing.size() + " messages, e.g. " + missing.iterator().next()) : missing;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
