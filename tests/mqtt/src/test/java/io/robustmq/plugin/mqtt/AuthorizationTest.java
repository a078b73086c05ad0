package io.robustmq.plugin.mqtt;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubRecException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Topic ACLs (the cluster's rules, made with the admin API) for publish and subscribe, with
 * {@code %c} and {@code %u} put in, answered with MQTT 5's reason codes and MQTT 3's SUBACK failure.
 */
class AuthorizationTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path temp;

    private static void admin(final MqttNode node, final String method, final String path, final String body)
        throws Exception
    {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.node().adminUrl() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, response.statusCode() / 100, response.body());
    }

    @Test
    void publishAndSubscribeFollowTheTopicRules() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, ""))
        {
            admin(node, "POST", "/v1/users", "{\"name\": \"alice\", \"password\": \"pw\"}");
            admin(node, "POST", "/v1/acls", "{\"principal\": \"*\", \"resource_type\": \"topic\", \"pattern_type\": " +
                "\"prefixed\", \"resource_name\": \"devices/%c/\", \"operation\": \"all\", \"permission\": \"allow\"}");
            admin(node, "POST", "/v1/acls", "{\"principal\": \"alice\", \"resource_type\": \"topic\", " +
                "\"resource_name\": \"alerts/#\", \"operation\": \"read\", \"permission\": \"allow\"}");
            admin(node, "PUT", "/v1/config/acl.allow_if_no_rule", "{\"value\": \"false\"}");

            // Paho v5 drops the connection on an acknowledgement with an error code: the HiveMQ client does not.
            final Mqtt5BlockingClient client = Mqtt5Client.builder().identifier("sensor-1").serverHost("127.0.0.1")
                .serverPort(node.tcpPort()).simpleAuth().username("alice")
                .password("pw".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().buildBlocking();
            client.connect();
            assertEquals("SUCCESS", publish(client, "devices/sensor-1/temp", MqttQos.AT_LEAST_ONCE), "its own subtree");
            assertEquals("NOT_AUTHORIZED", publish(client, "devices/sensor-2/temp", MqttQos.AT_LEAST_ONCE),
                "another client's");
            assertEquals("NOT_AUTHORIZED", publish(client, "alerts/fire", MqttQos.EXACTLY_ONCE),
                "alice may only read alerts");
            final Mqtt5SubAckException partly = assertThrows(Mqtt5SubAckException.class, () -> client.subscribeWith()
                .addSubscription().topicFilter("alerts/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("devices/sensor-1/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .addSubscription().topicFilter("secret/#").qos(MqttQos.AT_LEAST_ONCE).applySubscription()
                .send(), "the client reports a SUBACK with any error code as an exception");
            assertEquals(List.of(Mqtt5SubAckReasonCode.GRANTED_QOS_1, Mqtt5SubAckReasonCode.GRANTED_QOS_1,
                Mqtt5SubAckReasonCode.NOT_AUTHORIZED), partly.getMqttMessage().getReasonCodes());
            client.disconnect();

            final org.eclipse.paho.client.mqttv3.MqttClient v3 = new org.eclipse.paho.client.mqttv3.MqttClient(
                node.tcpUri(), "anonymous-v3", new org.eclipse.paho.client.mqttv3.persist.MemoryPersistence());
            v3.connect();
            final org.eclipse.paho.client.mqttv3.IMqttToken v3Granted = v3.subscribeWithResponse(
                new String[]{"devices/anonymous-v3/x", "alerts/#"}, new int[]{1, 1});
            assertArrayEquals(new int[]{1, 0x80}, v3Granted.getGrantedQos(), "%c covers it; %u-less alerts do not");
            v3.disconnect();
            v3.close();
        }
    }

    /** @return the acknowledgement's reason code. */
    private static String publish(final Mqtt5BlockingClient client, final String topic, final MqttQos qos)
    {
        try
        {
            final Mqtt5PublishResult result = client.publishWith().topic(topic)
                .payload("x".getBytes(StandardCharsets.UTF_8)).qos(qos).send();
            return result.getError().map(Throwable::getMessage).orElse("SUCCESS");
        }
        catch (final Mqtt5PubAckException refused)
        {
            return refused.getMqttMessage().getReasonCode().name();
        }
        catch (final Mqtt5PubRecException refused)
        {
            return refused.getMqttMessage().getReasonCode().name();
        }
    }
}
