package io.robustmq.plugin.mqtt.connection;

import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.topic.SharedSubscription;
import io.robustmq.plugin.mqtt.topic.TopicNames;

/**
 * The broker's terms for one topic filter of a SUBSCRIBE, from its settings: a well-formed filter,
 * shared subscriptions and wildcards only where they are available. No state of a connection.
 */
public final class SubscribeTerms
{
    private final MqttSettings settings;

    /**
     * @param plain   the filter without its {@code $share/group/} prefix, or null if it is malformed.
     * @param shared  the share group and filter, or null for an ordinary subscription.
     * @param refusal the MQTT 5 reason code refusing the filter, or 0 if the terms allow it.
     */
    record Filter(String plain, SharedSubscription shared, byte refusal)
    {
    }

    /**
     * @param settings the plugin's settings.
     */
    public SubscribeTerms(final MqttSettings settings)
    {
        this.settings = settings;
    }

    /**
     * @param filter a filter as the client wrote it.
     * @return what it asks for, and whether the terms allow it.
     */
    Filter check(final String filter)
    {
        final SharedSubscription shared;
        try
        {
            shared = SharedSubscription.parse(filter);
        }
        catch (final IllegalArgumentException ex)
        {
            return new Filter(null, null, Packets.TOPIC_FILTER_INVALID);
        }
        final String plain = shared == null ? filter : shared.filter();
        if (!TopicNames.validFilter(plain))
        {
            return new Filter(plain, shared, Packets.TOPIC_FILTER_INVALID);
        }
        if (shared != null && !settings.sharedSubscriptions())
        {
            return new Filter(plain, shared, Packets.SHARED_SUBSCRIPTIONS_NOT_SUPPORTED);
        }
        if (!settings.wildcardSubscriptions() && (plain.contains("+") || plain.contains("#")))
        {
            return new Filter(plain, shared, Packets.WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED);
        }
        return new Filter(plain, shared, (byte)0);
    }
}
