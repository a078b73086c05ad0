package io.robustmq.plugin.mqtt.broker;

import io.robustmq.plugin.mqtt.persistence.LogRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The deliveries one published message makes, collected while the subscription index is matched
 * and offered to their sessions after the message is logged (so that no session can acknowledge a
 * message before the log holds it). Kept in parallel arrays, not an object per delivery; one per
 * thread, reused, so routing a message to any number of subscribers makes no garbage.
 */
final class Routes
{
    private static final ThreadLocal<Routes> PER_THREAD = ThreadLocal.withInitial(Routes::new);
    private static final int INITIAL_CAPACITY = 16;

    private Session[] sessions = new Session[INITIAL_CAPACITY];
    private ShareGroup[] groups = new ShareGroup[INITIAL_CAPACITY];
    private int[] qos = new int[INITIAL_CAPACITY];
    private boolean[] retain = new boolean[INITIAL_CAPACITY];
    private int[] subscriptionIds = new int[INITIAL_CAPACITY];
    private int size;
    private boolean inUse;

    /**
     * @return this thread's, empty; or a new one if this thread's is in use (a publish made while
     * offering another).
     */
    static Routes acquire()
    {
        final Routes routes = PER_THREAD.get();
        if (routes.inUse)
        {
            final Routes nested = new Routes();
            nested.inUse = true;
            return nested;
        }
        routes.inUse = true;
        return routes;
    }

    /**
     * @param session        a matching subscriber.
     * @param deliveredQos   the QoS it gets the message with.
     * @param deliveredRetain the RETAIN flag it gets.
     * @param subscriptionId its subscription's identifier, or 0.
     * @param group          the share group it was chosen in, or null.
     */
    void add(final Session session, final int deliveredQos, final boolean deliveredRetain, final int subscriptionId,
        final ShareGroup group)
    {
        if (size == sessions.length)
        {
            final int capacity = size * 2;
            sessions = Arrays.copyOf(sessions, capacity);
            groups = Arrays.copyOf(groups, capacity);
            qos = Arrays.copyOf(qos, capacity);
            retain = Arrays.copyOf(retain, capacity);
            subscriptionIds = Arrays.copyOf(subscriptionIds, capacity);
        }
        sessions[size] = session;
        groups[size] = group;
        qos[size] = deliveredQos;
        retain[size] = deliveredRetain;
        subscriptionIds[size] = subscriptionId;
        size++;
    }

    /**
     * @return the recipients a session log must remember: QoS 1 and 2 deliveries to sessions that
     * outlive their connections. Empty if none.
     */
    List<LogRecord.Recipient> persistentRecipients()
    {
        List<LogRecord.Recipient> recipients = List.of();
        for (int i = 0; i < size; i++)
        {
            final Session session = sessions[i];
            if (qos[i] > 0 && session.persistent())
            {
                if (recipients.isEmpty())
                {
                    recipients = new ArrayList<>();
                }
                recipients.add(new LogRecord.Recipient(session.clientId(), qos[i], retain[i], subscriptionIds[i],
                    groups[i] == null ? "" : groups[i].fullFilter()));
            }
        }
        return recipients;
    }

    /**
     * Offer each delivery to its session.
     *
     * @param message   the message.
     * @param publisher told of each subscriber whose client has fallen behind; or null.
     */
    void offerAll(final Message message, final PublisherFlow publisher)
    {
        for (int i = 0; i < size; i++)
        {
            final Session session = sessions[i];
            if (session.offer(message, qos[i], retain[i], subscriptionIds[i], groups[i]) && publisher != null)
            {
                publisher.subscriberBehind(session);
            }
        }
    }

    /**
     * Forget the deliveries and give this back to its thread.
     */
    void release()
    {
        Arrays.fill(sessions, 0, size, null);
        Arrays.fill(groups, 0, size, null);
        size = 0;
        inUse = false;
    }
}
