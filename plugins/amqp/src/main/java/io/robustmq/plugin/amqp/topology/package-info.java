/**
 * Exchanges, queues and bindings: what they are, how the cluster's metadata keeps them (objects of
 * the owner {@code amqp}), this node's live view of them, and routing a message through them.
 */
package io.robustmq.plugin.amqp.topology;
