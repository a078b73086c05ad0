package io.robustmq.plugin.mqtt.broker;

import io.robustmq.plugin.mqtt.persistence.LogRecord;
import io.robustmq.plugin.mqtt.persistence.SessionLog;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;

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
    private final MqttBroker broker;
    private final SessionLog log;
    private final int maxQueued;
    private final int highWater;
    private final int lowWater;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    private Link link;
    private int window;
    private final ArrayDeque<Delivery> queued = new ArrayDeque<>(0);
    private InFlight unacknowledged;
    private LinkedHashMap<Integer, Long> released;
    private Set<Integer> receivedQos2;
    /** PUBRECs whose Released record the log does not hold yet: no PUBREL for them until it does. */
    private Set<Integer> releasesNotStored;
    private int nextPacketId = 1;
    private long dropped;
    private long expirySeconds;
    private volatile boolean persistent;
    private boolean journaled;
    private ScheduledFuture<?> expiry;
    private ScheduledFuture<?> pendingWill;
    private boolean ended;
    private long leftAtMillis;
    private List<Runnable> catchUpWaiters;

    /**
     * @param clientId the client's id.
     * @param broker   the broker: its settings (how many messages are kept waiting at most; beyond
     *                 that new ones are dropped), clock, statistics and session log.
     */
    Session(final String clientId, final MqttBroker broker)
    {
        this.clientId = clientId;
        this.broker = broker;
        this.log = broker.log();
        this.maxQueued = broker.settings().maxQueuedMessages();
        this.highWater = Math.max(1, maxQueued / 2);
        this.lowWater = maxQueued / 4;
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
        if (journaled && !ended)
        {
            log.append(new LogRecord.SessionEnded(clientId));
        }
        // Nothing more is logged of it: a new session of the same client id may be logging already.
        persistent = false;
        journaled = false;
        ended = true;
        cancel(expiry);
        cancel(pendingWill);
        queued.clear();
        unacknowledged = null;
        released = null;
        wakeCaughtUpWaiters();
    }

    public synchronized long expirySeconds()
    {
        return expirySeconds;
    }

    /**
     * Set the Session Expiry Interval. A session with one above 0 outlives its connection: it is
     * logged from now on, if the broker has a session log.
     *
     * @param seconds the interval; 4,294,967,295 for never.
     */
    public synchronized void expirySeconds(final long seconds)
    {
        if (ended)
        {
            return;
        }
        this.expirySeconds = seconds;
        this.persistent = log != null && seconds > 0;
        if (persistent && !journaled)
        {
            // It outlives its connection from now on: log all it already holds.
            journaled = true;
            capture(log::append);
        }
        else if (journaled)
        {
            log.append(new LogRecord.SessionOpened(clientId, seconds));
        }
    }

    /**
     * @return true if the session outlives its connection and the broker logs it: its
     * subscriptions and QoS 1 and 2 messages survive a restart.
     */
    public boolean persistent()
    {
        return persistent;
    }

    /**
     * The client left: log when, for the session's expiry after a restart.
     *
     * @param atMillis when, epoch ms.
     */
    synchronized void left(final long atMillis)
    {
        if (journaled && !ended)
        {
            log.append(new LogRecord.SessionLeft(clientId, expirySeconds, atMillis));
        }
    }

    /**
     * Add a subscription, or replace one's options.
     *
     * @param subscription the subscription.
     * @return the one it replaced, or null.
     */
    synchronized Subscription putSubscription(final Subscription subscription)
    {
        final Subscription before = subscriptions.put(subscription.fullFilter(), subscription);
        if (persistent)
        {
            log.append(new LogRecord.Subscribed(clientId, subscription.fullFilter(), subscription.qos(),
                subscription.noLocal(), subscription.retainAsPublished(), subscription.retainHandling(),
                subscription.identifier()));
        }
        return before;
    }

    /**
     * @param fullFilter a filter as the client wrote it.
     * @return the subscription removed, or null.
     */
    synchronized Subscription removeSubscription(final String fullFilter)
    {
        final Subscription removed = subscriptions.remove(fullFilter);
        if (removed != null && persistent)
        {
            log.append(new LogRecord.Unsubscribed(clientId, fullFilter));
        }
        return removed;
    }

    /**
     * Log that the session is done with a message, if the log holds it for this session.
     */
    private void done(final Delivery delivery)
    {
        done(delivery.message(), delivery.qos());
    }

    private void done(final Message message, final int qos)
    {
        if (persistent && qos > 0 && message.id() != 0)
        {
            log.append(new LogRecord.Acknowledged(clientId, message.id()));
        }
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
        if (link != null)
        {
            // A new connection already took the session (a takeover): the old one's will is not due.
            will.cancel(false);
            return;
        }
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
        if (journaled && !ended)
        {
            // Connected again: a restart must not expire it from when it last left.
            log.append(new LogRecord.SessionOpened(clientId, expirySeconds));
        }
        cancel(expiry);
        cancel(pendingWill);
        expiry = null;
        pendingWill = null;
        final InFlight sent = unacknowledged;
        for (int i = 0; sent != null && i < sent.size(); i++)
        {
            if (!newLink.fits(sent.message(i), sent.qos(i), sent.subscriptionId(i)))
            {
                // The new connection takes smaller packets: dropped as delivered, as MQTT 5 requires.
                done(sent.message(i), sent.qos(i));
                sent.removeAt(i--);
                continue;
            }
            newLink.publish(sent.message(i), sent.qos(i), sent.retain(i), sent.subscriptionId(i), sent.packetId(i), true);
        }
        for (final int packetId : released().keySet())
        {
            if (!releaseNotStored(packetId))
            {
                newLink.release(packetId);
            }
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
        wakeCaughtUpWaiters();
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
            leftAtMillis = broker.now();
            wakeCaughtUpWaiters();
            final InFlight sent = unacknowledged;
            for (int i = sent == null ? -1 : sent.size() - 1; i >= 0; i--)
            {
                final ShareGroup group = sent.group(i);
                if (group != null && !ended && group.hasMemberOtherThan(this))
                {
                    shared.add(0, sent.delivery(i));
                    sent.removeAt(i);
                }
            }
            for (final Iterator<Delivery> it = queued.iterator(); it.hasNext(); )
            {
                final Delivery delivery = it.next();
                if (delivery.shareGroup() != null && delivery.shareGroup().hasMemberOtherThan(this))
                {
                    shared.add(delivery);
                    it.remove();
                }
            }
        }
        for (final Delivery delivery : shared)
        {
            // The next member's record is logged before this session lets the message go: a crash
            // between the two leaves it owed twice, never not at all.
            final boolean moved = broker.redeliver(delivery, this);
            synchronized (this)
            {
                if (moved)
                {
                    done(delivery);
                }
                else
                {
                    queued.addFirst(delivery);
                }
            }
        }
        return true;
    }

    /**
     * Take a delivery: send it now if the client is here and its window has room, else queue it
     * (QoS 0 is not kept for an absent client).
     *
     * @param delivery the delivery.
     */
    public synchronized boolean offer(final Delivery delivery)
    {
        return offer(delivery, delivery.message(), delivery.qos(), delivery.retain(), delivery.subscriptionId(),
            delivery.shareGroup());
    }

    /**
     * The same, for a delivery routing describes in numbers: a QoS 0 message sent at once makes no
     * object at all.
     *
     * @param message        the message.
     * @param qos            the QoS it is delivered with.
     * @param retain         the RETAIN flag it is delivered with.
     * @param subscriptionId the subscription's identifier, or 0.
     * @param shareGroup     the share group it was given to this session by, or null.
     * @return true if this session's client has fallen behind (see {@link #offer(Delivery)}).
     */
    public synchronized boolean offer(final Message message, final int qos, final boolean retain,
        final int subscriptionId, final ShareGroup shareGroup)
    {
        return offer(null, message, qos, retain, subscriptionId, shareGroup);
    }

    private boolean offer(final Delivery given, final Message message, final int qos, final boolean retain,
        final int subscriptionId, final ShareGroup shareGroup)
    {
        if (ended)
        {
            return false;
        }
        if (qos == 0)
        {
            if (link != null && queued.isEmpty() && link.writable())
            {
                if (!(message.expiresAtMillis() != 0 && message.expired(broker.now())) &&
                    link.fits(message, 0, subscriptionId))
                {
                    link.publish(message, 0, retain, subscriptionId, 0, false);
                }
                return false;
            }
            if (link == null)
            {
                return false;
            }
        }
        if (link != null && queued.isEmpty() && inFlight() < window && link.writable())
        {
            send(message, qos, retain, subscriptionId, shareGroup);
            return false;
        }
        // Kept: the one place a delivery becomes an object.
        final Delivery delivery = given != null ? given : new Delivery(message, qos, retain, subscriptionId, shareGroup);
        if (queued.size() < maxQueued)
        {
            queued.add(delivery);
        }
        else
        {
            dropped++;
            broker.stats().dropped();
            done(delivery);
        }
        return link != null && queued.size() >= highWater;
    }

    /**
     * The connection takes deliveries again: send what waited.
     *
     * @param which the connection.
     */
    public synchronized void linkWritable(final Link which)
    {
        if (link == which)
        {
            drain();
        }
    }

    /**
     * Be told once this session's client has caught up: its queue is down to a quarter of
     * {@code max_queued_messages}, or the client has gone (a session whose client is away takes
     * messages up to its limit and drops the rest; it does not slow publishers down).
     *
     * @param task run once, on whichever thread sees it first (possibly this one, at once); must
     *             not block.
     */
    public void whenCaughtUp(final Runnable task)
    {
        synchronized (this)
        {
            if (link != null && !ended && queued.size() > lowWater)
            {
                if (catchUpWaiters == null)
                {
                    catchUpWaiters = new ArrayList<>();
                }
                catchUpWaiters.add(task);
                return;
            }
        }
        task.run();
    }

    private void wakeCaughtUpWaiters()
    {
        if (catchUpWaiters != null && (link == null || ended || queued.size() <= lowWater))
        {
            final List<Runnable> waiters = catchUpWaiters;
            catchUpWaiters = null;
            waiters.forEach(Runnable::run);
        }
    }

    // The three are made on first use: most sessions never hold a QoS 1 or 2 message in flight.

    private int unacknowledgedCount()
    {
        return unacknowledged == null ? 0 : unacknowledged.size();
    }

    private InFlight unacknowledgedToWrite()
    {
        if (unacknowledged == null)
        {
            unacknowledged = new InFlight();
        }
        return unacknowledged;
    }

    private int sentIndex(final int packetId)
    {
        return unacknowledged == null ? -1 : unacknowledged.indexOf(packetId);
    }

    private Map<Integer, Long> released()
    {
        return released == null ? Collections.emptyMap() : released;
    }

    private Map<Integer, Long> releasedToWrite()
    {
        if (released == null)
        {
            released = new LinkedHashMap<>();
        }
        return released;
    }

    private Set<Integer> receivedQos2()
    {
        return receivedQos2 == null ? Collections.emptySet() : receivedQos2;
    }

    private Set<Integer> receivedQos2ToWrite()
    {
        if (receivedQos2 == null)
        {
            receivedQos2 = new HashSet<>();
        }
        return receivedQos2;
    }

    private int inFlight()
    {
        return unacknowledgedCount() + released().size();
    }

    private void send(final Delivery delivery)
    {
        send(delivery.message(), delivery.qos(), delivery.retain(), delivery.subscriptionId(), delivery.shareGroup());
    }

    private void send(final Message message, final int qos, final boolean retain, final int subscriptionId,
        final ShareGroup shareGroup)
    {
        if ((message.expiresAtMillis() != 0 && message.expired(broker.now())) ||
            !link.fits(message, qos, subscriptionId))
        {
            done(message, qos);
            return;
        }
        if (qos == 0)
        {
            link.publish(message, 0, retain, subscriptionId, 0, false);
            return;
        }
        final int packetId = allocatePacketId();
        unacknowledgedToWrite().add(packetId, message, qos, retain, subscriptionId, shareGroup);
        if (persistent && message.id() != 0)
        {
            log.append(new LogRecord.Sent(clientId, message.id(), packetId));
        }
        link.publish(message, qos, retain, subscriptionId, packetId, false);
    }

    private void drain()
    {
        while (link != null && !queued.isEmpty() && (queued.peek().qos() == 0 || inFlight() < window) &&
            link.writable())
        {
            send(queued.poll());
        }
        wakeCaughtUpWaiters();
    }

    private int allocatePacketId()
    {
        while (true)
        {
            final int candidate = nextPacketId;
            nextPacketId = nextPacketId == 65535 ? 1 : nextPacketId + 1;
            if (sentIndex(candidate) < 0 && (released == null || !released.containsKey(candidate)))
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
        final int index = sentIndex(packetId);
        if (index < 0 || unacknowledged.qos(index) != 1)
        {
            return false;
        }
        final Message message = unacknowledged.message(index);
        unacknowledged.removeAt(index);
        done(message, 1);
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
        final int index = sentIndex(packetId);
        if (index >= 0 && unacknowledged.qos(index) == 2)
        {
            final long messageId = unacknowledged.message(index).id();
            unacknowledged.removeAt(index);
            releasedToWrite().put(packetId, messageId);
            if (persistent && messageId != 0)
            {
                // PUBREL only once the log knows: after a restart the message must not be sent again.
                if (releasesNotStored == null)
                {
                    releasesNotStored = new HashSet<>();
                }
                releasesNotStored.add(packetId);
                log.append(new LogRecord.Released(clientId, messageId, packetId), new SessionLog.Completion()
                {
                    @Override
                    public void stored()
                    {
                        releaseStored(packetId);
                    }

                    @Override
                    public void failed(final String why)
                    {
                        // Sent all the same: a client left waiting for PUBREL would hold its packet id for ever.
                        releaseStored(packetId);
                    }
                });
                return true;
            }
        }
        else if (!released().containsKey(packetId))
        {
            return false;
        }
        if (link != null && !releaseNotStored(packetId))
        {
            link.release(packetId);
        }
        return true;
    }

    /**
     * The log holds a PUBREC's Released record: send the PUBREL, to whichever connection the
     * session has now.
     */
    private synchronized void releaseStored(final int packetId)
    {
        if (releasesNotStored != null && releasesNotStored.remove(packetId) && link != null && !ended &&
            released().containsKey(packetId))
        {
            link.release(packetId);
        }
    }

    private boolean releaseNotStored(final int packetId)
    {
        return releasesNotStored != null && releasesNotStored.contains(packetId);
    }

    /**
     * @param packetId a QoS 2 message's packet id.
     * @return true if it was awaiting this PUBCOMP.
     */
    public synchronized boolean completed(final int packetId)
    {
        final Long messageId = released().remove(packetId);
        if (messageId == null)
        {
            return false;
        }
        if (persistent && messageId != 0)
        {
            log.append(new LogRecord.Acknowledged(clientId, messageId));
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
        if (receivedQos2().contains(packetId))
        {
            return 0;
        }
        if (receivedQos2().size() >= maxUnreleased)
        {
            return -1;
        }
        receivedQos2ToWrite().add(packetId);
        if (persistent)
        {
            log.append(new LogRecord.Qos2Received(clientId, packetId));
        }
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
        final boolean known = receivedQos2().remove(packetId);
        if (known && persistent)
        {
            log.append(new LogRecord.Qos2Released(clientId, packetId));
        }
        return known;
    }

    // ------------------------------------------------------------------ checkpoint and recovery

    /**
     * Hand the records that state this session to a checkpoint.
     *
     * @param sink takes them.
     */
    /**
     * Hand a new generation of the log this session's first record, if it is logged.
     *
     * @param sink takes it.
     */
    synchronized void announce(final java.util.function.Consumer<LogRecord> sink)
    {
        if (journaled && !ended)
        {
            sink.accept(new LogRecord.SessionOpened(clientId, expirySeconds));
        }
    }

    synchronized void capture(final java.util.function.Consumer<LogRecord> sink)
    {
        if (!journaled || ended)
        {
            return;
        }
        sink.accept(new LogRecord.SessionOpened(clientId, expirySeconds));
        if (link == null && leftAtMillis > 0)
        {
            sink.accept(new LogRecord.SessionLeft(clientId, expirySeconds, leftAtMillis));
        }
        for (final Subscription subscription : subscriptions.values())
        {
            sink.accept(new LogRecord.Subscribed(clientId, subscription.fullFilter(), subscription.qos(),
                subscription.noLocal(), subscription.retainAsPublished(), subscription.retainHandling(),
                subscription.identifier()));
        }
        final InFlight sent = unacknowledged;
        for (int i = 0; sent != null && i < sent.size(); i++)
        {
            if (capturePending(sent.delivery(i), sink))
            {
                sink.accept(new LogRecord.Sent(clientId, sent.message(i).id(), sent.packetId(i)));
            }
        }
        for (final Map.Entry<Integer, Long> awaiting : released().entrySet())
        {
            sink.accept(new LogRecord.Released(clientId, awaiting.getValue(), awaiting.getKey()));
        }
        for (final Delivery delivery : queued)
        {
            capturePending(delivery, sink);
        }
        for (final int packetId : receivedQos2())
        {
            sink.accept(new LogRecord.Qos2Received(clientId, packetId));
        }
    }

    private boolean capturePending(final Delivery delivery, final java.util.function.Consumer<LogRecord> sink)
    {
        if (delivery.qos() == 0 || delivery.message().id() == 0)
        {
            return false;
        }
        sink.accept(new LogRecord.Stored(delivery.message(), List.of(new LogRecord.Recipient(clientId, delivery.qos(),
            delivery.retain(), delivery.subscriptionId(),
            delivery.shareGroup() == null ? "" : delivery.shareGroup().fullFilter()))));
        return true;
    }

    /**
     * Rebuild the session from the log, before any client connects; nothing is logged.
     *
     * @param seconds      its expiry interval.
     * @param leftAt       when its client left, epoch ms.
     * @param sent         messages sent and not acknowledged, by packet id, in the order sent.
     * @param awaiting     QoS 2 messages awaiting PUBCOMP: message ids by packet id.
     * @param waiting      messages not sent yet, in order.
     * @param qos2Received packet ids of QoS 2 messages its client published, awaiting PUBREL.
     */
    synchronized void restore(
        final long seconds,
        final long leftAt,
        final Map<Integer, Delivery> sent,
        final Map<Integer, Long> awaiting,
        final List<Delivery> waiting,
        final Set<Integer> qos2Received)
    {
        expirySeconds = seconds;
        persistent = log != null && seconds > 0;
        journaled = true;
        leftAtMillis = leftAt;
        if (!sent.isEmpty())
        {
            sent.forEach((packetId, delivery) -> unacknowledgedToWrite().add(packetId, delivery));
        }
        if (!awaiting.isEmpty())
        {
            releasedToWrite().putAll(awaiting);
        }
        queued.addAll(waiting);
        if (!qos2Received.isEmpty())
        {
            receivedQos2ToWrite().addAll(qos2Received);
        }
    }

    @Override
    public String toString()
    {
        return "Session[" + clientId + "]";
    }
}
