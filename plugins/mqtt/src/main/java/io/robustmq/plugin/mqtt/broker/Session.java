package io.robustmq.plugin.mqtt.broker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.function.LongSupplier;

/**
 * One client's session: its subscriptions, the QoS 1 and 2 messages sent to it and not yet
 * acknowledged, the messages waiting for it (while it is away, or while its window is full), and
 * the QoS 2 messages it sent that await their PUBREL.
 * <p>
 * Threading: deliveries arrive from any publisher's event loop and the client's packets from its
 * connection's; the session's state is guarded by its own lock, held briefly and never while
 * blocking. Writes to the client go through its {@link Link}.
 */
public final class Session
{
    private final String clientId;
    private final int maxQueued;
    private final LongSupplier clock;
    private final BrokerStats stats;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    private Link link;
    private int window;
    private final ArrayDeque<Delivery> queued = new ArrayDeque<>();
    private final LinkedHashMap<Integer, Delivery> unacknowledged = new LinkedHashMap<>();
    private final LinkedHashSet<Integer> released = new LinkedHashSet<>();
    private final Set<Integer> receivedQos2 = new HashSet<>();
    private int nextPacketId = 1;
    private long dropped;
    private long expirySeconds;
    private ScheduledFuture<?> expiry;
    private ScheduledFuture<?> pendingWill;
    private boolean ended;

    /**
     * @param clientId  the client's id.
     * @param maxQueued messages kept waiting at most; beyond that new ones are dropped.
     * @param clock     wall-clock milliseconds, to skip expired messages.
     * @param stats     counts the messages dropped.
     */
    public Session(final String clientId, final int maxQueued, final LongSupplier clock, final BrokerStats stats)
    {
        this.clientId = clientId;
        this.maxQueued = maxQueued;
        this.clock = clock;
        this.stats = stats;
    }

    public String clientId()
    {
        return clientId;
    }

    /**
     * @return the subscriptions, by the filter as the client wrote it.
     */
    public Map<String, Subscription> subscriptions()
    {
        return subscriptions;
    }

    /**
     * @return true while a connection is attached.
     */
    public synchronized boolean connected()
    {
        return link != null;
    }

    /**
     * @return messages dropped because the queue was full.
     */
    public synchronized long dropped()
    {
        return dropped;
    }

    /**
     * @return messages waiting to be sent.
     */
    public synchronized int queuedCount()
    {
        return queued.size();
    }

    /**
     * @return true once the session has ended (its subscriptions are gone).
     */
    public synchronized boolean ended()
    {
        return ended;
    }

    synchronized void end()
    {
        ended = true;
        cancel(expiry);
        cancel(pendingWill);
        queued.clear();
        unacknowledged.clear();
        released.clear();
    }

    public synchronized long expirySeconds()
    {
        return expirySeconds;
    }

    public synchronized void expirySeconds(final long seconds)
    {
        this.expirySeconds = seconds;
    }

    /**
     * @param task the removal of this session, scheduled when its client left; cancelled if it returns.
     */
    synchronized void expiry(final ScheduledFuture<?> task)
    {
        cancel(expiry);
        this.expiry = task;
    }

    /**
     * @param will a will waiting for its delay; cancelled if the client returns first.
     */
    public synchronized void pendingWill(final ScheduledFuture<?> will)
    {
        cancel(pendingWill);
        this.pendingWill = will;
    }

    private static void cancel(final ScheduledFuture<?> task)
    {
        if (task != null)
        {
            task.cancel(false);
        }
    }

    /**
     * A connection takes the session: resend what it had not acknowledged (DUP set), the PUBRELs
     * it had not completed, then what waited for it.
     *
     * @param newLink       the connection.
     * @param receiveWindow QoS 1 and 2 messages it may have unacknowledged at once.
     * @return the connection it replaced, or null.
     */
    public synchronized Link attach(final Link newLink, final int receiveWindow)
    {
        final Link previous = link;
        link = newLink;
        window = receiveWindow;
        cancel(expiry);
        cancel(pendingWill);
        expiry = null;
        pendingWill = null;
        for (final Map.Entry<Integer, Delivery> sent : unacknowledged.entrySet())
        {
            newLink.publish(sent.getValue(), sent.getKey(), true);
        }
        for (final int packetId : released)
        {
            newLink.release(packetId);
        }
        drain();
        return previous;
    }

    /**
     * The session is discarded by a clean start: let go of its connection, which is to be closed.
     *
     * @return the connection, or null.
     */
    synchronized Link release()
    {
        final Link previous = link;
        link = null;
        return previous;
    }

