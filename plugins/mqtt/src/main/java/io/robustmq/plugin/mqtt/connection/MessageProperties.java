package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.robustmq.plugin.mqtt.broker.Message;

/**
 * The MQTT 5 properties of a PUBLISH as the broker passes them on: the ones a publisher gives
 * every subscriber (payload format, content type, response topic, correlation data, user
 * properties), and those set per delivery (the remaining expiry interval, the subscription
 * identifier). A topic alias is never forwarded.
 */
final class MessageProperties
{
    private static final int[] FORWARDED = {
        MqttProperties.PAYLOAD_FORMAT_INDICATOR,
        MqttProperties.CONTENT_TYPE,
        MqttProperties.RESPONSE_TOPIC,
        MqttProperties.CORRELATION_DATA,
        MqttProperties.USER_PROPERTY
    };

    private MessageProperties()
    {
    }

    /**
     * @param published the properties of a PUBLISH (or of a will).
     * @return the ones every subscriber is given, or {@link MqttProperties#NO_PROPERTIES}.
     */
    static MqttProperties forwarded(final MqttProperties published)
    {
        if (published == null || published.isEmpty())
        {
            return MqttProperties.NO_PROPERTIES;
        }
        MqttProperties kept = null;
        for (final int id : FORWARDED)
        {
            for (final MqttProperties.MqttProperty<?> property : published.getProperties(id))
            {
                if (kept == null)
                {
                    kept = new MqttProperties();
                }
                kept.add(property);
            }
        }
        return kept == null ? MqttProperties.NO_PROPERTIES : kept;
    }

    /**
     * @param message        the message delivered.
     * @param subscriptionId the subscription's identifier, or 0.
     * @param nowMillis      wall-clock time now.
     * @return the properties of this delivery.
     */
    static MqttProperties delivered(final Message message, final int subscriptionId, final long nowMillis)
    {
        final long expiry = message.remainingExpirySeconds(nowMillis);
        if (subscriptionId == 0 && expiry < 0)
        {
            return message.properties();
        }
        final MqttProperties properties = new MqttProperties();
        for (final MqttProperties.MqttProperty<?> property : message.properties().listAll())
        {
            properties.add(property);
        }
        if (expiry >= 0)
        {
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, (int)expiry));
        }
        if (subscriptionId > 0)
        {
            properties.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, subscriptionId));
        }
        return properties;
    }

    /**
     * @param properties a delivery's properties (never changed: they may be shared).
     * @param alias      a topic alias.
     * @return a copy with the Topic Alias added.
     */
    static MqttProperties withTopicAlias(final MqttProperties properties, final int alias)
    {
        final MqttProperties copy = new MqttProperties();
        for (final MqttProperties.MqttProperty<?> property : properties.listAll())
        {
            copy.add(property);
        }
        copy.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, alias));
        return copy;
    }

    /**
     * @param properties properties to encode.
     * @return an upper bound of their encoded length, the length prefix included.
     */
    static long encodedLength(final MqttProperties properties)
    {
        long length = 4;
        for (final MqttProperties.MqttProperty<?> property : properties.listAll())
        {
            final Object value = property.value();
            if (value instanceof String text)
            {
                length += 3 + ByteBufUtil.utf8Bytes(text);
            }
            else if (value instanceof byte[] bytes)
            {
                length += 3 + bytes.length;
            }
            else if (value instanceof java.util.List<?> pairs)
            {
                for (final Object pair : pairs)
                {
                    final MqttProperties.StringPair stringPair = (MqttProperties.StringPair)pair;
                    length += 5 + ByteBufUtil.utf8Bytes(stringPair.key) + ByteBufUtil.utf8Bytes(stringPair.value);
                }
            }
            else
            {
                length += 5;
            }
        }
        return length;
    }
}
