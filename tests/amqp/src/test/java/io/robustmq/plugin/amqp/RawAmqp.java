package io.robustmq.plugin.amqp;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.LongStringHelper;
import com.rabbitmq.client.impl.Method;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Map;

/**
 * A raw socket to the node for input no AMQP client sends (bad frames, methods out of order): bytes
 * written as given, methods framed with RabbitMQ's Java client's own method classes, frames read
 * back as they come.
 */
final class RawAmqp implements AutoCloseable
{
    /** AMQP 0-9-1's protocol header. */
    static final byte[] HEADER = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};

    /**
     * A frame read from the server.
     *
     * @param type    its type.
     * @param channel its channel.
     * @param payload its payload.
     */
    record Frame(int type, int channel, byte[] payload)
    {
        Method method() throws IOException
        {
            return AMQImpl.readMethodFrom(new DataInputStream(new ByteArrayInputStream(payload)));
        }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    RawAmqp(final int port) throws IOException
    {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /**
     * Connect and log in as guest, up to connection.open-ok.
     *
     * @param port the node's AMQP port.
     * @return the connection, open.
     */
    static RawAmqp open(final int port) throws IOException
    {
        final RawAmqp raw = new RawAmqp(port);
        final AMQImpl.Connection.Tune tune = raw.loginAsGuest();
        raw.send(0, new AMQImpl.Connection.TuneOk(tune.getChannelMax(), tune.getFrameMax(), 0));
        raw.send(0, new AMQImpl.Connection.Open("/", "", false));
        raw.expectMethod(AMQImpl.Connection.OpenOk.class);
        return raw;
    }

    /**
     * Send the protocol header and log in as guest, up to the server's connection.tune.
     *
     * @return the server's connection.tune.
     */
    AMQImpl.Connection.Tune loginAsGuest() throws IOException
    {
        write(HEADER);
        expectMethod(AMQImpl.Connection.Start.class);
        send(0, new AMQImpl.Connection.StartOk(Map.of(), "PLAIN", LongStringHelper.asLongString("\0guest\0guest"),
            "en_US"));
        return expectMethod(AMQImpl.Connection.Tune.class);
    }

    void write(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
    }

    void send(final int channel, final Method method) throws IOException
    {
        method.toFrame(channel).writeTo(out);
        out.flush();
    }

    /**
     * Write a frame with any type, channel and payload, and the frame-end octet given.
     */
    void frame(final int type, final int channel, final byte[] payload, final int end) throws IOException
    {
        out.writeByte(type);
        out.writeShort(channel);
        out.writeInt(payload.length);
        out.write(payload);
        out.writeByte(end);
        out.flush();
    }

    Frame read() throws IOException
    {
        final int type = in.readUnsignedByte();
        final int channel = in.readUnsignedShort();
        final int size = in.readInt();
        final byte[] payload = new byte[size];
        in.readFully(payload);
        final int end = in.readUnsignedByte();
        if (end != 0xCE)
        {
            throw new IOException("frame end " + end);
        }
        return new Frame(type, channel, payload);
    }

    /**
     * Read frames, skipping heartbeats, until a method.
     */
    Method readMethod() throws IOException
    {
        while (true)
        {
            final Frame frame = read();
            if (frame.type() == 1)
            {
                return frame.method();
            }
        }
    }

    <T> T expectMethod(final Class<T> type) throws IOException
    {
        final Method method = readMethod();
        if (!type.isInstance(method))
        {
            throw new AssertionError("expected " + type.getSimpleName() + ", got " + method);
        }
        return type.cast(method);
    }

    byte[] readBytes(final int count) throws IOException
    {
        final byte[] bytes = new byte[count];
        in.readFully(bytes);
        return bytes;
    }

    /**
     * @return true if the server closes the socket (end of stream, or a reset) within the socket's timeout.
     */
    boolean closedByServer()
    {
        try
        {
            while (in.read() >= 0)
            {
                // Discard what comes before the end.
            }
            return true;
        }
        catch (final EOFException ex)
        {
            return true;
        }
        catch (final SocketTimeoutException ex)
        {
            return false;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    void timeout(final int ms) throws IOException
    {
        socket.setSoTimeout(ms);
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
