package io.robustmq.plugin.mqtt;

import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Topic aliases from the broker to an MQTT 5 client that accepts them: the first PUBLISH of a
 * topic carries the topic and sets an alias, the next carries the alias alone. Read off a raw
 * socket, since client libraries resolve aliases before a test could see them.
 */
class TopicAliasTest
{
    @TempDir
    Path temp;

    /** A PUBLISH as read: topic (empty when aliased), alias (0 if none), payload. */
    private record Publish(String topic, int alias, String payload)
    {
    }

    @Test
    void theBrokerSetsAnAliasThenUsesIt() throws Exception
    {
        try (MqttNode node = MqttNode.start(temp, ""); Socket socket = new Socket("127.0.0.1", node.tcpPort()))
        {
            socket.setSoTimeout(10_000);
            final ByteArrayOutputStream connect = new ByteArrayOutputStream();
            RawMqtt.string(connect, "MQTT");
            connect.write(5);
            connect.write(0x02);
            connect.write(0);
            connect.write(60);
            connect.write(3);
            connect.write(0x22);
            connect.write(0);
            connect.write(5);
            RawMqtt.string(connect, "alias-receiver");
            socket.getOutputStream().write(RawMqtt.packet(0x10, connect.toByteArray()));
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            assertEquals(0, RawMqtt.readConnAckCode(in));

            final ByteArrayOutputStream subscribe = new ByteArrayOutputStream();
            subscribe.write(0);
            subscribe.write(1);
            subscribe.write(0);
            RawMqtt.string(subscribe, "alias/t");
            subscribe.write(0);
            socket.getOutputStream().write(RawMqtt.packet(0x82, subscribe.toByteArray()));
            assertEquals(0x90, in.read(), "SUBACK");
            in.readNBytes(in.read());

            final MqttClient publisher = new MqttClient(node.tcpUri(), "alias-publisher", new MemoryPersistence());
            publisher.connect();
            publisher.publish("alias/t", "one".getBytes(StandardCharsets.UTF_8), 0, false);
            publisher.publish("alias/t", "two".getBytes(StandardCharsets.UTF_8), 0, false);
            publisher.disconnect();
            publisher.close();

            assertEquals(new Publish("alias/t", 1, "one"), readPublish(in));
            assertEquals(new Publish("", 1, "two"), readPublish(in));
        }
    }

    private static Publish readPublish(final DataInputStream in) throws IOException
    {
        assertEquals(0x30, in.read(), "a QoS 0 PUBLISH");
        final int remaining = varint(in);
        final byte[] body = in.readNBytes(remaining);
        final DataInputStream packet = new DataInputStream(new java.io.ByteArrayInputStream(body));
        final String topic = new String(packet.readNBytes(packet.readUnsignedShort()), StandardCharsets.UTF_8);
        final int propertiesLength = varint(packet);
        int alias = 0;
        int read = 0;
        while (read < propertiesLength)
        {
            final int id = packet.read();
            read++;
            if (id == 0x23)
            {
                alias = packet.readUnsignedShort();
                read += 2;
            }
            else
            {
                throw new IOException("unexpected property " + id);
            }
        }
        return new Publish(topic, alias, new String(packet.readAllBytes(), StandardCharsets.UTF_8));
    }

    private static int varint(final java.io.InputStream in) throws IOException
    {
        int value = 0;
        int multiplier = 1;
        int digit;
        do
        {
            digit = in.read();
            value += (digit & 0x7F) * multiplier;
            multiplier *= 128;
        }
        while ((digit & 0x80) != 0);
        return value;
    }
}
