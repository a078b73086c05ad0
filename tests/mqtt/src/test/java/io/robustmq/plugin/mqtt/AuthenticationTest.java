package io.robustmq.plugin.mqtt;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * User names and passwords checked against the cluster's users (made with the admin API), and
 * anonymous access refused when configured so, for MQTT 3.1.1 and 5.0 clients.
 */
class AuthenticationTest
{
    @TempDir
    Path temp;

    @Test
    void onlyKnownUsersWithTheirPasswordsConnectWhenAnonymousAccessIsOff() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, """
            [plugins.mqtt]
            allow_anonymous = "false"
            """))
        {
            final HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(node.node().adminUrl() + "/v1/users"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"device-7\", \"password\": \"s3cret\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());

            assertEquals(MqttException.REASON_CODE_NOT_AUTHORIZED, v3(node, null, null), "anonymous");
            assertEquals(MqttException.REASON_CODE_FAILED_AUTHENTICATION, v3(node, "device-7", "wrong"));
            assertEquals(0, v3(node, "device-7", "s3cret"));

            assertEquals(0x86, v5(node, null, null), "anonymous, MQTT 5: bad user name or password");
            assertEquals(0x86, v5(node, "device-7", "wrong"));
            assertEquals(0x86, v5(node, "nobody", "s3cret"));
            assertEquals(0, v5(node, "device-7", "s3cret"));
        }
    }

    @Test
    void connectsBeyondThePendingPasswordChecksAreToldTheServerIsBusy() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, """
            [plugins.mqtt]
            max_pending_password_checks = 1
            """))
        {
            final HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(node.node().adminUrl() + "/v1/users"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"device-7\", \"password\": \"s3cret\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());

            final int clients = 40;
            final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(clients);
            try
            {
                final java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
                final java.util.List<java.util.concurrent.Future<Integer>> v3 = new java.util.ArrayList<>();
                final java.util.List<java.util.concurrent.Future<Integer>> v5 = new java.util.ArrayList<>();
                for (int i = 0; i < clients / 2; i++)
                {
                    v3.add(pool.submit(() -> { start.await(); return v3(node, "device-7", "s3cret"); }));
                    v5.add(pool.submit(() -> { start.await(); return v5(node, "device-7", "s3cret"); }));
                }
                start.countDown();
                final java.util.Set<Integer> v3Codes = new java.util.TreeSet<>();
                final java.util.Set<Integer> v5Codes = new java.util.TreeSet<>();
                for (int i = 0; i < clients / 2; i++)
                {
                    v3Codes.add(v3.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS));
                    v5Codes.add(v5.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS));
                }
                final java.util.Set<Integer> all = new java.util.TreeSet<>(v3Codes);
                all.addAll(v5Codes);
                assertTrue(all.contains(0), "some connected: " + v3Codes + " " + v5Codes);
                assertTrue(v3Codes.contains((int)MqttException.REASON_CODE_BROKER_UNAVAILABLE) || v5Codes.contains(0x89),
                    "some were told the server is busy: " + v3Codes + " " + v5Codes);
                assertTrue(java.util.Set.of(0, (int)MqttException.REASON_CODE_BROKER_UNAVAILABLE).containsAll(v3Codes),
                    "MQTT 3.1.1: accepted or Server Unavailable: " + v3Codes);
                assertTrue(java.util.Set.of(0, 0x89).containsAll(v5Codes), "MQTT 5: accepted or Server Busy: " + v5Codes);
            }
            finally
            {
                pool.shutdownNow();
            }
            assertEquals(0, v5(node, "device-7", "s3cret"), "served again once the checks are done");
        }
    }

    @Test
    void anonymousClientsOnThisMachineConnectByDefault() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, ""))
        {
            assertEquals(0, v3(node, null, null), "from 127.0.0.1, allow_anonymous = loopback");
        }
    }

    /** @return 0 if connected, else the client's reason code. */
    private static int v3(final MqttNode node, final String user, final String password) throws MqttException
    {
        final MqttClient client = new MqttClient(node.tcpUri(), "auth-v3-" + System.nanoTime(), new MemoryPersistence());
        final MqttConnectOptions options = new MqttConnectOptions();
        if (user != null)
        {
            options.setUserName(user);
            options.setPassword(password.toCharArray());
        }
        try
        {
            client.connect(options);
            client.disconnect();
            return 0;
        }
        catch (final MqttException ex)
        {
            return ex.getReasonCode();
        }
        finally
        {
            client.close();
        }
    }

    private static int v5(final MqttNode node, final String user, final String password) throws Exception
    {
        final org.eclipse.paho.mqttv5.client.MqttClient client = new org.eclipse.paho.mqttv5.client.MqttClient(
            node.tcpUri(), "auth-v5-" + System.nanoTime(), new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
        final MqttConnectionOptions options = new MqttConnectionOptions();
        if (user != null)
        {
            options.setUserName(user);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        try
        {
            client.connect(options);
            assertTrue(client.isConnected());
            client.disconnect();
            return 0;
        }
        catch (final org.eclipse.paho.mqttv5.common.MqttException ex)
        {
            return ex.getReasonCode();
        }
        finally
        {
            client.close();
        }
    }
}
