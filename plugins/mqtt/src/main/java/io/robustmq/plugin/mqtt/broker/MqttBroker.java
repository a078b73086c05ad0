package io.robustmq.plugin.mqtt.broker;

import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.persistence.LogRecord;
import io.robustmq.plugin.mqtt.persistence.SessionLog;
import io.robustmq.plugin.mqtt.topic.SubscriptionTrie;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The node's MQTT broker state, shared by every connection: the subscription index, the sessions
 * by client id, and the retained messages. Routing runs on the publisher's event loop: the index
 * is matched without a lock and each matching target takes the message.
 * <p>
 * With a {@link SessionLog}, the state of sessions that outlive their connections is logged as it
 * changes (see {@link #useLog}), and a checkpoint reads it all through {@link #capture}.
 */
public final class MqttBroker implements SessionLog.StateSource
{
    private final MqttSettings settings;
    private final LongSupplier clock;
    private final ScheduledExecutorService scheduler;
    private final SubscriptionTrie<Target> index = new SubscriptionTrie<>();
    private final Map<String, ShareGroup> shareGroups = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final RetainedMessages retained = new RetainedMessages();
    private final BrokerStats stats = new BrokerStats();
    private final AtomicLong messageIds = new AtomicLong();
    private volatile SessionLog log;

    /**
     * @param settings  the plugin's settings.
     * @param clock     wall-clock milliseconds.
     * @param scheduler for session expiry and delayed wills.
     */
    public MqttBroker(final MqttSettings settings, final LongSupplier clock, final ScheduledExecutorService scheduler)
    {
        this.settings = settings;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    public MqttSettings settings()
    {
        return settings;
    }

    /**
     * Log the state of persistent sessions from now on. Call before any client connects.
     *
     * @param sessionLog the log.
     * @param lastId     the largest message id the log holds: new ids are above it.
     */
    public void useLog(final SessionLog sessionLog, final long lastId)
    {
        this.log = sessionLog;
        messageIds.set(lastId);
    }

    /**
     * @return the session log, or null if sessions are not logged.
     */
    public SessionLog log()
    {
        return log;
    }

    public long now()
    {
        return clock.getAsLong();
    }

    public ScheduledExecutorService scheduler()
    {
        return scheduler;
    }

    public RetainedMessages retained()
    {
        return retained;
    }

    public BrokerStats stats()
    {
        return stats;
    }

    /**
     * @return the subscriptions of every session.
     */
    public long subscriptionCount()
    {
        long count = 0;
        for (final Session session : sessions.values())
        {
            count += session.subscriptions().size();
        }
        return count;
    }

    /**
     * @return the sessions, by client id.
     */
    public Map<String, Session> sessions()
    {
        return sessions;
    }

    /**
     * Route a message to every matching subscription, and keep it if it is retained.
     *
     * @param message the message.
     */
    public void publish(final Message message)
    {
        publish(message, null, false, null);
    }

    /**
     * Route a message to every matching subscription, and keep it if it is retained. If it is to
     * reach a session that outlives its connection, or is retained, it is logged before any session
     * is offered it; {@code stored} is told once the log holds it (at once if there is nothing to log).
     *
     * @param message  the message.
     * @param stored   told when the message is stored, or that it cannot be; or null.
     * @param barrier  whether {@code stored} must wait for the log even if the message itself is not
     *                 logged (for records its publisher's session logged before it).
     * @param flow     the publisher's connection, told of subscribers that have fallen behind; or null.
     */
    public void publish(final Message message, final SessionLog.Completion stored, final boolean barrier,
        final PublisherFlow flow)
    {
        final SessionLog sessionLog = log;
        final boolean setsRetained = message.retain() && settings.retainAvailable();
        final Message routed = sessionLog != null && (message.qos() > 0 || setsRetained) ?
            message.withId(messageIds.incrementAndGet()) : message;
        final Routes routes = Routes.acquire();
        try
        {
            index.match(routed.topic(), target -> target.route(routed, routes));
            final List<LogRecord.Recipient> recipients = sessionLog == null ? List.of() : routes.persistentRecipients();
            if (sessionLog == null || (recipients.isEmpty() && !setsRetained))
            {
                if (setsRetained)
                {
                    retained.retain(routed);
                }
                routes.offerAll(routed, flow);
                if (stored != null)
                {
                    if (barrier && sessionLog != null)
                    {
                        sessionLog.append(new LogRecord.Barrier(), stored);
                    }
                    else
                    {
                        stored.stored();
                    }
                }
                return;
            }
            final SessionLog.Epoch epoch = sessionLog.enter();
            try
            {
                if (!recipients.isEmpty())
                {
                    sessionLog.append(new LogRecord.Stored(routed, recipients), setsRetained ? null : stored);
                }
                if (setsRetained)
                {
                    retained.retain(routed, sessionLog);
                    if (stored != null)
                    {
                        sessionLog.append(new LogRecord.Barrier(), stored);
                    }
                }
                routes.offerAll(routed, flow);
            }
            finally
            {
                sessionLog.exit(epoch);
            }
        }
        finally
        {
            routes.release();
        }
    }

    /**
     * A shared delivery the session had not acknowledged goes to another member of its group.
     *
     * @param delivery the delivery.
     * @param except   the session that had it.
     * @return false if the group has no other member to take it.
     */
    boolean redeliver(final Delivery delivery, final Session except)
    {
        final ShareGroup.Redelivery next = delivery.shareGroup().redeliver(delivery.message(), except);
        if (next == null)
        {
            return false;
        }
        offerLogged(next.session(), next.delivery());
        return true;
    }

    /**
     * Send a new subscription the retained messages its filter matches.
     *
     * @param subscription the subscription.
     */
    public void offerRetained(final Subscription subscription)
    {
        retained.matching(subscription.filter(), now(), message ->
            offerLogged(subscription.session(), new Delivery(message, Math.min(message.qos(), subscription.qos()),
                true, subscription.identifier(), null)));
    }

    private void offerLogged(final Session session, final Delivery delivery)
    {
        final SessionLog sessionLog = log;
        if (sessionLog == null || delivery.qos() == 0 || !session.persistent())
        {
            session.offer(delivery);
            return;
        }
        final Message message = delivery.message().id() != 0 ? delivery.message() :
            delivery.message().withId(messageIds.incrementAndGet());
        final SessionLog.Epoch epoch = sessionLog.enter();
        try
        {
            sessionLog.append(new LogRecord.Stored(message, List.of(new LogRecord.Recipient(session.clientId(),
                delivery.qos(), delivery.retain(), delivery.subscriptionId(),
                delivery.shareGroup() == null ? "" : delivery.shareGroup().fullFilter()))));
            session.offer(message == delivery.message() ? delivery :
                new Delivery(message, delivery.qos(), delivery.retain(), delivery.subscriptionId(), delivery.shareGroup()));
        }
        finally
        {
            sessionLog.exit(epoch);
        }
    }

    /**
     * @param fullFilter a share group's filter, {@code $share/group/filter}.
     * @return the group, or null if it has no member.
     */
    ShareGroup shareGroup(final String fullFilter)
    {
        return shareGroups.get(fullFilter);
    }

    @Override
    public void announce(final Consumer<LogRecord> sink)
    {
        for (final Session session : sessions.values())
        {
            session.announce(sink);
        }
    }

    @Override
    public void capture(final Consumer<LogRecord> sink)
    {
        for (final Session session : sessions.values())
        {
            session.capture(sink);
        }
        retained.capture(sink);
    }

    /**
     * @return the session of a client, made for a session rebuilt from the log.
     */
    Session newSession(final String clientId)
    {
        final Session session = new Session(clientId, this);
        sessions.put(clientId, session);
        return session;
    }

    /**
     * The session a connecting client gets.
     *
     * @param clientId   its id.
     * @param cleanStart whether to discard a session it had.
     * @return the session, and whether it existed before.
     */
    public Opened open(final String clientId, final boolean cleanStart)
    {
        final boolean[] present = new boolean[1];
        final Session[] discarded = new Session[1];
        final Session session = sessions.compute(clientId, (id, existing) ->
        {
            if (existing != null && !cleanStart && !existing.ended())
            {
                present[0] = true;
                return existing;
            }
            discarded[0] = existing;
            if (existing != null)
            {
                // Ended (and logged so) before the new session can log anything under the same client id.
                existing.end();
            }
            return new Session(id, this);
        });
        Link replaced = null;
        if (discarded[0] != null)
        {
            replaced = discarded[0].release();
            clear(discarded[0]);
        }
        return new Opened(session, present[0], replaced);
    }

    /**
     * @param session        the session a client connected to.
     * @param sessionPresent whether it existed before.
     * @param replaced       the connection of a discarded session (clean start), to be closed; or null.
     */
    public record Opened(Session session, boolean sessionPresent, Link replaced)
    {
    }

    /**
     * The client left: end the session now if it expires at once, else schedule its end.
     *
     * @param session the session, detached.
     */
    public void left(final Session session)
    {
        session.left(now());
        final long expiry = session.expirySeconds();
        if (expiry == 0)
        {
            end(session);
        }
        else if (expiry < 0xFFFF_FFFFL)
        {
            endAfter(session, expiry * 1000);
        }
    }

    /**
     * @param session a session whose client is away.
     * @param millis  when it ends, unless its client returns first.
     */
    void endAfter(final Session session, final long millis)
    {
        session.expiry(scheduler.schedule(() ->
        {
            if (!session.connected())
            {
                end(session);
            }
        }, millis, TimeUnit.MILLISECONDS));
    }

    /**
     * End a session: forget it and its subscriptions.
     *
     * @param session the session.
     */
    public void end(final Session session)
    {
        final boolean[] removed = new boolean[1];
        sessions.computeIfPresent(session.clientId(), (id, existing) ->
        {
            if (existing != session)
            {
                return existing;
            }
            // Logged ended before a new session of the client can log anything.
            session.end();
            removed[0] = true;
            return null;
        });
        if (removed[0])
        {
            clear(session);
        }
    }

    private void clear(final Session session)
    {
        session.end();
        for (final Subscription subscription : session.subscriptions().values())
        {
            removeFromIndex(subscription);
        }
        session.subscriptions().clear();
    }

    /**
     * @param subscription a subscription to add, or whose options to replace.
     * @return true if the session had no subscription to that filter before.
     */
    public boolean subscribe(final Subscription subscription)
    {
        final Subscription before = subscription.session().putSubscription(subscription);
        if (subscription.shareGroup() == null)
        {
            index.add(subscription.filter(), subscription);
        }
        else
        {
            shareGroups.compute(subscription.fullFilter(), (key, group) ->
            {
                final ShareGroup joined = group != null ? group :
                    new ShareGroup(subscription.shareGroup(), subscription.filter());
                joined.join(subscription);
                if (group == null)
                {
                    index.add(subscription.filter(), joined);
                }
                return joined;
            });
        }
        return before == null;
    }

    /**
     * @param session  the subscriber.
     * @param filter   the filter as the client wrote it.
     * @return true if there was such a subscription.
     */
    public boolean unsubscribe(final Session session, final String filter)
    {
        final Subscription removed = session.removeSubscription(filter);
        if (removed == null)
        {
            return false;
        }
        removeFromIndex(removed);
        return true;
    }

    private void removeFromIndex(final Subscription subscription)
    {
        if (subscription.shareGroup() == null)
        {
            index.remove(subscription.filter(), subscription);
            return;
        }
        shareGroups.computeIfPresent(subscription.fullFilter(), (key, group) ->
        {
            if (group.leave(subscription))
            {
                index.remove(subscription.filter(), group);
                return null;
            }
            return group;
        });
    }
}
