package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import org.apache.kafka.common.Uuid;

import java.util.Optional;
import java.util.UUID;

/**
 * Topics as Kafka names them: by name, or (newer Produce, Fetch and Metadata) by id.
 */
final class Topics
{
    /** Kafka's longest topic name. */
    static final int MAX_NAME_LENGTH = 249;

    private Topics()
    {
    }

    /**
     * @param metadata the cluster's metadata.
     * @param id       a topic id as Kafka writes it.
     * @return the topic with that id, now.
     */
    static Optional<TopicInfo> byId(final Metadata metadata, final Uuid id)
    {
        final UUID wanted = new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
        for (final TopicInfo topic : metadata.topics())
        {
            if (topic.id().equals(wanted))
            {
                return Optional.of(topic);
            }
        }
        return Optional.empty();
    }

    /**
     * @param topic a topic.
     * @return its id as Kafka writes it.
     */
    static Uuid kafkaId(final TopicInfo topic)
    {
        return new Uuid(topic.id().getMostSignificantBits(), topic.id().getLeastSignificantBits());
    }

    /**
     * @param name a topic name a client asked for.
     * @return why Kafka would refuse the name, or null if it is valid: 1 to 249 of {@code a-z A-Z
     * 0-9 . _ -}, and not {@code .} or {@code ..}.
     */
    static String invalidName(final String name)
    {
        if (name == null || name.isEmpty())
        {
            return "a topic name must not be empty";
        }
        if (name.equals(".") || name.equals(".."))
        {
            return "a topic name cannot be '.' or '..'";
        }
        if (name.length() > MAX_NAME_LENGTH)
        {
            return "a topic name is at most " + MAX_NAME_LENGTH + " characters";
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' ||
                c == '-'))
            {
                return "a topic name holds only ASCII letters, digits, '.', '_' and '-'";
            }
        }
        return null;
    }
}
