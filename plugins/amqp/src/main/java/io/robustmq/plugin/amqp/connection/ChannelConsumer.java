package io.robustmq.plugin.amqp.connection;

import io.netty.buffer.ByteBuf;
import io.robustmq.plugin.amqp.queue.QueueConsumer;
import io.robustmq.plugin.amqp.queue.QueueRuntime;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A consumer (basic.consume) on a channel: what its queue delivers to. The queue calls it on the
 * queue's event loop; deliveries are handed to the connection's.
 */
final class ChannelConsumer implements QueueConsumer
{
    private final String tag;
    private final AmqpChannel channel;
    private final BasicMethods basic;
    private final QueueRuntime queue;
    private final boolean noAck;
    private final int prefetch;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** The tag as basic.deliver carries it, encoded once. */
    private final byte[] encodedTag;
    /** Set on the connection's loop once consume-ok is written: nothing is delivered before. */
    private volatile boolean started;

    /**
     * @param tag      the consumer tag.
     * @param channel  its channel.
     * @param basic    the connection's basic class, which writes deliveries.
     * @param queue    its queue.
     * @param noAck    whether it acknowledges nothing.
     * @param prefetch the most unacknowledged deliveries it may hold, 0 for no limit.
     */
    ChannelConsumer(final String tag, final AmqpChannel channel, final BasicMethods basic, final QueueRuntime queue,
        final boolean noAck, final int prefetch)
    {
        this.tag = tag;
        this.encodedTag = io.robustmq.plugin.amqp.codec.Content.shortString(tag);
        this.channel = channel;
        this.basic = basic;
        this.queue = queue;
        this.noAck = noAck;
        this.prefetch = prefetch;
    }

    String tag()
    {
        return tag;
    }

    byte[] encodedTag()
    {
        return encodedTag;
    }

    QueueRuntime queue()
    {
        return queue;
    }

    AmqpChannel channel()
    {
        return channel;
    }

    @Override
    public boolean noAck()
    {
        return noAck;
    }

    /**
     * Its consume-ok is written (or it was nowait): the queue may deliver to it from now on.
     */
    void start()
    {
        started = true;
        queue.creditReturned();
    }

    @Override
    public boolean reserve()
    {
        if (!started || !channel.flowActive() || !basic.writable())
        {
            return false;
        }
        if (noAck)
        {
            return true;
        }
        // The consumer's own count is its queue's loop's alone; the channel's is shared between the
        // queues its consumers read, so it is reserved with a compare-and-set.
        return (prefetch == 0 || inFlight.get() < prefetch) && channel.reserveChannelPrefetch();
    }

    @Override
    public void unreserve()
    {
        if (!noAck)
        {
            channel.unacknowledged().decrementAndGet();
        }
    }

    @Override
    public void deliver(final QueueRuntime from, final long offset, final ByteBuf payload, final boolean redelivered)
    {
        if (!noAck)
        {
            inFlight.incrementAndGet();
        }
        basic.deliverLater(this, offset, payload, redelivered);
    }

    /**
     * One of its deliveries is settled (acknowledged, rejected, requeued).
     */
    void settled()
    {
        inFlight.decrementAndGet();
        channel.unacknowledged().decrementAndGet();
        queue.creditReturned();
    }

    @Override
    public void cancelled()
    {
        basic.cancelledByQueue(this);
    }
}
