/**
 * MQTT topics: the syntax of topic names and filters ({@link io.robustmq.plugin.mqtt.topic.TopicNames}),
 * shared subscriptions ({@link io.robustmq.plugin.mqtt.topic.SharedSubscription}), and the index
 * of a node's subscriptions that finds the subscribers of a published topic
 * ({@link io.robustmq.plugin.mqtt.topic.SubscriptionTrie}), as MQTT 3.1.1 and 5.0 section 4.7 and
 * MQTT 5.0 section 4.8.2 define them. Nothing here knows about connections or sessions.
 */
package io.robustmq.plugin.mqtt.topic;
