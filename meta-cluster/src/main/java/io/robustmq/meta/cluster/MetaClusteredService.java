package io.robustmq.meta.cluster;

import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.cluster.client.ClusterException;
import io.aeron.cluster.codecs.CloseReason;
import io.aeron.cluster.service.ClientSession;
import io.aeron.cluster.service.Cluster;
import io.aeron.cluster.service.ClusteredService;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.robustmq.meta.state.MetaCommandAdapter;
import io.robustmq.meta.state.MetaSnapshot;
import io.robustmq.meta.state.MetaState;
import io.robustmq.meta.auth.AclIndex;
import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclResourceCode;
import io.robustmq.meta.state.ClusterSettings;
import io.robustmq.meta.state.GroupRecord;
import io.robustmq.meta.state.NodeRecord;
import io.robustmq.meta.state.ObjectChangeRecord;
import io.robustmq.meta.state.ObjectKey;
import io.robustmq.meta.state.ObjectRecord;
import io.robustmq.meta.state.ShardRecord;
import io.robustmq.meta.state.TopicRecord;
import io.robustmq.meta.state.UserRecord;
import org.agrona.DirectBuffer;
import org.agrona.collections.LongHashSet;
import org.agrona.concurrent.IdleStrategy;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Meta Service's state machine hosted by Aeron Cluster: commands arrive in log order with the
 * cluster's time and position and are applied to {@link MetaState}; each client command's result
 * goes back to its session (from the leader; followers' sessions do not send). A cluster timer,
 * armed once a node has registered (timers may not be scheduled from {@code onStart}) and carried
 * in the consensus module's own snapshots, marks nodes down that missed their heartbeats.
 * Snapshots carry the whole state.
 * <p>
 * Liveness: a reply never holds the service for long. A client that is not reading its replies
 * (back-pressure), not yet or no longer connected, or gone, costs the service at most
 * {@link #REPLY_WAIT_LIMIT_MS} ms once; its reply is then dropped and the session marked lagging,
 * and later replies to it are offered once each, without waiting, until one is taken. A dropped
 * reply is safe: the command is applied, and a client that sends it again (same client and request
 * id) gets its outcome without a second application. A closed session's reply is dropped at once.
 * <p>
 * Threading: every callback runs on the service container's thread; nothing that changes the
 * state does I/O of its own, reads a clock or draws a random number (a reply's bounded wait reads
 * the monotonic clock, and changes no state).
 */
public final class MetaClusteredService implements ClusteredService
{
    /**
     * What other threads may read of the service: an immutable copy of the state, published after
     * every change. Its maps are the state machine's persistent maps as they were: publishing costs
     * nothing whatever the size of the state, and look-ups by name are O(log n).
     *
     * @param role             this member's role.
     * @param leaderMemberId   the leader's member id, or -1 before the first election.
     * @param leadershipTermId the current term, or -1.
     * @param topicMap         every topic, by name.
     * @param nodeMap          every node, by id.
     * @param shards           every topic's shards by partition, by topic name.
     * @param groupMap         the consumer-group registry, by name.
     * @param userMap          every user, by name.
     * @param acls             every ACL rule, in a fixed order.
     * @param settings         every cluster setting with its value, defaults included.
     * @param aclIndex         the ACL rules compiled for decisions, with {@code acl.allow_if_no_rule}.
     * @param objectMap        every plugin's object, by owner, kind and name.
     * @param objectChanges    the latest changes to the objects, by sequence, in the order applied.
     * @param lastObjectChange the sequence of the latest change to the objects (0 before the first).
     * @param appliedPosition  the log position this member's state has applied up to: the outcome of
     *                         a command answered at a position at or below it shows in this view.
     */
    public record View(
        Cluster.Role role,
        int leaderMemberId,
        long leadershipTermId,
        SortedMap<String, TopicRecord> topicMap,
        SortedMap<Integer, NodeRecord> nodeMap,
        SortedMap<String, List<ShardRecord>> shards,
        SortedMap<String, GroupRecord> groupMap,
        SortedMap<String, UserRecord> userMap,
        SortedSet<AclRule> acls,
        Map<String, String> settings,
        AclIndex aclIndex,
        SortedMap<ObjectKey, ObjectRecord> objectMap,
        SortedMap<Long, ObjectChangeRecord> objectChanges,
        long lastObjectChange,
        long appliedPosition)
    {
        static final View EMPTY = empty(new MetaState(0));

        private static View empty(final MetaState state)
        {
            return new View(Cluster.Role.FOLLOWER, -1, -1, state.topicMap(), state.nodeMap(), state.shardMap(),
                state.groupMap(), state.userMap(), state.aclSet(), ClusterSettings.defaults(), new AclIndex(List.of(),
                Boolean.parseBoolean(ClusterSettings.defaults().get(ClusterSettings.ACL_ALLOW_IF_NO_RULE))),
                state.objectMap(), state.objectChanges(), state.lastObjectChange(), 0);
        }

        /**
         * @return the object, or null.
         */
        public ObjectRecord object(final String owner, final String kind, final String name)
        {
            return objectMap.get(new ObjectKey(owner, kind, name));
        }

        /**
         * @return every topic, by name.
         */
        public Collection<TopicRecord> topics()
        {
            return topicMap.values();
        }

        /**
         * @return every node, by id.
         */
        public Collection<NodeRecord> nodes()
        {
            return nodeMap.values();
        }

        /**
         * @return every consumer group, by name.
         */
        public Collection<GroupRecord> groups()
        {
            return groupMap.values();
        }

        /**
         * @return every user, by name.
         */
        public Collection<UserRecord> users()
        {
            return userMap.values();
        }

        /**
         * @param name a topic's name.
         * @return the topic, or null.
         */
        public TopicRecord topic(final String name)
        {
            return topicMap.get(name);
        }

        /**
         * @param name a consumer group's name.
         * @return the group, or null.
         */
        public GroupRecord group(final String name)
        {
            return groupMap.get(name);
        }

        /**
         * @param name a user's name.
         * @return the user, or null.
         */
        public UserRecord user(final String name)
        {
            return userMap.get(name);
        }

        /**
         * @return whether the ACL rules allow the request ({@link AclIndex}: no allocation, no scan of
         * every rule).
         */
        public boolean allowed(
            final String user,
            final String clientId,
            final AclOperationCode operation,
            final AclResourceCode resource,
            final String name)
        {
            return aclIndex.allowed(user, clientId, operation, resource, name);
        }

        /**
         * @return nodes up.
         */
        public int nodesUp()
        {
            int up = 0;
            for (final NodeRecord node : nodeMap.values())
            {
                up += node.up() ? 1 : 0;
            }
            return up;
        }
    }

    /** The longest a reply waits for a session that cannot take it now, before it is dropped. */
    public static final long REPLY_WAIT_LIMIT_MS = 100;

    /** How often the cluster checks for nodes that missed their heartbeats. */
    public static final long NODE_CHECK_INTERVAL_MS = 1000;
    private static final long NODE_CHECK_TIMER_ID = 1;

    private final MetaState state;
    private final MetaCommandAdapter adapter;
    private final MetaSnapshot snapshot = new MetaSnapshot();
    private Cluster cluster;
    private IdleStrategy idleStrategy;
    private ClientSession replyTo;
    private boolean repliedWithView;
    private final LongHashSet laggingSessions = new LongHashSet();
    private final AtomicLong repliesDropped = new AtomicLong();
    private volatile Cluster.Role role = Cluster.Role.FOLLOWER;
    private volatile View view = View.EMPTY;
    private int leaderMemberId = -1;
    private long leadershipTermId = -1;
    private long appliedPosition;
    private boolean nodeCheckArmed;
    private volatile boolean startedFromSnapshot;

    private final MetaCommandAdapter.ResultSink reply = this::reply;

    /**
     * @param nodeTimeoutMs a node that sends no heartbeat for this long is marked down.
     */
    public MetaClusteredService(final long nodeTimeoutMs)
    {
        this.state = new MetaState(nodeTimeoutMs);
        this.adapter = new MetaCommandAdapter(state);
    }

    /**
     * @return the state; read it only on the service thread (or after the container has stopped).
     */
    public MetaState state()
    {
        return state;
    }

    /**
     * @return true if this service's state was loaded from a snapshot when it started.
     */
    public boolean startedFromSnapshot()
    {
        return startedFromSnapshot;
    }

    /**
     * @return replies dropped so far because their session could not take them (any thread).
     */
    public long repliesDropped()
    {
        return repliesDropped.get();
    }

    /**
     * @return the latest view; any thread.
     */
    public View view()
    {
        return view;
    }

    private void publish()
    {
        final Map<String, String> settings = Collections.unmodifiableMap(state.settings().effective());
        final boolean allowIfNoRule = Boolean.parseBoolean(settings.get(ClusterSettings.ACL_ALLOW_IF_NO_RULE));
        final View previous = view;
        final SortedSet<AclRule> acls = state.aclSet();
        final AclIndex aclIndex = previous.acls() == acls && previous.aclIndex().allowIfNoRule() == allowIfNoRule ?
            previous.aclIndex() : new AclIndex(acls, allowIfNoRule);
        view = new View(role, leaderMemberId, leadershipTermId, state.topicMap(), state.nodeMap(), state.shardMap(),
            state.groupMap(), state.userMap(), acls, settings, aclIndex, state.objectMap(), state.objectChanges(),
            state.lastObjectChange(), appliedPosition);
        final ViewListener listener = this.listener;
        if (listener != null)
        {
            listener.onView(view);
        }
    }

    /**
     * Told of every new view, on the service's thread: it must return at once (hand the view to
     * another thread to act on it).
     */
    @FunctionalInterface
    public interface ViewListener
    {
        /**
         * @param view the view just published.
         */
        void onView(View view);
    }

    private volatile ViewListener listener;

    /**
     * @param listener told of every view published from now on; null to stop.
     */
    public void viewListener(final ViewListener listener)
    {
        this.listener = listener;
    }

    /**
     * @return this member's role, as the cluster last told it.
     */
    public Cluster.Role role()
    {
        return role;
    }

    @Override
    public void onStart(final Cluster cluster, final Image snapshotImage)
    {
        this.cluster = cluster;
        this.idleStrategy = cluster.idleStrategy();
        if (snapshotImage != null)
        {
            startedFromSnapshot = true;
            // A record longer than the MTU (a plugin's object of kilobytes) comes in fragments: reassemble them.
            final FragmentHandler loader =
                new FragmentAssembler((buffer, offset, length, header) -> snapshot.load(state, buffer, offset));
            while (!snapshotImage.isEndOfStream())
            {
                idleStrategy.idle(snapshotImage.poll(loader, 100));
            }
            state.finishRestore();
        }
        publish();
    }

    private void scheduleNodeCheck(final long now)
    {
        idleStrategy.reset();
        while (!cluster.scheduleTimer(NODE_CHECK_TIMER_ID, now + NODE_CHECK_INTERVAL_MS))
        {
            idleStrategy.idle();
        }
    }

    @Override
    public void onSessionOpen(final ClientSession session, final long timestamp)
    {
    }

    @Override
    public void onSessionClose(final ClientSession session, final long timestamp, final CloseReason closeReason)
    {
        laggingSessions.remove(session.id());
    }

    @Override
    public void onSessionMessage(
        final ClientSession session,
        final long timestamp,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final Header header)
    {
        replyTo = session;
        repliedWithView = false;
        appliedPosition = header.position();
        adapter.apply(buffer, offset, length, timestamp, header.position(), reply);
        replyTo = null;
        if (!nodeCheckArmed && !state.nodes().isEmpty())
        {
            nodeCheckArmed = true;
            scheduleNodeCheck(timestamp);
        }
        if (!repliedWithView)
        {
            publish();
        }
    }

    /**
     * Publish the view before the result leaves, so that a client that reads after its command
     * completes finds it applied; once per command (a view is a copy of the whole state).
     */
    private void reply(final DirectBuffer buffer, final int offset, final int length)
    {
        publish();
        repliedWithView = true;
        final ClientSession session = replyTo;
        final boolean lagging = laggingSessions.contains(session.id());
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(REPLY_WAIT_LIMIT_MS);
        idleStrategy.reset();
        long result;
        while ((result = session.offer(buffer, offset, length)) < 0)
        {
            final boolean mayWait = (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION ||
                result == Publication.NOT_CONNECTED) && !lagging && !session.isClosing();
            if (!mayWait || System.nanoTime() - deadline >= 0)
            {
                if (result != Publication.CLOSED)
                {
                    laggingSessions.add(session.id());
                }
                repliesDropped.incrementAndGet();
                return;
            }
            idleStrategy.idle();
        }
        if (lagging)
        {
            laggingSessions.remove(session.id());
        }
    }

    @Override
    public void onTimerEvent(final long correlationId, final long timestamp)
    {
        if (correlationId == NODE_CHECK_TIMER_ID)
        {
            appliedPosition = cluster.logPosition();
            state.markMissingNodesDown(timestamp);
            scheduleNodeCheck(timestamp);
            publish();
        }
    }

    @Override
    public void onTakeSnapshot(final ExclusivePublication publication)
    {
        snapshot.write(state, (buffer, offset, length) ->
        {
            idleStrategy.reset();
            long result;
            while ((result = publication.offer(buffer, offset, length)) < 0)
            {
                if (result == Publication.CLOSED || result == Publication.NOT_CONNECTED ||
                    result == Publication.MAX_POSITION_EXCEEDED)
                {
                    throw new ClusterException("snapshot not taken: its publication refused a fragment (" +
                        Publication.errorString(result) + ")");
                }
                if (Thread.currentThread().isInterrupted())
                {
                    throw new ClusterException("snapshot not taken: the service thread was interrupted");
                }
                idleStrategy.idle();
            }
        });
    }

    @Override
    public void onRoleChange(final Cluster.Role newRole)
    {
        role = newRole;
        publish();
    }

    @Override
    public void onNewLeadershipTermEvent(
        final long leadershipTermId,
        final long logPosition,
        final long timestamp,
        final long termBaseLogPosition,
        final int leaderMemberId,
        final int logSessionId,
        final java.util.concurrent.TimeUnit timeUnit,
        final int appVersion)
    {
        this.leadershipTermId = leadershipTermId;
        this.leaderMemberId = leaderMemberId;
        publish();
    }

    @Override
    public void onTerminate(final Cluster cluster)
    {
    }
}
