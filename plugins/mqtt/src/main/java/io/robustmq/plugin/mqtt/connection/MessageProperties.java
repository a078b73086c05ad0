package io.robustmq.plugin.mqtt.connection;

import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * The MQTT 5 properties of a PUBLISH that the broker passes on: the ones a publisher gives every
 * subscriber (payload format, content type, response topic, correlation data, user properties).
 * A topic alias is never forwarded; those set per delivery (the remaining expiry interval, the
 * subscription identifier, the subscriber's own topic alias) are added by {@link PublishEncoder}.
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
}
