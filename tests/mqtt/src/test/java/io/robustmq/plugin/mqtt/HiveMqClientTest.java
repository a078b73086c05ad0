package io.robustmq.plugin.mqtt;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HiveMQ MQTT client (MQTT 5) over WebSocket and TCP against a node started in the test,
 * with a topic alias of its own on the publishing side.
 */
class HiveMqClientTest
{
    @TempDir
    Path temp;

    @Test
    void publishesOverTcpAndReceivesOverWebSocket() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, ""))
        {
            final Mqtt5BlockingClient subscriber = Mqtt5Client.builder()
                .identifier("hivemq-ws-sub")
                .serverHost("127.0.0.1")
                .serverPort(node.node().port("mqtt", "ws"))
                .webSocketConfig().serverPath("mqtt").subprotocol("mqtt").applyWebSocketConfig()
                .buildBlocking();
            final Mqtt5BlockingClient publisher = Mqtt5Client.builder()
                .identifier("hivemq-tcp-pub")
                .serverHost("127.0.0.1")
                .serverPort(node.tcpPort())
                .buildBlocking();
            subscriber.connect();
            publisher.connect();
            try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL))
            {
                subscriber.subscribeWith().topicFilter("fleet/+/position").qos(MqttQos.AT_LEAST_ONCE).send();
                for (int i = 0; i < 3; i++)
                {
                    publisher.publishWith().topic("fleet/truck-" + i + "/position")
                        .payload(("52.5," + i).getBytes(StandardCharsets.UTF_8))
                        .qos(MqttQos.EXACTLY_ONCE)
                        .userProperties().add("unit", "deg").applyUserProperties()
                        .send();
                }
                for (int i = 0; i < 3; i++)
                {
                    final Optional<Mqtt5Publish> received = publishes.receive(10, TimeUnit.SECONDS);
                    assertTrue(received.isPresent(), "message " + i + " within 10 s");
                    assertEquals("fleet/truck-" + i + "/position", received.get().getTopic().toString());
                    assertEquals(MqttQos.AT_LEAST_ONCE, received.get().getQos(), "QoS 2 down to the granted 1");
                    assertEquals("52.5," + i, new String(received.get().getPayloadAsBytes(), StandardCharsets.UTF_8));
                    assertEquals("deg", received.get().getUserProperties().asList().get(0).getValue().toString());
                }
            }
            publisher.disconnect();
            subscriber.disconnect();
        }
    }
}
