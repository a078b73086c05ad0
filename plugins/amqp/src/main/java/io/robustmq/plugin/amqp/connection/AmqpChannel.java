package io.robustmq.plugin.amqp.connection;

/**
 * One open channel of a connection.
 * <p>
 * Threading: the connection's event loop.
 */
final class AmqpChannel
{
    private final int number;
    private boolean closing;
    private volatile boolean flowActive = true;
    private String lastQueue = "";
    /** Deliveries not yet acknowledged, by delivery tag, in tag order. */
    private final java.util.LinkedHashMap<Long, Delivery> deliveries = new java.util.LinkedHashMap<>();
    /** Consumers by tag. */
    private final java.util.Map<String, ChannelConsumer> consumers = new java.util.HashMap<>();
    /** Unacknowledged deliveries of the channel's consumers, counted by the queues' loops too. */
    private final java.util.concurrent.atomic.AtomicInteger unacknowledged = new java.util.concurrent.atomic.AtomicInteger();
    private long lastDeliveryTag;
    private int consumerPrefetch;
    private volatile int channelPrefetch;
    private boolean confirming;
    private final Confirms confirms = new Confirms();
    private boolean confirmFlushScheduled;
    private long lastPublishTag;
    private Publishing publishing;

    /**
     * @param number the channel's number, 1 to the negotiated channel-max.
     */
    private final io.robustmq.plugin.amqp.codec.PublishReader publishReader = new io.robustmq.plugin.amqp.codec.PublishReader();

    /**
     * @return what reads this channel's basic.publish methods in place (the connection's loop only).
     */
    io.robustmq.plugin.amqp.codec.PublishReader publishReader()
    {
        return publishReader;
    }

    AmqpChannel(final int number)
    {
        this.number = number;
    }

    /**
     * @return the channel's number.
     */
    int number()
    {
        return number;
    }

    /**
     * @return true once the server has sent channel.close and waits for channel.close-ok: every other
     * method on the channel is discarded meanwhile (specification section 1.5.2.5).
     */
    boolean closing()
    {
        return closing;
    }

    /**
     * The server sent channel.close.
     */
    void startClosing()
    {
        closing = true;
    }

    /**
     * @return false while the client has asked, with channel.flow, for deliveries to stop.
     */
    boolean flowActive()
    {
        return flowActive;
    }

    /**
     * @param active the client's channel.flow.
     */
    void flowActive(final boolean active)
    {
        flowActive = active;
    }

    /**
     * @return the queue this channel declared last (what an empty queue name stands for), or empty.
     */
    String lastQueue()
    {
        return lastQueue;
    }

    /**
     * @param name the queue the channel just declared.
     */
    void lastQueue(final String name)
    {
        lastQueue = name;
    }

    /**
     * @return the deliveries not yet acknowledged, by delivery tag, in tag order.
     */
    java.util.LinkedHashMap<Long, Delivery> deliveries()
    {
        return deliveries;
    }

    /**
     * @return the channel's consumers, by tag.
     */
    java.util.Map<String, ChannelConsumer> consumers()
    {
        return consumers;
    }

    /**
     * @return the unacknowledged deliveries of the channel's consumers (for the channel's prefetch).
     */
    java.util.concurrent.atomic.AtomicInteger unacknowledged()
    {
        return unacknowledged;
    }

    /**
     * @return the next delivery tag.
     */
    long nextDeliveryTag()
    {
        return ++lastDeliveryTag;
    }

    /**
     * @return the prefetch of consumers started from now on (basic.qos, global false); 0 for none.
     */
    int consumerPrefetch()
    {
        return consumerPrefetch;
    }

    /**
     * @param prefetch basic.qos's count, global false.
     */
    void consumerPrefetch(final int prefetch)
    {
        consumerPrefetch = prefetch;
    }

    /**
     * @param prefetch basic.qos's count, global true: shared by the channel's consumers; 0 for none.
     */
    void channelPrefetch(final int prefetch)
    {
        channelPrefetch = prefetch;
    }

    /**
     * Count one more unacknowledged delivery if the channel's prefetch has room (any thread).
     *
     * @return true if counted.
     */
    boolean reserveChannelPrefetch()
    {
        while (true)
        {
            final int limit = channelPrefetch;
            final int count = unacknowledged.get();
            if (limit != 0 && count >= limit)
            {
                return false;
            }
            if (unacknowledged.compareAndSet(count, count + 1))
            {
                return true;
            }
        }
    }

    /**
     * @return true once confirm.select put the channel in confirm mode.
     */
    boolean confirming()
    {
        return confirming;
    }

    /**
     * Put the channel in confirm mode.
     */
    void confirm()
    {
        confirming = true;
    }

    /**
     * @return true while a flush of the channel's confirms is scheduled.
     */
    boolean confirmFlushScheduled()
    {
        return confirmFlushScheduled;
    }

    /**
     * @param scheduled whether a flush of the channel's confirms is scheduled.
     */
    void confirmFlushScheduled(final boolean scheduled)
    {
        confirmFlushScheduled = scheduled;
    }

    /**
     * @return the channel's publisher confirms, coalesced.
     */
    Confirms confirms()
    {
        return confirms;
    }

    /**
     * @return the next publish sequence number, in confirm mode.
     */
    long nextPublishTag()
    {
        return ++lastPublishTag;
    }

    /**
     * @return the message being received (basic.publish seen, its content not all yet), or null.
     */
    Publishing publishing()
    {
        return publishing;
    }

    /**
     * @param publishing the message being received, or null once it is complete.
     */
    void publishing(final Publishing publishing)
    {
        this.publishing = publishing;
    }
}
