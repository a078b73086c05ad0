/**
 * One class per Kafka API the broker answers, each turning a request's generated message into its
 * response's. With {@link io.robustmq.plugin.kafka.protocol}, the only code that uses kafka-clients'
 * message classes; the partitions they act on ({@link io.robustmq.plugin.kafka.partition}) know
 * nothing of them.
 */
package io.robustmq.plugin.kafka.api;
