package io.robustmq.plugin.amqp.queue;

import io.netty.buffer.ByteBuf;

/**
 * What a queue delivers to: a consumer (basic.consume) on some connection's channel. The queue calls
 * it on the queue's own event loop; the consumer hands deliveries to its connection's event loop.
 */
public interface QueueConsumer
{
    /**
     * @return true if the consumer acknowledges nothing (no-ack): a delivery counts as acknowledged.
     */
    boolean noAck();

    /**
     * Reserve room for one delivery: the consumer's channel's flow is on, its socket is writable, and
     * its prefetch (and its channel's, shared with other queues' deliveries) has room. A reservation
     * is used by {@link #deliver} or given back by {@link #unreserve}.
     *
     * @return true if the consumer takes a delivery now, reserved.
     */
    boolean reserve();

    /**
     * Give back a reservation no delivery used (the message was gone, or the cursor store was full).
     */
    void unreserve();

    /**
     * Deliver a message, on a reservation; it counts against the prefetch until it is settled.
     *
     * @param queue       the queue.
     * @param offset      the message's delivery id in the queue (what its acknowledgement names): its
     *                    offset in its shard, with its priority level ({@link QueueRuntime#deliveryId}).
     * @param payload     the stored message (see {@link StoredMessage}), retained: the consumer releases it.
     * @param redelivered whether it was delivered before.
     */
    void deliver(QueueRuntime queue, long offset, ByteBuf payload, boolean redelivered);

    /**
     * The queue is gone (deleted): tell the client (basic.cancel) and forget the consumer.
     */
    void cancelled();
}
