package io.robustmq.plugin.mqtt;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker's statistics under {@code $SYS/brokers/<node>/}, kept away from {@code #} and from
 * clients' own publishing, and the same figures on {@code /metrics}.
 */
class SysTopicsTest
{
    @TempDir
    Path temp;

    @Test
    void statisticsArePublishedUnderSysAndOnMetrics() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, """
            [plugins.mqtt]
            sys_interval_s = 1
            """))
        {
            final MqttClient watcher = new MqttClient(node.tcpUri(), "sys-watcher", new MemoryPersistence());
            watcher.connect();
            final Map<String, String> sys = new ConcurrentHashMap<>();
            final LinkedBlockingQueue<String> everything = new LinkedBlockingQueue<>();
            watcher.subscribe("$SYS/#", 0, (topic, message) ->
                sys.put(topic, new String(message.getPayload(), StandardCharsets.UTF_8)));
            // Another client: Paho hands a message to every listener whose filter matches, by its own rules.
            final MqttClient all = new MqttClient(node.tcpUri(), "sys-all", new MemoryPersistence());
            all.connect();
            all.subscribe("#", 0, (topic, message) -> everything.add(topic));
            watcher.publish("$SYS/brokers/1/version", "forged".getBytes(StandardCharsets.UTF_8), 1, false);
            watcher.publish("plain", "p".getBytes(StandardCharsets.UTF_8), 1, false);

            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The retained values from before this client connected come first; wait for a fresh round.
            while (!"2".equals(sys.get("$SYS/brokers/1/messages/received")) && System.nanoTime() < deadline)
            {
                Thread.sleep(20);
            }
            assertEquals("2", sys.get("$SYS/brokers/1/clients/connected"), sys.toString());
            assertEquals("2", sys.get("$SYS/brokers/1/subscriptions/count"));
            assertTrue(sys.containsKey("$SYS/brokers/1/uptime"));
            assertTrue(!sys.get("$SYS/brokers/1/version").equals("forged"), "clients may not publish to $SYS");
            assertEquals("plain", everything.poll(10, TimeUnit.SECONDS));
            assertNull(everything.poll(1_500, TimeUnit.MILLISECONDS), "# does not match $SYS topics");

            final String metrics = node.node().get("/metrics").body();
            assertTrue(metrics.contains("robustmq_mqtt_messages_received_total{node=\"1\"} 2.0"), metrics);
            assertTrue(metrics.contains("robustmq_mqtt_clients_connected{node=\"1\"} 2.0"));
            all.disconnect();
            all.close();
            watcher.disconnect();
            watcher.close();
        }
    }
}
