/**
 * The Kafka wire protocol, and the only package that touches kafka-clients' protocol classes
 * ({@code org.apache.kafka.common.message.*Data}, {@code ApiKeys}, the request and response
 * headers, the {@code Readable}/{@code Writable} accessors). Those are internal to Kafka and move
 * between versions: the plugin pins one version (the parent POM's {@code kafka.version}) and keeps
 * every use here, behind frames in, {@link io.robustmq.plugin.kafka.protocol.KafkaRequest}s, and
 * encoded responses out.
 */
package io.robustmq.plugin.kafka.protocol;
