package io.robustmq.plugin.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttProperties;

import java.nio.charset.StandardCharsets;

/**
 * A published message as the broker routes it: immutable, shared by every delivery of it. Its
 * topic's UTF-8 bytes are kept with it, so that encoding a delivery does not encode the topic again.
 */
public final class Message
{
    private final String topic;
    private final byte[] topicBytes;
    private final byte[] payload;
    private final int qos;
    private final boolean retain;
    private final MqttProperties properties;
    private final long expiresAtMillis;
    private final String publisher;
    private final long id;
    /** The properties as a PUBLISH carries them (without their length), once a delivery encoded them. */
    private volatile byte[] wireProperties;

    /**
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
    public Message(
        final String topic,
        final byte[] payload,
        final int qos,
        final boolean retain,
        final MqttProperties properties,
        final long expiresAtMillis,
        final String publisher,
        final long id)
    {
        this(topic, topic.getBytes(StandardCharsets.UTF_8), payload, qos, retain, properties, expiresAtMillis, publisher,
            id);
    }

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

    private Message(
        final String topic,
        final byte[] topicBytes,
        final byte[] payload,
        final int qos,
        final boolean retain,
        final MqttProperties properties,
        final long expiresAtMillis,
        final String publisher,
        final long id)
    {
        this.topic = topic;
        this.topicBytes = topicBytes;
        this.payload = payload;
        this.qos = qos;
        this.retain = retain;
        this.properties = properties;
        this.expiresAtMillis = expiresAtMillis;
        this.publisher = publisher;
        this.id = id;
    }

    public String topic()
    {
        return topic;
    }

    /**
     * @return the topic name in UTF-8; never modified.
     */
    public byte[] topicBytes()
    {
        return topicBytes;
    }

    public byte[] payload()
    {
        return payload;
    }

    public int qos()
    {
        return qos;
    }

    public boolean retain()
    {
        return retain;
    }

    public MqttProperties properties()
    {
        return properties;
    }

    public long expiresAtMillis()
    {
        return expiresAtMillis;
    }

    public String publisher()
    {
        return publisher;
    }

    public long id()
    {
        return id;
    }

    /**
     * @return the properties as a PUBLISH carries them, if a delivery already encoded them; else null.
     */
    public byte[] wireProperties()
    {
        return wireProperties;
    }

    /**
     * @param encoded the properties as a PUBLISH carries them, kept for the next delivery.
     */
    public void wireProperties(final byte[] encoded)
    {
        this.wireProperties = encoded;
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
        return newRetain == retain ? this :
            new Message(topic, topicBytes, payload, qos, newRetain, properties, expiresAtMillis, publisher, id);
    }

    /**
     * @return the same message with the id it is stored under.
     */
    public Message withId(final long newId)
    {
        return new Message(topic, topicBytes, payload, qos, retain, properties, expiresAtMillis, publisher, newId);
    }

    @Override
    public String toString()
    {
        return "Message[" + topic + ", " + payload.length + " bytes, qos " + qos + (retain ? ", retained" : "") +
            (id == 0 ? "" : ", id " + id) + "]";
    }
}
