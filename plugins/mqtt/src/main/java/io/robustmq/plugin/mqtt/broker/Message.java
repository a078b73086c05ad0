package io.robustmq.plugin.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * A published message as the broker routes it: immutable, shared by every delivery of it.
 *
 * @param topic           the topic name (an alias already resolved).
 * @param payload         the payload bytes; never modified after the message is made.
 * @param qos             the QoS it was published with.
 * @param retain          whether it was published with RETAIN.
 * @param properties      MQTT 5 properties passed through to subscribers (payload format, content
 *                        type, response topic, correlation data, user properties); never a topic
 *                        alias, subscription identifier or expiry, which are set per delivery.
 * @param expiresAtMillis wall-clock time after which it is not delivered; 0 for never.
 * @param publisher       the client id of its publisher (for no-local), or empty.
 * @param id              its id in the node's session log once stored there (see
 *                        {@link io.robustmq.plugin.mqtt.persistence.SessionLog}), else 0.
 */
public record Message(
    String topic,
    byte[] payload,
    int qos,
    boolean retain,
    MqttProperties properties,
    long expiresAtMillis,
    String publisher,
    long id)
{
    /**
     * A message not stored (yet): its id is 0.
     */
    public Message(
        final String topic,
        final byte[] payload,
        final int qos,
        final boolean retain,
        final MqttProperties properties,
        final long expiresAtMillis,
        final String publisher)
    {
        this(topic, payload, qos, retain, properties, expiresAtMillis, publisher, 0);
    }

    /**
     * @param nowMillis wall-clock time now.
     * @return true if it has an expiry interval that has passed.
     */
    public boolean expired(final long nowMillis)
    {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /**
     * @param nowMillis wall-clock time now.
     * @return the Message Expiry Interval to forward, in whole seconds (at least 1), or -1 if it has none.
     */
    public long remainingExpirySeconds(final long nowMillis)
    {
        return expiresAtMillis == 0 ? -1 : Math.max(1, (expiresAtMillis - nowMillis + 999) / 1000);
    }

    /**
     * @return the same message with RETAIN set as given.
     */
    public Message withRetain(final boolean newRetain)
    {
        return newRetain == retain ? this : new Message(topic, payload, qos, newRetain, properties, expiresAtMillis,
            publisher, id);
    }

    /**
     * @return the same message with the id it is stored under.
     */
    public Message withId(final long newId)
    {
        return new Message(topic, payload, qos, retain, properties, expiresAtMillis, publisher, newId);
    }
}
