package io.robustmq.plugin.mqtt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Hand-made MQTT packets for the cases no well-behaved client library will send: malformed,
 * oversized, or out of order. Only what those tests need.
 */
final class RawMqtt
{
    private RawMqtt()
    {
    }

    static byte[] packet(final int firstByte, final byte[] body)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(firstByte);
        int length = body.length;
        do
        {
            int digit = length % 128;
            length /= 128;
            if (length > 0)
            {
                digit |= 0x80;
            }
            out.write(digit);
        }
        while (length > 0);
        out.writeBytes(body);
        return out.toByteArray();
    }

    static void string(final ByteArrayOutputStream out, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    /**
     * @param level the protocol level byte (4 for 3.1.1, 5 for 5.0).
     */
    static byte[] connect(final int level, final String clientId)
    {
        return connect(level, clientId, 60);
    }

    static byte[] connect(final int level, final String clientId, final int keepAlive)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(level);
        body.write(0x02);
        body.write(keepAlive >> 8);
        body.write(keepAlive & 0xFF);
        if (level == 5)
        {
            body.write(0);
        }
        string(body, clientId);
        return packet(0x10, body.toByteArray());
    }

    static byte[] connect311(final String clientId, final String willTopic, final String willMessage)
    {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        string(body, "MQTT");
        body.write(4);
        body.write(0x02 | 0x04 | 0x08);
        body.write(0);
        body.write(60);
        string(body, clientId);
        string(body, willTopic);
        string(body, willMessage);
        return packet(0x10, body.toByteArray());
    }

    /**
     * @return the CONNACK's return or reason code.
     */
    static int readConnAckCode(final InputStream in) throws IOException
    {
        final int type = in.read();
        if (type != 0x20)
        {
            throw new IOException("expected CONNACK, got " + type);
        }
        final int length = in.read();
        final byte[] body = in.readNBytes(length);
        return body[1] & 0xFF;
    }
}
