package io.robustmq.plugin.mqtt.broker;

/**
 * A session's connection to its client, as the session sees it: where its deliveries are written.
 * Methods are called with the session's lock held, from any thread; they queue writes on the
 * connection's channel and return at once.
 */
public interface Link
{
    /**
     * @param delivery a delivery.
     * @return false if the client could not take it (larger than its Maximum Packet Size): the
     * session then drops it as if delivered, as MQTT 5 requires.
     */
    default boolean fits(final Delivery delivery)
    {
        return fits(delivery.message(), delivery.qos(), delivery.subscriptionId());
    }

    /**
     * @param message        a message.
     * @param qos            the QoS it would be delivered with.
     * @param subscriptionId the subscription identifier it would carry, or 0.
     * @return false if the client could not take it (larger than its Maximum Packet Size).
     */
    boolean fits(Message message, int qos, int subscriptionId);

    /**
     * @return false while the connection takes no more deliveries (its client reads slower than it
     * is sent to): the session keeps them until {@link Session#linkWritable} says it does again.
     */
    boolean writable();

    /**
     * Write a PUBLISH.
     *
     * @param delivery what to send.
     * @param packetId its packet id, 0 for QoS 0.
     * @param duplicate whether it was sent before (DUP).
     */
    default void publish(final Delivery delivery, final int packetId, final boolean duplicate)
    {
        publish(delivery.message(), delivery.qos(), delivery.retain(), delivery.subscriptionId(), packetId, duplicate);
    }

    /**
     * Write a PUBLISH, from its parts.
     *
     * @param message        the message.
     * @param qos            the QoS it is delivered with.
     * @param retain         the RETAIN flag.
     * @param subscriptionId the subscription identifier, or 0.
     * @param packetId       its packet id, 0 for QoS 0.
     * @param duplicate      whether it was sent before (DUP).
     */
    void publish(Message message, int qos, boolean retain, int subscriptionId, int packetId, boolean duplicate);

    /**
     * Write a PUBREL.
     *
     * @param packetId the QoS 2 message's packet id.
     */
    void release(int packetId);

    /**
     * Close the connection because another connection took the session over (MQTT 5: DISCONNECT
     * with reason 0x8E first).
     */
    void takenOver();
}
