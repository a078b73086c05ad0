/**
 * Kafka consumer groups, classic protocol (JoinGroup, SyncGroup, Heartbeat, LeaveGroup): the
 * group coordinator's state machine, as Kafka's brokers run it. A group's membership lives in this
 * node's memory (after a restart its members join again, as after a coordinator moves in Kafka);
 * its committed offsets live in the cursor store and survive. Nothing here uses kafka-clients.
 */
package io.robustmq.plugin.kafka.group;
