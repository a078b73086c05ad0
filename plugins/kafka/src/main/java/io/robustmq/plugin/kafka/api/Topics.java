package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import org.apache.kafka.common.Uuid;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.WeakHashMap;

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
        return IDS.computeIfAbsent(metadata, TopicIds::new).find(wanted);
    }

    /**
     * One index of topic ids per {@link Metadata} (one per plugin instance; weakly held, so a closed
     * plugin's goes with it).
     */
    private static final Map<Metadata, TopicIds> IDS = Collections.synchronizedMap(new WeakHashMap<>());

    /**
     * Topic names by id, rebuilt from the topic list when an id is not found, at most every
     * {@value #REBUILD_EVERY_MS} ms (so that a client naming unknown ids cannot make every request
     * scan every topic). A hit is checked against the metadata by name, so a deleted topic is never
     * answered.
     */
    private static final class TopicIds
    {
        private static final long REBUILD_EVERY_MS = 100;
        private final Metadata metadata;
        private volatile Map<UUID, String> names = Map.of();
        private volatile long rebuiltAtNs = System.nanoTime() - java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

        TopicIds(final Metadata metadata)
        {
            this.metadata = metadata;
        }

        Optional<TopicInfo> find(final UUID id)
        {
            final Optional<TopicInfo> known = lookUp(id);
            if (known.isPresent() ||
                System.nanoTime() - rebuiltAtNs < java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(REBUILD_EVERY_MS))
            {
                return known;
            }
            final Map<UUID, String> fresh = new HashMap<>();
            for (final TopicInfo topic : metadata.topics())
            {
                fresh.put(topic.id(), topic.name());
            }
            names = fresh;
            rebuiltAtNs = System.nanoTime();
            return lookUp(id);
        }

        private Optional<TopicInfo> lookUp(final UUID id)
        {
            final String name = names.get(id);
            return name == null ? Optional.empty() : metadata.topic(name).filter(topic -> topic.id().equals(id));
        }
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
