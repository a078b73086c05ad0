/**
 * Kafka partitions on RobustMQ shards: each partition is a topic's shard, holding record batches
 * as the producer sent them ({@link io.robustmq.plugin.api.storage.BatchFormat#KAFKA_RECORD_BATCH});
 * the batch's base offset, leader epoch and (for LogAppendTime topics' batches) timestamps are
 * stamped where the shard assigns offsets, and idempotent producers' sequences are checked there
 * too. Nothing here uses kafka-clients.
 */
package io.robustmq.plugin.kafka.partition;
