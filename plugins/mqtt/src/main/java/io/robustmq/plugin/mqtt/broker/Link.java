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
    boolean fits(Delivery delivery);

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
    void publish(Delivery delivery, int packetId, boolean duplicate);

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
