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
     * @return true if the consumer takes a delivery now: its channel's flow is on, its socket is
     * writable, and its prefetch (and its channel's) has room.
     */
    boolean canTake();

    /**
     * Deliver a message; the consumer counts it against its prefetch at once.
     *
     * @param queue       the queue.
     * @param offset      the message's offset in the queue's shard (what its acknowledgement names).
     * @param payload     the stored message (see {@link StoredMessage}), retained: the consumer releases it.
     * @param redelivered whether it was delivered before.
     */
    void deliver(QueueRuntime queue, long offset, ByteBuf payload, boolean redelivered);

    /**
     * The queue is gone (deleted): tell the client (basic.cancel) and forget the consumer.
     */
    void cancelled();
}
