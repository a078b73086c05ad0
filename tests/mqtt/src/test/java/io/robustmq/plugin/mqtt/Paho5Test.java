package io.robustmq.plugin.mqtt;

import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT 5.0 with the Eclipse Paho v5 client against a node started for the class: CONNACK's
 * properties, pass-through properties, subscription options and identifiers, message expiry,
 * shared subscriptions and session takeover.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Paho5Test
{
    private static final long WAIT_S = 10;

    @TempDir
    static Path temp;
    private MqttNode node;

    @BeforeAll
    void start() throws Exception
    {
        node = MqttNode.start(temp, """
            [plugins.mqtt]
            receive_maximum = 500
            max_keep_alive_s = 120
            """);
    }

    @AfterAll
    void stop()
    {
        node.close();
    }

    /** A Paho v5 client whose messages and disconnections land in queues. */
    private final class Client implements MqttCallback, AutoCloseable
    {
        final MqttAsyncClient mqtt;
        final BlockingQueue<MqttMessage> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<String> topics = new LinkedBlockingQueue<>();
        final BlockingQueue<MqttDisconnectResponse> disconnects = new LinkedBlockingQueue<>();
        IMqttToken connected;

        Client(final String id, final MqttConnectionOptions options) throws MqttException
        {
            mqtt = new MqttAsyncClient(node.tcpUri(), id, new MemoryPersistence());
            mqtt.setCallback(this);
            connected = mqtt.connect(options);
            connected.waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_S));
        }

        Client(final String id) throws MqttException
        {
            this(id, new MqttConnectionOptions());
        }

        void subscribe(final MqttSubscription subscription, final Integer identifier) throws MqttException
        {
            final MqttProperties properties = new MqttProperties();
            if (identifier != null)
            {
                properties.setSubscriptionIdentifier(identifier);
            }
            mqtt.subscribe(new MqttSubscription[]{subscription}, null, null, properties)
                .waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_S));
        }

        void publish(final String topic, final String payload, final int qos, final boolean retain,
            final MqttProperties properties) throws MqttException
        {
            final MqttMessage message = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), qos, retain,
                properties);
            mqtt.publish(topic, message).waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_S));
        }

        MqttMessage next() throws InterruptedException
        {
            final MqttMessage message = messages.poll(WAIT_S, TimeUnit.SECONDS);
            assertNotNull(message, "a message within " + WAIT_S + " s");
            return message;
        }

        @Override
        public void disconnected(final MqttDisconnectResponse response)
        {
            disconnects.add(response);
        }

        @Override
        public void mqttErrorOccurred(final MqttException exception)
        {
        }

        @Override
        public void messageArrived(final String topic, final MqttMessage message)
        {
            topics.add(topic);
            messages.add(message);
        }

        @Override
        public void deliveryComplete(final IMqttToken token)
        {
        }

        @Override
        public void connectComplete(final boolean reconnect, final String serverURI)
        {
        }

        @Override
        public void authPacketArrived(final int reasonCode, final MqttProperties properties)
        {
        }

        @Override
        public void close() throws MqttException
        {
            if (mqtt.isConnected())
            {
                mqtt.disconnect().waitForCompletion(TimeUnit.SECONDS.toMillis(WAIT_S));
            }
            mqtt.close(true);
        }
    }

    private static String text(final MqttMessage message)
    {
        return new String(message.getPayload(), StandardCharsets.UTF_8);
    }

    @Test
    void connackAnnouncesTheLimitsAndAssignsAnId() throws Exception
    {
        final MqttConnectionOptions options = new MqttConnectionOptions();
        options.setKeepAliveInterval(600);
        try (Client client = new Client("", options))
        {
            final MqttProperties ack = client.connected.getResponseProperties();
            assertNotNull(ack.getAssignedClientIdentifier(), "an empty id is assigned one");
            assertTrue(ack.getAssignedClientIdentifier().startsWith("auto-"));
            assertEquals(500, ack.getReceiveMaximum());
            assertEquals(120, ack.getServerKeepAlive(), "600 s asked, 120 s granted");
            assertEquals(1024 * 1024L, ack.getMaximumPacketSize());
            assertEquals(100, ack.getTopicAliasMaximum());
            assertTrue(ack.isRetainAvailable());
            assertTrue(ack.isWildcardSubscriptionsAvailable());
            assertTrue(ack.isSharedSubscriptionAvailable());
            assertTrue(ack.isSubscriptionIdentifiersAvailable());
        }
    }

    @Test
    void anMqtt3ClientAskingForMoreThanTheMaximumKeepAliveIsRefused() throws Exception
    {
        for (final int keepAlive : new int[]{0, 121})
        {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", node.tcpPort()))
            {
                socket.setSoTimeout(10_000);
                socket.getOutputStream().write(RawMqtt.connect(4, "v3-keep-alive-" + keepAlive, keepAlive));
                assertEquals(0x02, RawMqtt.readConnAckCode(socket.getInputStream()), "keep-alive " + keepAlive);
            }
        }
    }

    @Test
    void propertiesPassThroughAndSubscriptionIdentifiersComeBack() throws Exception
    {
        try (Client subscriber = new Client("v5-props-sub"); Client publisher = new Client("v5-props-pub"))
        {
            subscriber.subscribe(new MqttSubscription("rpc/+/request", 1), 42);
            final MqttProperties properties = new MqttProperties();
            properties.setResponseTopic("rpc/client-1/response");
            properties.setCorrelationData(new byte[]{1, 2, 3});
            properties.setContentType("application/json");
            properties.setUserProperties(List.of(new UserProperty("trace", "abc"), new UserProperty("trace", "def")));
            properties.setMessageExpiryInterval(3600L);
            publisher.publish("rpc/calc/request", "{}", 1, false, properties);

            final MqttMessage message = subscriber.next();
            final MqttProperties got = message.getProperties();
            assertEquals("rpc/client-1/response", got.getResponseTopic());
            assertArrayEquals(new byte[]{1, 2, 3}, got.getCorrelationData());
            assertEquals("application/json", got.getContentType());
            assertEquals(List.of(new UserProperty("trace", "abc"), new UserProperty("trace", "def")),
                got.getUserProperties(), "user properties in order, duplicates kept");
            assertTrue(got.getMessageExpiryInterval() <= 3600 && got.getMessageExpiryInterval() >= 3590,
                "the remaining expiry: " + got.getMessageExpiryInterval());
            assertEquals(List.of(42), got.getSubscriptionIdentifiers());
        }
    }

    @Test
    void noLocalRetainAsPublishedAndRetainHandling() throws Exception
    {
        try (Client self = new Client("v5-options"); Client other = new Client("v5-options-other"))
        {
            final MqttSubscription noLocal = new MqttSubscription("chat/room", 1);
            noLocal.setNoLocal(true);
            self.subscribe(noLocal, null);
            self.publish("chat/room", "mine", 1, false, new MqttProperties());
            other.publish("chat/room", "theirs", 1, false, new MqttProperties());
            assertEquals("theirs", text(self.next()), "its own message is not delivered back");

            other.publish("status/door", "open", 1, true, new MqttProperties());
            final MqttSubscription asPublished = new MqttSubscription("status/#", 1);
            asPublished.setRetainAsPublished(true);
            self.subscribe(asPublished, null);
            assertTrue(self.next().isRetained(), "a retained message on subscribe");
            other.publish("status/door", "closed", 1, true, new MqttProperties());
            final MqttMessage live = self.next();
            assertEquals("closed", text(live));
            assertTrue(live.isRetained(), "retain as published keeps RETAIN on a live delivery");

            final MqttSubscription never = new MqttSubscription("status/door", 1);
            never.setRetainHandling(2);
            other.subscribe(never, null);
            assertNull(other.messages.poll(300, TimeUnit.MILLISECONDS), "retain handling 2 sends no retained message");
        }
    }

    @Test
    void expiredMessagesAreNotDeliveredToAReturningSession() throws Exception
    {
        final MqttConnectionOptions persistent = new MqttConnectionOptions();
        persistent.setCleanStart(false);
        persistent.setSessionExpiryInterval(300L);
        final Client subscriber = new Client("v5-expiry", persistent);
        subscriber.subscribe(new MqttSubscription("news", 1), null);
        subscriber.close();
        try (Client publisher = new Client("v5-expiry-pub"))
        {
            final MqttProperties shortLived = new MqttProperties();
            shortLived.setMessageExpiryInterval(1L);
            publisher.publish("news", "stale", 1, false, shortLived);
            publisher.publish("news", "fresh", 1, false, new MqttProperties());
        }
        Thread.sleep(1_200);
        try (Client back = new Client("v5-expiry", persistent))
        {
            assertTrue(back.connected.getSessionPresent());
            assertEquals("fresh", text(back.next()));
            assertNull(back.messages.poll(300, TimeUnit.MILLISECONDS), "the expired message was dropped");
        }
    }

    @Test
    void sharedSubscriptionsBalanceAndTakeOverWhenAMemberLeaves() throws Exception
    {
        try (Client a = new Client("v5-share-a"); Client b = new Client("v5-share-b");
            Client publisher = new Client("v5-share-pub"))
        {
            a.subscribe(new MqttSubscription("$share/workers/tasks/#", 1), null);
            b.subscribe(new MqttSubscription("$share/workers/tasks/#", 1), null);
            for (int i = 0; i < 10; i++)
            {
                publisher.publish("tasks/" + i, "task-" + i, 1, false, new MqttProperties());
            }
            final List<String> all = new ArrayList<>();
            for (int i = 0; i < 5; i++)
            {
                all.add(text(a.next()));
                all.add(text(b.next()));
            }
            assertEquals(10, all.stream().distinct().count(), "each task to one member: " + all);
            assertNull(a.messages.poll(200, TimeUnit.MILLISECONDS));

            b.close();
            for (int i = 10; i < 14; i++)
            {
                publisher.publish("tasks/" + i, "task-" + i, 1, false, new MqttProperties());
            }
            for (int i = 10; i < 14; i++)
            {
                assertEquals("task-" + i, text(a.next()), "the remaining member takes every task");
            }
        }
    }

    @Test
    void aTakenOverConnectionIsToldWhy() throws Exception
    {
        try (Client first = new Client("v5-twin"))
        {
            try (Client second = new Client("v5-twin"))
            {
                final MqttDisconnectResponse response = first.disconnects.poll(WAIT_S, TimeUnit.SECONDS);
                assertNotNull(response, "the first connection was disconnected");
                assertEquals(0x8E, response.getReturnCode(), "session taken over");
                assertTrue(second.mqtt.isConnected());
                assertFalse(first.mqtt.isConnected());
            }
        }
    }
}
