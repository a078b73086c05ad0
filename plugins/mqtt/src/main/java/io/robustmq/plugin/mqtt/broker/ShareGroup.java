package io.robustmq.plugin.mqtt.broker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The members of one shared subscription ({@code $share/group/filter}): each message goes to one
 * member, in turn, preferring members whose client is connected. Members join and leave from any
 * event loop; delivery reads the member list without a lock.
 */
public final class ShareGroup implements Target
{
    private final String name;
    private final String filter;
    private final List<Subscription> members = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param name   the group's name.
     * @param filter the filter its members share.
     */
    public ShareGroup(final String name, final String filter)
    {
        this.name = name;
        this.filter = filter;
    }

    public String name()
    {
        return name;
    }

    public String filter()
    {
        return filter;
    }

    /**
     * @param member a subscription to add, or whose options to replace.
     * @return true if it is new.
     */
    boolean join(final Subscription member)
    {
        final int index = members.indexOf(member);
        if (index >= 0)
        {
            members.set(index, member);
            return false;
        }
        members.add(member);
        return true;
    }

    /**
     * @return true if the group has no member left.
     */
    boolean leave(final Subscription member)
    {
        members.remove(member);
        return members.isEmpty();
    }

    boolean isEmpty()
    {
        return members.isEmpty();
    }

    /**
     * @return the filter as its members wrote it: {@code $share/group/filter}.
     */
    public String fullFilter()
    {
        return "$share/" + name + "/" + filter;
    }

    @Override
    public void route(final Message message, final Routes routes)
    {
        final Subscription chosen = choose(null);
        if (chosen != null)
        {
            routes.add(chosen.session(), Math.min(message.qos(), chosen.qos()), false, chosen.identifier(), this);
        }
    }

    /**
     * Give a message that a member had not acknowledged to another member, if there is another.
     *
     * @param message the message.
     * @param except  the member that disconnected.
     * @return the member's session and its delivery, or null if there is no other member.
     */
    Redelivery redeliver(final Message message, final Session except)
    {
        final Subscription chosen = choose(except);
        return chosen == null ? null : new Redelivery(chosen.session(), delivery(message, chosen));
    }

    /**
     * @param session a member.
     * @return true if the group has another member.
     */
    boolean hasMemberOtherThan(final Session session)
    {
        for (final Subscription member : members)
        {
            if (member.session() != session)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param session  the member that takes a message.
     * @param delivery its delivery.
     */
    record Redelivery(Session session, Delivery delivery)
    {
    }

    private Delivery delivery(final Message message, final Subscription member)
    {
        return new Delivery(message, Math.min(message.qos(), member.qos()), false, member.identifier(), this);
    }

    /**
     * @param except a session not to choose if there is another, or null.
     * @return the next member in turn, preferring one whose client is connected; null if none.
     */
    private Subscription choose(final Session except)
    {
        final Object[] snapshot = members.toArray();
        if (snapshot.length == 0)
        {
            return null;
        }
        final int start = Math.floorMod(next.getAndIncrement(), snapshot.length);
        Subscription chosen = null;
        for (int i = 0; i < snapshot.length; i++)
        {
            final Subscription member = (Subscription)snapshot[(start + i) % snapshot.length];
            if (member.session() == except)
            {
                continue;
            }
            if (member.session().connected())
            {
                chosen = member;
                break;
            }
            if (chosen == null)
            {
                chosen = member;
            }
        }
        return chosen;
    }
}
