package io.robustmq.plugin.mqtt.broker;

import io.robustmq.plugin.mqtt.persistence.LogRecord;
import io.robustmq.plugin.mqtt.topic.SharedSubscription;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Rebuilds the broker's persistent state from the session log: takes the records in the order the
 * log holds them, then {@link #restore restores} sessions, subscriptions, the messages each session
 * is owed (sent and unacknowledged with their packet ids, awaiting PUBCOMP, or waiting) and the
 * retained messages. Each record states one key's value, so a record replayed over a checkpoint that
 * already holds it changes nothing.
 */
public final class SessionRecovery implements Consumer<LogRecord>
{
    private final Map<String, Recovered> sessions = new LinkedHashMap<>();
    private final Map<String, Message> retained = new LinkedHashMap<>();
    private long lastMessageId;
    private long records;

    private static final class Recovered
    {
        long expirySeconds;
        long leftAt = -1;
        final Map<String, LogRecord.Subscribed> subscriptions = new LinkedHashMap<>();
        /** Messages owed, in the order the log gave them: packet id 0 until sent. */
        final Map<Long, Pending> pending = new LinkedHashMap<>();
        /** QoS 2 messages awaiting PUBCOMP: message id by packet id. */
        final Map<Integer, Long> released = new LinkedHashMap<>();
        final Set<Integer> qos2Received = new HashSet<>();
    }

    private static final class Pending
    {
        final Message message;
        final LogRecord.Recipient recipient;
        int packetId;

        Pending(final Message message, final LogRecord.Recipient recipient)
        {
            this.message = message;
            this.recipient = recipient;
        }
    }

    @Override
    public void accept(final LogRecord record)
    {
        records++;
        if (record instanceof LogRecord.SessionOpened r)
        {
            sessions.computeIfAbsent(r.clientId(), id -> new Recovered()).expirySeconds = r.expirySeconds();
            sessions.get(r.clientId()).leftAt = -1;
        }
        else if (record instanceof LogRecord.SessionLeft r)
        {
            final Recovered session = sessions.computeIfAbsent(r.clientId(), id -> new Recovered());
            session.expirySeconds = r.expirySeconds();
            session.leftAt = r.atMillis();
        }
        else if (record instanceof LogRecord.SessionEnded r)
        {
            sessions.remove(r.clientId());
        }
        else if (record instanceof LogRecord.Subscribed r)
        {
            withSession(r.clientId(), session -> session.subscriptions.put(r.fullFilter(), r));
        }
        else if (record instanceof LogRecord.Unsubscribed r)
        {
            withSession(r.clientId(), session -> session.subscriptions.remove(r.fullFilter()));
        }
        else if (record instanceof LogRecord.Stored r)
        {
            lastMessageId = Math.max(lastMessageId, r.message().id());
            for (final LogRecord.Recipient recipient : r.recipients())
            {
                withSession(recipient.clientId(), session ->
                    session.pending.putIfAbsent(r.message().id(), new Pending(r.message(), recipient)));
            }
        }
        else if (record instanceof LogRecord.Retained r)
        {
            lastMessageId = Math.max(lastMessageId, r.message().id());
            if (r.message().payload().length == 0)
            {
                retained.remove(r.message().topic());
            }
            else
            {
                retained.put(r.message().topic(), r.message());
            }
        }
        else if (record instanceof LogRecord.Sent r)
        {
            withSession(r.clientId(), session ->
            {
                final Pending pending = session.pending.get(r.messageId());
                if (pending != null)
                {
                    pending.packetId = r.packetId();
                }
            });
        }
        else if (record instanceof LogRecord.Released r)
        {
            withSession(r.clientId(), session ->
            {
                session.pending.remove(r.messageId());
                session.released.put(r.packetId(), r.messageId());
            });
        }
        else if (record instanceof LogRecord.Acknowledged r)
        {
            withSession(r.clientId(), session ->
            {
                session.pending.remove(r.messageId());
                session.released.values().remove(r.messageId());
            });
        }
        else if (record instanceof LogRecord.Qos2Received r)
        {
            withSession(r.clientId(), session -> session.qos2Received.add(r.packetId()));
        }
        else if (record instanceof LogRecord.Qos2Released r)
        {
            withSession(r.clientId(), session -> session.qos2Received.remove(r.packetId()));
        }
    }

    private void withSession(final String clientId, final Consumer<Recovered> change)
    {
        final Recovered session = sessions.get(clientId);
        if (session != null)
        {
            change.accept(session);
        }
    }

    /**
     * @return records taken.
     */
    public long records()
    {
        return records;
    }

    /**
     * @return the largest message id the log held.
     */
    public long lastMessageId()
    {
        return lastMessageId;
    }

    /**
     * @return sessions rebuilt.
     */
    public int sessionCount()
    {
        return sessions.size();
    }

    /**
     * Put what the log held into the broker, before any client connects. Every session is detached;
     * each expires its interval after its client left (or after now, if the node stopped while the
     * client was connected).
     *
     * @param broker the broker, already logging.
     */
    public void restore(final MqttBroker broker)
    {
        final long now = broker.now();
        retained.values().forEach(message -> broker.retained().retain(message));
        final List<Session> restored = new ArrayList<>();
        // Every session's subscriptions first: a share group exists once all its members are back.
        for (final Map.Entry<String, Recovered> entry : sessions.entrySet())
        {
            final Session session = broker.newSession(entry.getKey());
            restored.add(session);
            for (final LogRecord.Subscribed subscribed : entry.getValue().subscriptions.values())
            {
                final SharedSubscription shared = SharedSubscription.parse(subscribed.fullFilter());
                broker.subscribe(new Subscription(session, shared == null ? subscribed.fullFilter() : shared.filter(),
                    shared == null ? null : shared.group(), subscribed.qos(), subscribed.noLocal(),
                    subscribed.retainAsPublished(), subscribed.retainHandling(), subscribed.identifier()));
            }
        }
        for (final Session session : restored)
        {
            final Recovered recovered = sessions.get(session.clientId());
            final Map<Integer, Delivery> sent = new LinkedHashMap<>();
            final List<Delivery> waiting = new ArrayList<>();
            for (final Pending pending : recovered.pending.values())
            {
                final Delivery delivery = new Delivery(pending.message, pending.recipient.qos(),
                    pending.recipient.retain(), pending.recipient.subscriptionId(),
                    pending.recipient.shareFilter().isEmpty() ? null : broker.shareGroup(pending.recipient.shareFilter()));
                if (pending.packetId != 0 && !sent.containsKey(pending.packetId))
                {
                    sent.put(pending.packetId, delivery);
                }
                else
                {
                    waiting.add(delivery);
                }
            }
            // Restored last: until then the session is not persistent, so rebuilding it logs nothing.
            session.restore(recovered.expirySeconds, recovered.leftAt < 0 ? now : recovered.leftAt, sent,
                recovered.released, waiting, recovered.qos2Received);
        }
        for (final Session session : restored)
        {
            final long expiry = session.expirySeconds();
            if (expiry == 0)
            {
                broker.end(session);
            }
            else if (expiry < 0xFFFF_FFFFL)
            {
                final Recovered recovered = sessions.get(session.clientId());
                final long leftAt = recovered.leftAt < 0 ? now : recovered.leftAt;
                broker.endAfter(session, Math.max(0, leftAt + expiry * 1000 - now));
            }
        }
    }
}
