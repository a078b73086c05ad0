package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.LongStringHelper;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The methods of the connection and channel classes as the server reads and writes them: their ids,
 * what a client's method says, and the methods the server answers with. Reading and writing go through
 * {@link MethodCodec}.
 */
public final class Methods
{
    /** The connection class. */
    public static final int CONNECTION = 10;
    /** connection.update-secret (RabbitMQ). */
    public static final int CONNECTION_UPDATE_SECRET = 70;
    /** The channel class. */
    public static final int CHANNEL = 20;
    /** channel.open. */
    public static final int CHANNEL_OPEN = 10;
    /** channel.flow. */
    public static final int CHANNEL_FLOW = 20;
    /** channel.close. */
    public static final int CHANNEL_CLOSE = 40;

    private static final int CONNECTION_CLOSE = 50;
    private static final int CONNECTION_CLOSE_OK = 51;
    private static final int CHANNEL_CLOSE_OK = 41;
    private static final int BASIC = 60;
    private static final int BASIC_ACK = 80;
    private static final int BASIC_PUBLISH = 40;
    /** basic.ack's payload: class and method ids, the delivery tag, the bits. */
    private static final int BASIC_ACK_BYTES = 2 + 2 + 8 + 1;

    /**
     * What connection.start-ok says.
     *
     * @param mechanism              the login mechanism chosen.
     * @param response               the mechanism's response.
     * @param consumerCancelNotify   whether the client's capabilities ask for basic.cancel when a
     *                               consumer's queue is deleted.
     * @param connectionBlocked      whether they ask for connection.blocked and unblocked.
     */
    public record StartOk(String mechanism, byte[] response, boolean consumerCancelNotify, boolean connectionBlocked)
    {
    }

    /**
     * What connection.tune-ok says.
     *
     * @param channelMax       the client's channel-max (0: no limit of its own).
     * @param frameMax         the client's frame-max, unsigned (0: no limit of its own).
     * @param heartbeatSeconds the heartbeat interval (0: none).
     */
    public record TuneOk(int channelMax, long frameMax, int heartbeatSeconds)
    {
    }

    private Methods()
    {
    }

    /**
     * @param payload a method frame's payload.
     * @return the method it holds.
     * @throws AmqpError as {@link MethodCodec#read}.
     */
    public static Method read(final ByteBuf payload) throws AmqpError
    {
        return MethodCodec.read(payload);
    }

    /**
     * @param payload a method frame's payload.
     * @return true if it is a well-formed basic.publish (class 60, method 40, the reserved short, the
     * exchange and routing key as short strings, the bits, nothing more): {@link PublishReader} reads it.
     */
    public static boolean isBasicPublish(final ByteBuf payload)
    {
        final int at = payload.readerIndex();
        final int end = payload.writerIndex();
        if (end - at < 4 + 2 + 1 + 1 + 1 || payload.getUnsignedShort(at) != BASIC ||
            payload.getUnsignedShort(at + 2) != BASIC_PUBLISH)
        {
            return false;
        }
        final int routingKeyAt = at + 6 + 1 + payload.getUnsignedByte(at + 6);
        return routingKeyAt < end && routingKeyAt + 1 + payload.getUnsignedByte(routingKeyAt) + 1 == end;
    }

    /**
     * @param payload a method frame's payload.
     * @return true if it is a well-formed basic.ack (class 60, method 80, a delivery tag and the
     * multiple bit, nothing more): {@link #basicAckDeliveryTag} and {@link #basicAckMultiple} read it.
     */
    public static boolean isBasicAck(final ByteBuf payload)
    {
        final int at = payload.readerIndex();
        return payload.readableBytes() == BASIC_ACK_BYTES && payload.getUnsignedShort(at) == BASIC &&
            payload.getUnsignedShort(at + 2) == BASIC_ACK;
    }

    /**
     * @param payload a basic.ack's payload ({@link #isBasicAck}).
     * @return its delivery tag.
     */
    public static long basicAckDeliveryTag(final ByteBuf payload)
    {
        return payload.getLong(payload.readerIndex() + 4);
    }

