package io.robustmq.plugin.api.storage;

import java.util.Objects;
import java.util.UUID;

/**
 * The identity of a topic's shard: which topic, in which of its lives, and which partition. A
 * topic deleted and created again under the same name has another {@code topicId}, and so other
 * shards: what the old topic stored is never served as the new one's.
 *
 * @param topic     the topic's name.
 * @param topicId   the topic's id ({@link io.robustmq.plugin.api.metadata.TopicInfo#id()}).
 * @param partition the shard's index in the topic, from 0.
 */
public record ShardId(String topic, UUID topicId, int partition)
{
    /**
     * Validates the fields.
     */
    public ShardId
    {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(topicId, "topicId");
        if (topic.isEmpty())
        {
            throw new IllegalArgumentException("a topic's name must not be empty");
        }
        if (partition < 0)
        {
            throw new IllegalArgumentException("a partition is not negative: " + partition);
        }
    }

    /**
     * @return {@code <topic>-<partition>}, Kafka's way to name a partition: a label for people, not
     * an identity (a topic's name may itself end in {@code -<digits>}).
     */
    public String label()
    {
        return topic + "-" + partition;
    }
}
