package io.robustmq.plugin.mqtt.persistence;

import io.robustmq.plugin.mqtt.broker.Message;

import java.util.List;

/**
 * One change to the node's persistent MQTT state, as the session log holds it. Every record is an
 * absolute statement about one key (a session, a subscription, a message for a session, a retained
 * topic), so replaying a record whose effect a checkpoint already holds changes nothing: that is
 * what lets a checkpoint be written while the broker keeps running (see {@link SessionLog}).
 * <p>
 * Only sessions that outlive their connection (a Session Expiry Interval above 0, or MQTT 3's
 * clean session 0) are logged, and only their QoS 1 and 2 messages.
 */
public sealed interface LogRecord
{
    /**
     * A session exists (created, or resumed by a client) with this expiry interval.
     *
     * @param clientId      its client.
     * @param expirySeconds its Session Expiry Interval; 4,294,967,295 for never.
     */
    record SessionOpened(String clientId, long expirySeconds) implements LogRecord
    {
    }

    /**
     * The session's client left at this time; the session expires this long after.
     *
     * @param clientId      its client.
     * @param expirySeconds its Session Expiry Interval from then on.
     * @param atMillis      when the client left, epoch ms.
     */
    record SessionLeft(String clientId, long expirySeconds, long atMillis) implements LogRecord
    {
    }

    /**
     * The session ended (expired, discarded by a clean start, or its client left with expiry 0):
     * everything it held is gone.
     *
     * @param clientId its client.
     */
    record SessionEnded(String clientId) implements LogRecord
    {
    }

    /**
     * A subscription, with its options (added, or replaced by subscribing again).
     *
     * @param clientId          its session's client.
     * @param fullFilter        the filter as the client wrote it ({@code $share/group/} included).
     * @param qos               the maximum QoS granted.
     * @param noLocal           the No Local option.
     * @param retainAsPublished the Retain As Published option.
     * @param retainHandling    the Retain Handling option.
     * @param identifier        the Subscription Identifier, or 0.
     */
    record Subscribed(
        String clientId,
        String fullFilter,
        int qos,
        boolean noLocal,
        boolean retainAsPublished,
        int retainHandling,
        int identifier) implements LogRecord
    {
    }

    /**
     * A subscription removed.
     *
     * @param clientId   its session's client.
     * @param fullFilter the filter as the client wrote it.
     */
    record Unsubscribed(String clientId, String fullFilter) implements LogRecord
    {
    }

    /**
     * A QoS 1 or 2 message that persistent sessions are to receive.
     *
     * @param message    the message, with its id.
     * @param recipients the sessions that are to receive it, and how.
     */
    record Stored(Message message, List<Recipient> recipients) implements LogRecord
    {
    }

    /**
     * One session's delivery of a stored message.
     *
     * @param clientId       the session's client.
     * @param qos            the QoS it is delivered with.
     * @param retain         the RETAIN flag it is delivered with.
     * @param subscriptionId the subscription's identifier, or 0.
     * @param shareFilter    the share group's full filter ({@code $share/group/filter}) it was given
     *                       through, or empty.
     */
    record Recipient(String clientId, int qos, boolean retain, int subscriptionId, String shareFilter)
    {
    }

    /**
     * The retained message of a topic: set, replaced, or cleared by an empty payload.
     *
     * @param message the message.
     */
    record Retained(Message message) implements LogRecord
    {
    }

    /**
     * A stored message was sent to a session's client under this packet id.
     *
     * @param clientId  the session's client.
     * @param messageId the message.
     * @param packetId  its packet id.
     */
    record Sent(String clientId, long messageId, int packetId) implements LogRecord
    {
    }

    /**
     * A QoS 2 message reached the client (PUBREC): the session now awaits its PUBCOMP, resending
     * PUBREL.
     *
     * @param clientId  the session's client.
     * @param messageId the message.
     * @param packetId  its packet id.
     */
    record Released(String clientId, long messageId, int packetId) implements LogRecord
    {
    }

    /**
     * The session is done with a message: acknowledged (PUBACK, PUBCOMP), expired, or dropped
     * because its queue was full.
     *
     * @param clientId  the session's client.
     * @param messageId the message.
     */
    record Acknowledged(String clientId, long messageId) implements LogRecord
    {
    }

    /**
     * The session's client published a QoS 2 message under this packet id: a resend of it is not
     * routed again until its PUBREL.
     *
     * @param clientId the publisher's client.
     * @param packetId the packet id.
     */
    record Qos2Received(String clientId, int packetId) implements LogRecord
    {
    }

    /**
     * The client's PUBREL for a QoS 2 message it published.
     *
     * @param clientId the publisher's client.
     * @param packetId the packet id.
     */
    record Qos2Released(String clientId, int packetId) implements LogRecord
    {
    }

    /**
     * Nothing: appended so that whoever waits on it knows everything appended before it is stored.
     */
    record Barrier() implements LogRecord
    {
    }

    /**
     * The last record of a generation of the log, appended when the next generation takes over.
     */
    record Sealed() implements LogRecord
    {
    }

    /**
     * A checkpoint is complete: this generation holds the whole state from here on, and the
     * generations before it can go.
     */
    record CheckpointEnd() implements LogRecord
    {
    }
}