    /**
     * @param payload a basic.ack's payload ({@link #isBasicAck}).
     * @return its multiple bit.
     */
    public static boolean basicAckMultiple(final ByteBuf payload)
    {
        return (payload.getByte(payload.readerIndex() + 12) & 1) != 0;
    }

    /**
     * @param payload a method frame's payload.
     * @return its class id, or -1 if it is too short for one.
     */
    public static int classIdOf(final ByteBuf payload)
    {
        return MethodCodec.classId(payload);
    }

    /**
     * Write a method frame.
     *
     * @param out     where.
     * @param channel the channel.
     * @param method  the method.
     */
    public static void write(final ByteBuf out, final int channel, final Method method)
    {
        MethodCodec.write(out, channel, method);
    }

    /**
     * @param method a method.
     * @return connection.start-ok's fields.
     * @throws AmqpError {@link ReplyCode#COMMAND_INVALID} if it is another method.
     */
    public static StartOk startOk(final Method method) throws AmqpError
    {
        if (method instanceof AMQImpl.Connection.StartOk startOk)
        {
            final Object capabilities = startOk.getClientProperties() == null ? null :
                startOk.getClientProperties().get("capabilities");
            final boolean cancelNotify = capabilities instanceof Map<?, ?> offered &&
                Boolean.TRUE.equals(offered.get("consumer_cancel_notify"));
            final boolean blocked = capabilities instanceof Map<?, ?> offered &&
                Boolean.TRUE.equals(offered.get("connection.blocked"));
            return new StartOk(startOk.getMechanism(), startOk.getResponse().getBytes(), cancelNotify, blocked);
        }
        throw unexpected(method, "connection.start-ok");
    }

    /**
     * @param method a method.
     * @return connection.tune-ok's fields.
     * @throws AmqpError {@link ReplyCode#COMMAND_INVALID} if it is another method.
     */
    public static TuneOk tuneOk(final Method method) throws AmqpError
    {
        if (method instanceof AMQImpl.Connection.TuneOk tuneOk)
        {
            return new TuneOk(tuneOk.getChannelMax(), Integer.toUnsignedLong(tuneOk.getFrameMax()), tuneOk.getHeartbeat());
        }
        throw unexpected(method, "connection.tune-ok");
    }

    /**
     * @param method a method.
     * @return the virtual host connection.open asks for.
     * @throws AmqpError {@link ReplyCode#COMMAND_INVALID} if it is another method.
     */
    public static String open(final Method method) throws AmqpError
    {
        if (method instanceof AMQImpl.Connection.Open open)
        {
            return open.getVirtualHost();
        }
        throw unexpected(method, "connection.open");
    }

    private static AmqpError unexpected(final Method method, final String expected)
    {
        return new AmqpError(ReplyCode.COMMAND_INVALID, "expected " + expected + ", got " + method.protocolMethodName(),
            method.protocolClassId(), method.protocolMethodId());
    }

    /**
     * @param method a method.
     * @return true for connection.close.
     */
    public static boolean isConnectionClose(final Method method)
    {
        return is(method, CONNECTION, CONNECTION_CLOSE);
    }

    /**
     * @param method a method.
     * @return true for connection.close-ok.
     */
    public static boolean isConnectionCloseOk(final Method method)
    {
        return is(method, CONNECTION, CONNECTION_CLOSE_OK);
    }

    /**
     * @param method a method.
     * @return true for channel.open.
     */
    public static boolean isChannelOpen(final Method method)
    {
        return is(method, CHANNEL, CHANNEL_OPEN);
    }

    /**
     * @param method a method.
     * @return true for channel.close.
     */
    public static boolean isChannelClose(final Method method)
    {
        return is(method, CHANNEL, CHANNEL_CLOSE);
    }

    /**
     * @param method a method.
     * @return true for channel.close-ok.
     */
    public static boolean isChannelCloseOk(final Method method)
    {
        return is(method, CHANNEL, CHANNEL_CLOSE_OK);
    }

    private static boolean is(final Method method, final int classId, final int methodId)
    {
        return method.protocolClassId() == classId && method.protocolMethodId() == methodId;
    }

    /**
     * @param method channel.flow.
     * @return whether it asks for deliveries to flow.
     */
    public static boolean flowActive(final Method method)
    {
        return ((AMQImpl.Channel.Flow)method).getActive();
    }

