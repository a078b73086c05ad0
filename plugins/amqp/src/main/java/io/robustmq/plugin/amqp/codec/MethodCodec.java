package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.UnknownClassOrMethodId;
import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import com.rabbitmq.client.impl.MethodArgumentWriter;
import com.rabbitmq.client.impl.ValueWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.ByteBufOutputStream;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the methods a client sends and writes the methods a server sends, with RabbitMQ's generated
 * method classes. A method frame's payload is its class id, its method id and its arguments; the
 * arguments are checked against the method's shape ({@link ArgumentBounds}) before they are decoded,
 * so that no length a client claims is allocated unless its bytes are there.
 * <p>
 * The methods a client may send, with their shapes, are listed here from the AMQP 0-9-1
 * specification and RabbitMQ's extensions (connection.update-secret). A method only a server sends,
 * sent by a client, is {@link ReplyCode#COMMAND_INVALID}; an id that names no method is
 * {@link ReplyCode#NOT_IMPLEMENTED}. Stateless and thread-safe.
 */
public final class MethodCodec
{
    /** Shapes of the methods a client may send, by class and method id. */
    private static final Map<Integer, String> CLIENT_METHODS = new HashMap<>();
    /** Methods only a server sends (known, but not from a client). */
    private static final Map<Integer, String> SERVER_METHODS = new HashMap<>();

    static
    {
        client(10, 11, "FSXS");       // connection.start-ok
        client(10, 21, "X");          // connection.secure-ok
        client(10, 31, "sls");        // connection.tune-ok
        client(10, 40, "SSb");        // connection.open
        client(10, 50, "sSss");       // connection.close
        client(10, 51, "");           // connection.close-ok
        client(10, 70, "XS");         // connection.update-secret (RabbitMQ)
        client(20, 10, "S");          // channel.open
        client(20, 20, "b");          // channel.flow
        client(20, 21, "b");          // channel.flow-ok
        client(20, 40, "sSss");       // channel.close
        client(20, 41, "");           // channel.close-ok
        client(30, 10, "Sbbbbb");     // access.request (deprecated)
        client(40, 10, "sSSbbbbbF");  // exchange.declare
        client(40, 20, "sSbb");       // exchange.delete
        client(40, 30, "sSSSbF");     // exchange.bind (RabbitMQ)
        client(40, 40, "sSSSbF");     // exchange.unbind (RabbitMQ)
        client(50, 10, "sSbbbbbF");   // queue.declare
        client(50, 20, "sSSSbF");     // queue.bind
        client(50, 30, "sSb");        // queue.purge
        client(50, 40, "sSbbb");      // queue.delete
        client(50, 50, "sSSSF");      // queue.unbind
        client(60, 10, "lsb");        // basic.qos
        client(60, 20, "sSSbbbbF");   // basic.consume
        client(60, 30, "Sb");         // basic.cancel
        client(60, 31, "S");          // basic.cancel-ok (an answer to a server's basic.cancel)
        client(60, 40, "sSSbb");      // basic.publish
        client(60, 70, "sSb");        // basic.get
        client(60, 80, "Lb");         // basic.ack
        client(60, 90, "Lb");         // basic.reject
        client(60, 100, "b");         // basic.recover-async
        client(60, 110, "b");         // basic.recover
        client(60, 120, "Lbb");       // basic.nack
        client(85, 10, "b");          // confirm.select (RabbitMQ)
        client(90, 10, "");           // tx.select
        client(90, 20, "");           // tx.commit
        client(90, 30, "");           // tx.rollback

        server(10, 10, "connection.start");
        server(10, 20, "connection.secure");
        server(10, 30, "connection.tune");
        server(10, 41, "connection.open-ok");
        server(10, 60, "connection.blocked");
        server(10, 61, "connection.unblocked");
        server(10, 71, "connection.update-secret-ok");
        server(20, 11, "channel.open-ok");
        server(30, 11, "access.request-ok");
        server(40, 11, "exchange.declare-ok");
        server(40, 21, "exchange.delete-ok");
        server(40, 31, "exchange.bind-ok");
        server(40, 51, "exchange.unbind-ok");
        server(50, 11, "queue.declare-ok");
        server(50, 21, "queue.bind-ok");
        server(50, 31, "queue.purge-ok");
        server(50, 41, "queue.delete-ok");
        server(50, 51, "queue.unbind-ok");
        server(60, 11, "basic.qos-ok");
        server(60, 21, "basic.consume-ok");
        server(60, 50, "basic.return");
        server(60, 60, "basic.deliver");
        server(60, 71, "basic.get-ok");
        server(60, 72, "basic.get-empty");
        server(60, 111, "basic.recover-ok");
        server(85, 11, "confirm.select-ok");
        server(90, 11, "tx.select-ok");
        server(90, 21, "tx.commit-ok");
        server(90, 31, "tx.rollback-ok");
    }

    private MethodCodec()
    {
    }

    private static void client(final int classId, final int methodId, final String shape)
    {
        CLIENT_METHODS.put(key(classId, methodId), shape);
    }

    private static void server(final int classId, final int methodId, final String name)
    {
        SERVER_METHODS.put(key(classId, methodId), name);
    }

    private static int key(final int classId, final int methodId)
    {
        return classId << 16 | methodId;
    }

    /**
     * @param payload a method frame's payload, from its reader index to its writer index.
     * @return the payload's class id, or -1 if it is too short to hold one.
     */
    public static int classId(final ByteBuf payload)
    {
        return payload.readableBytes() < 4 ? -1 : payload.getUnsignedShort(payload.readerIndex());
    }

    /**
     * @param payload a method frame's payload.
     * @return the payload's method id, or -1 if it is too short to hold one.
     */
    public static int methodId(final ByteBuf payload)
    {
        return payload.readableBytes() < 4 ? -1 : payload.getUnsignedShort(payload.readerIndex() + 2);
    }

    /**
     * Decode a method a client sent. The buffer's reader index is not moved.
     *
     * @param payload a method frame's payload, from its reader index to its writer index.
     * @return the method.
     * @throws AmqpError {@link ReplyCode#FRAME_ERROR} for a payload too short to name a method,
     *                   {@link ReplyCode#NOT_IMPLEMENTED} for ids that name no method,
     *                   {@link ReplyCode#COMMAND_INVALID} for a method only a server sends,
     *                   {@link ReplyCode#SYNTAX_ERROR} for arguments that do not fit the frame or do
     *                   not decode.
     */
    public static Method read(final ByteBuf payload) throws AmqpError
    {
        if (payload.readableBytes() < 4)
        {
            throw new AmqpError(ReplyCode.FRAME_ERROR, "a method frame of " + payload.readableBytes() +
                " bytes, too short for its class and method ids");
        }
        final int classId = classId(payload);
        final int methodId = methodId(payload);
        final String shape = CLIENT_METHODS.get(key(classId, methodId));
        if (shape == null)
        {
            final String serverMethod = SERVER_METHODS.get(key(classId, methodId));
            if (serverMethod != null)
            {
                throw new AmqpError(ReplyCode.COMMAND_INVALID, serverMethod + " is sent by servers, not clients",
                    classId, methodId);
            }
            throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "unknown method (class " + classId + ", method " +
                methodId + ")", classId, methodId);
        }
        final int start = payload.readerIndex();
        final String outOfBounds = ArgumentBounds.check(payload, start + 4, payload.writerIndex(), shape);
        if (outOfBounds != null)
        {
            throw new AmqpError(ReplyCode.SYNTAX_ERROR, "malformed method (class " + classId + ", method " +
                methodId + "): " + outOfBounds, classId, methodId);
        }
        try (DataInputStream in = new DataInputStream(new ByteBufInputStream(payload.duplicate())))
        {
            return AMQImpl.readMethodFrom(in);
        }
        catch (final UnknownClassOrMethodId ex)
        {
            throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "unknown method (class " + classId + ", method " +
                methodId + ")", classId, methodId);
        }
        catch (final IOException | RuntimeException ex)
        {
            throw new AmqpError(ReplyCode.SYNTAX_ERROR, "malformed method (class " + classId + ", method " +
                methodId + "): " + ex.getMessage(), classId, methodId);
        }
    }

    /**
     * Write a method frame.
     *
     * @param out     where to write it.
     * @param channel the channel.
     * @param method  the method.
     */
    public static void write(final ByteBuf out, final int channel, final Method method)
    {
        final int start = Frames.beginFrame(out, Frames.METHOD, channel);
        out.writeShort(method.protocolClassId()).writeShort(method.protocolMethodId());
        try (DataOutputStream stream = new DataOutputStream(new ByteBufOutputStream(out)))
        {
            final MethodArgumentWriter writer = new MethodArgumentWriter(new ValueWriter(stream));
            method.writeArgumentsTo(writer);
            writer.flush();
        }
        catch (final IOException ex)
        {
            // A ByteBuf grows as it is written; the writers throw only for values no method of ours holds.
            throw new IllegalArgumentException("cannot encode " + method.protocolMethodName(), ex);
        }
        Frames.endFrame(out, start);
    }
}
