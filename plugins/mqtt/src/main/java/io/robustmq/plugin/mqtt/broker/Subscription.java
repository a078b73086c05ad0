package io.robustmq.plugin.mqtt.broker;

/**
 * One filter of one session, with its options, as the subscription index holds it. Two
 * subscriptions are equal when they belong to the same session and filter, whatever their options,
 * so subscribing again replaces the options.
 *
 * @param session           the subscriber.
 * @param filter            the topic filter (without the {@code $share/group/} prefix).
 * @param shareGroup        the share group, or null for an ordinary subscription.
 * @param qos               the maximum QoS granted.
 * @param noLocal           do not deliver the subscriber's own messages.
 * @param retainAsPublished keep RETAIN as published on live deliveries (else clear it).
 * @param retainHandling    0: send retained messages on subscribe; 1: only if the subscription is
 *                          new; 2: never.
 * @param identifier        the Subscription Identifier, or 0 for none.
 */
public record Subscription(
    Session session,
    String filter,
    String shareGroup,
    int qos,
    boolean noLocal,
    boolean retainAsPublished,
    int retainHandling,
    int identifier) implements Target
{
    @Override
    public void route(final Message message, final Routes routes)
    {
        if (noLocal && message.publisher().equals(session.clientId()))
        {
            return;
        }
        routes.add(session, Math.min(message.qos(), qos), retainAsPublished && message.retain(), identifier, null);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Subscription that && session == that.session && filter.equals(that.filter) &&
            java.util.Objects.equals(shareGroup, that.shareGroup);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * System.identityHashCode(session) + filter.hashCode()) +
            (shareGroup == null ? 0 : shareGroup.hashCode());
    }

    /**
     * @return the filter as the client wrote it, {@code $share/group/} included.
     */
    public String fullFilter()
    {
        return shareGroup == null ? filter : "$share/" + shareGroup + "/" + filter;
    }

    @Override
    public String toString()
    {
        return "Subscription[" + session.clientId() + " " + fullFilter() + " qos " + qos + "]";
    }
}