    /**
     * The connection left. Shared deliveries it had not acknowledged, or that waited for it, go to
     * other members of their groups.
     *
     * @param oldLink the connection leaving.
     * @return true if it was attached (a connection that was taken over is not).
     */
    public boolean detach(final Link oldLink)
    {
        final List<Delivery> shared = new ArrayList<>();
        synchronized (this)
        {
            if (link != oldLink)
            {
                return false;
            }
            link = null;
            for (final Iterator<Delivery> it = unacknowledged.values().iterator(); it.hasNext(); )
            {
                final Delivery delivery = it.next();
                if (delivery.shareGroup() != null && !ended)
                {
                    shared.add(delivery);
                    it.remove();
                }
            }
            for (final Iterator<Delivery> it = queued.iterator(); it.hasNext(); )
            {
                final Delivery delivery = it.next();
                if (delivery.shareGroup() != null)
                {
                    shared.add(delivery);
                    it.remove();
                }
            }
        }
        for (final Delivery delivery : shared)
        {
            delivery.shareGroup().deliver(delivery.message(), this);
        }
        return true;
    }

    /**
     * Take a delivery: send it now if the client is here and its window has room, else queue it
     * (QoS 0 is not kept for an absent client).
     *
     * @param delivery the delivery.
     */
    public synchronized void offer(final Delivery delivery)
    {
        if (ended)
        {
            return;
        }
        if (delivery.qos() == 0)
        {
            if (link != null && queued.isEmpty())
            {
                if (link.fits(delivery))
                {
                    link.publish(delivery, 0, false);
                }
                return;
            }
            if (link == null)
            {
                return;
            }
        }
        if (link != null && queued.isEmpty() && inFlight() < window)
        {
            send(delivery);
        }
        else if (queued.size() < maxQueued)
        {
            queued.add(delivery);
        }
        else
        {
            dropped++;
            stats.dropped();
        }
    }

    private int inFlight()
    {
        return unacknowledged.size() + released.size();
    }

    private void send(final Delivery delivery)
    {
        if (delivery.message().expired(clock.getAsLong()) || !link.fits(delivery))
        {
            return;
        }
        if (delivery.qos() == 0)
        {
            link.publish(delivery, 0, false);
            return;
        }
        final int packetId = allocatePacketId();
        unacknowledged.put(packetId, delivery);
        link.publish(delivery, packetId, false);
    }

    private void drain()
    {
        while (link != null && !queued.isEmpty() && (queued.peek().qos() == 0 || inFlight() < window))
        {
            send(queued.poll());
        }
    }

    private int allocatePacketId()
    {
        while (true)
        {
            final int candidate = nextPacketId;
            nextPacketId = nextPacketId == 65535 ? 1 : nextPacketId + 1;
            if (!unacknowledged.containsKey(candidate) && !released.contains(candidate))
            {
                return candidate;
            }
        }
    }

    /**
     * @param packetId a QoS 1 message's packet id.
     * @return true if it was awaiting this PUBACK.
     */
    public synchronized boolean acknowledged(final int packetId)
    {
        final Delivery delivery = unacknowledged.get(packetId);
        if (delivery == null || delivery.qos() != 1)
        {
            return false;
        }
        unacknowledged.remove(packetId);
        drain();
        return true;
    }

    /**
     * A PUBREC: the QoS 2 message is received; answer PUBREL.
     *
     * @param packetId its packet id.
     * @return true if it was awaiting this PUBREC (or its PUBCOMP: the PUBREL is sent again).
     */
    public synchronized boolean received(final int packetId)
    {
        final Delivery delivery = unacknowledged.get(packetId);
        if (delivery != null && delivery.qos() == 2)
        {
            unacknowledged.remove(packetId);
            released.add(packetId);
        }
        else if (!released.contains(packetId))
        {
            return false;
        }
        if (link != null)
        {
            link.release(packetId);
        }
        return true;
    }

    /**
     * @param packetId a QoS 2 message's packet id.
     * @return true if it was awaiting this PUBCOMP.
     */
    public synchronized boolean completed(final int packetId)
    {
        if (!released.remove(packetId))
        {
            return false;
        }
        drain();
        return true;
    }

    /**
     * A QoS 2 PUBLISH from the client.
     *
     * @param packetId  its packet id.
     * @param maxUnreleased how many may await their PUBREL at once.
     * @return 1 if it is new (route it), 0 if it is a resend of one already routed, -1 if too many
     * await their PUBREL (Receive Maximum exceeded).
     */
    public synchronized int receivedQos2(final int packetId, final int maxUnreleased)
    {
        if (receivedQos2.contains(packetId))
        {
            return 0;
        }
        if (receivedQos2.size() >= maxUnreleased)
        {
            return -1;
        }
        receivedQos2.add(packetId);
        return 1;
    }

    /**
     * A PUBREL from the client.
     *
     * @param packetId its packet id.
     * @return true if the QoS 2 message was awaiting it.
     */
    public synchronized boolean releasedByClient(final int packetId)
    {
        return receivedQos2.remove(packetId);
    }

    @Override
    public String toString()
    {
        return "Session[" + clientId + "]";
    }
}
