package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.api.metadata.TopicChange;
import io.robustmq.plugin.api.metadata.TopicInfo;
import org.apache.kafka.common.protocol.Errors;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Changes a topic's configs for AlterConfigs and IncrementalAlterConfigs: checks the request as a
 * Kafka broker would (the resource, the caller's ALTER right, each config), then asks the Meta
 * Service for the change. Only topics' configs change: a broker's are the node's configuration
 * file, read at start.
 */
final class TopicAlterer
{
    /** Kafka's config resource types. */
    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte BROKER_LOGGER = 8;

    /**
     * One config to set, or (value null) to restore to its default; {@code refusal} if the request
     * already makes it invalid (an operation that does not apply).
     */
    record Config(String name, String value, String refusal)
    {
    }

    /**
     * What to answer for a resource.
     */
    record Outcome(Errors error, String message)
    {
        static final Outcome DONE = new Outcome(Errors.NONE, null);
    }

    private final Metadata metadata;
    private final Access access;

    TopicAlterer(final Metadata metadata)
    {
        this.metadata = metadata;
        this.access = new Access(metadata);
    }

    /**
     * @param connection   who asks.
     * @param resourceType Kafka's resource type.
     * @param name         the resource's name.
     * @param configs      the configs to change.
     * @param restoreOthers true to restore every retention limit and the segment size not named (AlterConfigs replaces
     *                      a resource's whole set), false to leave them (IncrementalAlterConfigs).
     * @param validateOnly true to check without changing anything.
     * @return the outcome, once the change is made.
     */
    CompletableFuture<Outcome> alter(final ClientConnection connection, final byte resourceType, final String name,
        final List<Config> configs, final boolean restoreOthers, final boolean validateOnly)
    {
        if (resourceType == BROKER || resourceType == BROKER_LOGGER)
        {
            return done(Errors.INVALID_REQUEST, "a broker's configs are the node's configuration file (" +
                "[plugins.kafka]), read at start; they cannot be changed at run time");
        }
        if (resourceType != TOPIC)
        {
            return done(Errors.INVALID_REQUEST, "configs of resource type " + resourceType + " cannot be changed");
        }
        if (!access.topic(connection, AclOperation.ALTER, name))
        {
            return done(Errors.TOPIC_AUTHORIZATION_FAILED, "not allowed to alter " + name);
        }
        final java.util.Optional<TopicInfo> topic = metadata.topic(name);
        if (topic.isEmpty())
        {
            return done(Errors.UNKNOWN_TOPIC_OR_PARTITION, "no topic " + name);
        }
        final TopicConfigs.Alteration alteration = new TopicConfigs.Alteration();
        final Set<String> named = new HashSet<>();
        for (final Config config : configs)
        {
            if (!named.add(config.name()))
            {
                return done(Errors.INVALID_REQUEST, "the config " + config.name() + " is named twice");
            }
            final String refusal = config.refusal() != null ? config.refusal() :
                TopicConfigs.alter(topic.get(), config.name(), config.value(), alteration);
            if (refusal != null)
            {
                return done(Errors.INVALID_CONFIG, refusal);
            }
        }
        if (restoreOthers)
        {
            for (final String limit : List.of(TopicConfigs.RETENTION_MS, TopicConfigs.RETENTION_BYTES,
                TopicConfigs.SEGMENT_BYTES))
            {
                if (!named.contains(limit))
                {
                    TopicConfigs.alter(topic.get(), limit, null, alteration);
                }
            }
        }
        if (validateOnly || !alteration.changesAnything())
        {
            return CompletableFuture.completedFuture(Outcome.DONE);
        }
        return metadata.alterTopic(TopicChange.settings(name, alteration.retentionMs, alteration.retentionBytes,
            alteration.segmentBytes))
            .toCompletableFuture().handle((altered, failure) -> failure == null ? Outcome.DONE : failed(failure));
    }

    /**
     * @param failure why the Meta Service did not change a topic.
     * @return what to tell the client.
     */
    static Outcome failed(final Throwable failure)
    {
        final Throwable cause = Failures.cause(failure);
        if (cause instanceof MetadataException refused)
        {
            return switch (refused.reason())
            {
                case NOT_FOUND -> new Outcome(Errors.UNKNOWN_TOPIC_OR_PARTITION, refused.getMessage());
                case INVALID -> new Outcome(Errors.INVALID_REQUEST, refused.getMessage());
                default -> new Outcome(Errors.REQUEST_TIMED_OUT, refused.getMessage());
            };
        }
        return new Outcome(Errors.REQUEST_TIMED_OUT, String.valueOf(cause));
    }

    private static CompletableFuture<Outcome> done(final Errors error, final String message)
    {
        return CompletableFuture.completedFuture(new Outcome(error, message));
    }
}
