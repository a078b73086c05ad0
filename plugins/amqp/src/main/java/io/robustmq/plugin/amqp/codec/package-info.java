/**
 * AMQP 0-9-1 on the wire: the protocol header, frames, the bounds of every argument a client sends,
 * and the method classes, which are RabbitMQ's Java client's generated ones
 * ({@code com.rabbitmq.client.impl.AMQImpl}). Every use of that client's classes stays in this
 * package: they are the client's implementation, pinned to one version, not a public API.
 */
package io.robustmq.plugin.amqp.codec;
