package io.robustmq.plugin.amqp.connection;

import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.topology.QueueDef;

import java.util.concurrent.CompletionStage;

/**
 * What a connection lends the classes that answer its methods: its context and writes, the pause of
 * its reading while an answer is awaited, and its errors. Threading: the connection's event loop.
 */
interface ConnectionWire
{
    /**
     * @return the connection's pipeline context.
     */
    ChannelHandlerContext ctx();

    /**
     * @return the negotiated frame-max.
     */
    int frameMax();

    /**
     * Write a method frame (flushed when the read completes).
     */
    void send(int channel, Method method);

    /**
     * Write frames made elsewhere (flushed when the read completes, or by {@link #flushSoon}).
     */
    void write(ByteBuf frames);

    /**
     * Flush now (for writes outside a read: confirms, deliveries).
     */
    void flush();

    /**
     * Flush once the event loop's current tasks are done (deliveries come in bursts).
     */
    void flushSoon();

    /**
     * Send a method's answer once it is known, reading nothing more meanwhile.
     *
     * @return true to go on reading now (it was known at once).
     */
    boolean answer(int channel, CompletionStage<Method> reply);

    /**
     * Close the channel or the connection, as the error's code says.
     */
    void fail(int channel, AmqpError error);

    /**
     * @return true if the channel is open and not closing, on an open connection.
     */
    boolean isOpen(AmqpChannel channel);

    /**
     * @return true if the client asked to be told of consumers its queues' deletion cancels
     * ({@code consumer_cancel_notify}).
     */
    boolean cancelNotify();

    /**
     * @param channel  the channel (an empty name is its last queue).
     * @param name     a queue's name.
     * @param methodId the method, for errors.
     * @return the queue, if it exists and this connection may use it.
     * @throws AmqpError 404 or 405.
     */
    QueueDef queue(AmqpChannel channel, String name, int methodId) throws AmqpError;

    /**
     * Read nothing more until {@link #resumeReading()} (an engine that cannot take more now).
     */
    void pauseReading();

    /**
     * Read again after {@link #pauseReading()}.
     */
    void resumeReading();

    /**
     * Tell the client, if it asked to be told ({@code connection.blocked} capability), that the
     * storage holds its publishes back (connection.blocked), or takes them again (connection.unblocked).
     *
     * @param storageFull true when held back.
     */
    void blocked(boolean storageFull);
}
