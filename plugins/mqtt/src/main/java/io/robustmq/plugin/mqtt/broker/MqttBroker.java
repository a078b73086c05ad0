package io.robustmq.plugin.mqtt.broker;

import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.topic.SubscriptionTrie;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The node's MQTT broker state, shared by every connection: the subscription index, the sessions
 * by client id, and the retained messages. Routing runs on the publisher's event loop: the index
 * is matched without a lock and each matching target takes the message.
 */
public final class MqttBroker
{
    private final MqttSettings settings;
    private final LongSupplier clock;
    private final ScheduledExecutorService scheduler;
    private final SubscriptionTrie<Target> index = new SubscriptionTrie<>();
    private final Map<String, ShareGroup> shareGroups = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final RetainedMessages retained = new RetainedMessages();
    private final BrokerStats stats = new BrokerStats();

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
        if (message.retain() && settings.retainAvailable())
        {
            retained.retain(message);
        }
        index.match(message.topic(), target -> target.deliver(message));
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
            return new Session(id, settings.maxQueuedMessages(), clock, stats);
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
        final long expiry = session.expirySeconds();
        if (expiry == 0)
        {
            end(session);
        }
        else if (expiry < 0xFFFF_FFFFL)
        {
            session.expiry(scheduler.schedule(() ->
            {
                if (!session.connected())
                {
                    end(session);
                }
            }, expiry, TimeUnit.SECONDS));
        }
    }

    /**
     * End a session: forget it and its subscriptions.
     *
     * @param session the session.
     */
    public void end(final Session session)
    {
        if (sessions.remove(session.clientId(), session))
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
        final Subscription before = subscription.session().subscriptions().put(subscription.fullFilter(), subscription);
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
        final Subscription removed = session.subscriptions().remove(filter);
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
