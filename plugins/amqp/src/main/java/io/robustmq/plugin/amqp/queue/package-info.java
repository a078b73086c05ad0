/**
 * Queues: their arguments, and their messages' storage (one topic of one shard per queue).
 */
package io.robustmq.plugin.amqp.queue;
