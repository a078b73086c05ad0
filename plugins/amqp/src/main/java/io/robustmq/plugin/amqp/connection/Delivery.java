package io.robustmq.plugin.amqp.connection;

import io.robustmq.plugin.amqp.queue.QueueRuntime;

/**
 * A message delivered on a channel and not yet acknowledged.
 *
 * @param queue    the queue it came from.
 * @param offset   its delivery id in the queue: its offset in its shard, with its priority level (see
 *                 QueueRuntime#deliveryId).
 * @param consumer the consumer it went to, or null for basic.get.
 */
record Delivery(QueueRuntime queue, long offset, ChannelConsumer consumer)
{
}
