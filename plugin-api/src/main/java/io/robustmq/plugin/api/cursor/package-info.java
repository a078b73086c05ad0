/**
 * The cursor store: where consumers keep how far they have got in a shard, durably. Per consumer
 * group and shard, a committed offset (everything below it is acknowledged), a delivered mark, and
 * the offsets delivered but not yet acknowledged between the two. Kafka consumer-group commits and
 * AMQP queue acknowledgements both keep their state here.
 */
package io.robustmq.plugin.api.cursor;
