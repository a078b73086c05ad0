/**
 * One AMQP 0-9-1 connection: the handshake (protocol header, start, login, tune, open), its channels,
 * heartbeats, and the close handshakes that errors end in.
 */
package io.robustmq.plugin.amqp.connection;