    /**
     * connection.start: version 0-9, the server's properties and capabilities (what RabbitMQ's
     * clients read), the mechanisms {@link Login#MECHANISMS}, the locale {@code en_US}.
     *
     * @param clusterName  the cluster's name.
     * @param capabilities the protocol extensions this server implements, each true.
     * @return the method.
     */
    public static Method connectionStart(final String clusterName, final Iterable<String> capabilities)
    {
        final Map<String, Object> offered = new LinkedHashMap<>();
        for (final String capability : capabilities)
        {
            offered.put(capability, Boolean.TRUE);
        }
        final Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("product", "RobustMQ");
        properties.put("version", version());
        properties.put("platform", "Java " + Runtime.version().feature());
        properties.put("cluster_name", clusterName);
        properties.put("information", "AMQP 0-9-1 on RobustMQ, a storage-centred message broker");
        properties.put("capabilities", offered);
        return new AMQImpl.Connection.Start(0, 9, properties, LongStringHelper.asLongString(Login.MECHANISMS),
            LongStringHelper.asLongString("en_US"));
    }

    private static String version()
    {
        final String version = Methods.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }

    /**
     * @param channelMax       the most channels.
     * @param frameMax         the largest frame.
     * @param heartbeatSeconds the heartbeat interval offered.
     * @return connection.tune.
     */
    public static Method connectionTune(final int channelMax, final int frameMax, final int heartbeatSeconds)
    {
        return new AMQImpl.Connection.Tune(channelMax, frameMax, heartbeatSeconds);
    }

    /**
     * @return connection.open-ok.
     */
    public static Method connectionOpenOk()
    {
        return new AMQImpl.Connection.OpenOk("");
    }

    /**
     * @param reason why.
     * @return connection.blocked (RabbitMQ): the server reads no more of the client's publishes for now.
     */
    public static Method connectionBlocked(final String reason)
    {
        return new AMQImpl.Connection.Blocked(reason);
    }

    /**
     * @return connection.unblocked (RabbitMQ).
     */
    public static Method connectionUnblocked()
    {
        return new AMQImpl.Connection.Unblocked();
    }

    /**
     * @return connection.close-ok.
     */
    public static Method connectionCloseOk()
    {
        return new AMQImpl.Connection.CloseOk();
    }

    /**
     * @param replyCode the reply code.
     * @param replyText the reply text.
     * @param classId   the class of the method that caused it, or 0.
     * @param methodId  the method that caused it, or 0.
     * @return connection.close.
     */
    public static Method connectionClose(final int replyCode, final String replyText, final int classId,
        final int methodId)
    {
        return new AMQImpl.Connection.Close(replyCode, shortString(replyText), classId, methodId);
    }

    /**
     * @return channel.open-ok.
     */
    public static Method channelOpenOk()
    {
        return new AMQImpl.Channel.OpenOk(LongStringHelper.asLongString(""));
    }

    /**
     * @return channel.close-ok.
     */
    public static Method channelCloseOk()
    {
        return new AMQImpl.Channel.CloseOk();
    }

    /**
     * @param active whether deliveries flow.
     * @return channel.flow-ok.
     */
    public static Method channelFlowOk(final boolean active)
    {
        return new AMQImpl.Channel.FlowOk(active);
    }

    /**
     * @param replyCode the reply code.
     * @param replyText the reply text.
     * @param classId   the class of the method that caused it, or 0.
     * @param methodId  the method that caused it, or 0.
     * @return channel.close.
     */
    public static Method channelClose(final int replyCode, final String replyText, final int classId, final int methodId)
    {
        return new AMQImpl.Channel.Close(replyCode, shortString(replyText), classId, methodId);
    }

    /**
     * @param text a text.
     * @return the text, cut to what a shortstr holds (255 bytes of UTF-8).
     */
    static String shortString(final String text)
    {
        final byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        if (bytes.length <= 255)
        {
            return text;
        }
        int end = 255;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
        {
            end--;
        }
        return new String(bytes, 0, end, java.nio.charset.StandardCharsets.UTF_8);
    }
}
