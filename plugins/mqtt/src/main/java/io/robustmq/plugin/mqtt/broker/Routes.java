package io.robustmq.plugin.mqtt.broker;

import io.robustmq.plugin.mqtt.persistence.LogRecord;

import java.util.ArrayList;
import java.util.List;

/**
 * The deliveries one published message makes, collected while the subscription index is matched
 * and offered to their sessions after the message is logged (so that no session can acknowledge a
 * message before the log holds it). One per thread, reused.
 */
final class Routes
{
    private static final ThreadLocal<Routes> PER_THREAD = ThreadLocal.withInitial(Routes::new);

    private final ArrayList<Session> sessions = new ArrayList<>();
    private final ArrayList<Delivery> deliveries = new ArrayList<>();
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
     * @param session  a matching subscriber.
     * @param delivery what it is to receive.
     */
    void add(final Session session, final Delivery delivery)
    {
        sessions.add(session);
        deliveries.add(delivery);
    }

    /**
     * @return the recipients a session log must remember: QoS 1 and 2 deliveries to sessions that
     * outlive their connections. Empty if none.
     */
    List<LogRecord.Recipient> persistentRecipients()
    {
        List<LogRecord.Recipient> recipients = List.of();
        for (int i = 0; i < sessions.size(); i++)
        {
            final Delivery delivery = deliveries.get(i);
            final Session session = sessions.get(i);
            if (delivery.qos() > 0 && session.persistent())
            {
                if (recipients.isEmpty())
                {
                    recipients = new ArrayList<>();
                }
                recipients.add(new LogRecord.Recipient(session.clientId(), delivery.qos(), delivery.retain(),
                    delivery.subscriptionId(), delivery.shareGroup() == null ? "" : delivery.shareGroup().fullFilter()));
            }
        }
        return recipients;
    }

    /**
     * Offer each delivery to its session.
     *
     * @param publisher told of each subscriber whose client has fallen behind; or null.
     */
    void offerAll(final PublisherFlow publisher)
    {
        for (int i = 0; i < sessions.size(); i++)
        {
            final Session session = sessions.get(i);
            if (session.offer(deliveries.get(i)) && publisher != null)
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
        sessions.clear();
        deliveries.clear();
        inUse = false;
    }
}
