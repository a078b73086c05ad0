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

    @Override
    public void deliver(final Message message)
    {
        deliver(message, null);
    }

    /**
     * Give a message to one member, other than {@code except} if there is another.
     *
     * @param message the message.
     * @param except  a session not to give it to (one that just disconnected), or null.
     */
    void deliver(final Message message, final Session except)
    {
        final Object[] snapshot = members.toArray();
        if (snapshot.length == 0)
        {
            return;
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
        if (chosen != null)
        {
            chosen.session().offer(new Delivery(message, Math.min(message.qos(), chosen.qos()), false,
                chosen.identifier(), this));
        }
    }
}
