package io.robustmq.meta.state;

import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.codecs.ScramMechanismCode;
import org.pcollections.PSortedSet;
import org.pcollections.TreePSet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The cluster's metadata as a deterministic state machine: every change is a command applied in log
 * order, with the time and position the log gives it, so every member that applies the same log
 * holds the same state. No I/O, no clock, no randomness; iteration orders are fixed (sorted).
 * <p>
 * It holds the nodes (with heartbeats), the topics and their shards (placed by
 * {@link ShardPlacement}'s policy), the consumer-group registry, users with their SCRAM
 * credentials, ACL rules, the cluster settings ({@link ClusterSettings}), and the plugins'
 * control-plane objects ({@link ObjectTable}).
 * <p>
 * Commands from clients carry a client id and a request id: a request applied once answers a retry
 * with the first outcome instead of applying it again, so a command retried across a leader change
 * takes effect once (a PutObject's retry is also told the version it stored). The last
 * {@link #APPLIED_REQUESTS_KEPT} requests are remembered.
 * <p>
 * Threading: one thread, the clustered service's.
 */
public final class MetaState
{
    /** Applied requests remembered to answer retries. */
    public static final int APPLIED_REQUESTS_KEPT = 100_000;
    /** Longest topic name accepted, as Kafka's. */
    public static final int MAX_TOPIC_NAME_LENGTH = 249;

    private record RequestKey(long clientId, long requestId)
    {
    }

    /** {@link #commandDeadline}: the command has no deadline. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final long nodeTimeoutMs;
    private long deadlineMs = NO_DEADLINE;
    private long commandTimestamp;
    private final PersistentTable<String, TopicRecord> topics = new PersistentTable<>();
    /** {@link #alterTopic}: leave this as it is. */
    public static final int UNCHANGED = -1;
    /** {@link #createTopic}: no preferred leader, the shards are placed round robin. */
    public static final int NO_PREFERRED_LEADER = -1;
    private final PersistentTable<Integer, NodeRecord> nodes = new PersistentTable<>();
    private final ShardPlacement placement = new ShardPlacement();
    private final PersistentTable<String, GroupRecord> groups = new PersistentTable<>();
    private final PersistentTable<String, UserRecord> users = new PersistentTable<>();
    private PSortedSet<AclRule> acls = TreePSet.empty(MetaState::compareRules);
    private final ClusterSettings settings = new ClusterSettings();
    private final ObjectTable objects = new ObjectTable();
    private final LinkedHashMap<RequestKey, CommandOutcome> applied = new LinkedHashMap<>(1024, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<RequestKey, CommandOutcome> eldest)
        {
            return size() > APPLIED_REQUESTS_KEPT;
        }
    };

    /**
     * @param nodeTimeoutMs a node that sends no heartbeat for this long is marked down.
     */
    public MetaState(final long nodeTimeoutMs)
    {
        this.nodeTimeoutMs = nodeTimeoutMs;
    }

    /**
     * @param clientId    who asks.
     * @param requestId   unique per client.
     * @param name        the topic's name.
     * @param partitions  at least 1.
     * @param storage     engine, or empty.
     * @param durability  durability, or empty.
     * @param retentionMs age limit, 0 for the default.
     * @param retentionBytes size limit, 0 for the default.
     * @param segmentBytes journal segment size, 0 for the default.
     * @param preferredLeader the node to lead partition 0 if it is up (see {@link ShardPlacement#place}),
     *                    or {@link #NO_PREFERRED_LEADER}.
     * @param timestamp   cluster time of the command.
     * @param logPosition position of the command in the log: part of the topic's UUID.
     * @return OK, ALREADY_EXISTS or INVALID (or the first outcome, for a retry).
     */
    public ResultCode createTopic(
        final long clientId,
        final long requestId,
        final String name,
        final int partitions,
        final String storage,
        final String durability,
        final long retentionMs,
        final long retentionBytes,
        final int segmentBytes,
        final int preferredLeader,
        final long timestamp,
        final long logPosition)
    {
        return once(clientId, requestId, () ->
        {
            if (!validTopicName(name) || partitions < 1 || retentionMs < 0 || retentionBytes < 0 ||
                !validSegmentBytes(segmentBytes) || preferredLeader < NO_PREFERRED_LEADER)
            {
                return ResultCode.INVALID;
            }
            if (topics.containsKey(name))
            {
                return ResultCode.ALREADY_EXISTS;
            }
            final UUID uuid = UUID.nameUUIDFromBytes((name + '@' + logPosition).getBytes(StandardCharsets.UTF_8));
            topics.put(name, new TopicRecord(name, uuid, partitions, storage, durability, retentionMs, retentionBytes,
                timestamp, segmentBytes));
            placement.place(name, partitions, upNodes(), settings.replicationFactor(), preferredLeader);
            return ResultCode.OK;
        });
    }

    /**
     * Change a topic: shards added up to {@code partitions} (placed as a new topic's are), its
     * retention limits and segment size (of the segments its shards create from now on) replaced.
     * Each of the four may be {@link #UNCHANGED}.
     *
     * @return OK, NOT_FOUND, or INVALID for fewer partitions than the topic has, a negative limit or
     * a segment size {@link #validSegmentBytes} refuses (or the first outcome, for a retry).
     */
    public ResultCode alterTopic(
        final long clientId,
        final long requestId,
        final String name,
        final int partitions,
        final long retentionMs,
        final long retentionBytes,
        final int segmentBytes)
    {
        return once(clientId, requestId, () ->
        {
            final TopicRecord topic = topics.get(name);
            if (topic == null)
            {
                return ResultCode.NOT_FOUND;
            }
            if (partitions != UNCHANGED && partitions < topic.partitions() ||
                retentionMs < UNCHANGED || retentionBytes < UNCHANGED ||
                segmentBytes != UNCHANGED && !validSegmentBytes(segmentBytes))
            {
                return ResultCode.INVALID;
            }
            final int newPartitions = partitions == UNCHANGED ? topic.partitions() : partitions;
            topics.put(name, new TopicRecord(name, topic.uuid(), newPartitions, topic.storage(), topic.durability(),
                retentionMs == UNCHANGED ? topic.retentionMs() : retentionMs,
                retentionBytes == UNCHANGED ? topic.retentionBytes() : retentionBytes, topic.createdAt(),
                segmentBytes == UNCHANGED ? topic.segmentBytes() : segmentBytes));
            if (newPartitions > topic.partitions())
            {
                placement.grow(name, newPartitions, upNodes(), settings.replicationFactor());
            }
            return ResultCode.OK;
        });
    }

    /**
     * @return OK or NOT_FOUND (or the first outcome, for a retry).
     */
    public ResultCode deleteTopic(final long clientId, final long requestId, final String name)
    {
        return once(clientId, requestId, () ->
        {
            placement.remove(name);
            return topics.remove(name) != null ? ResultCode.OK : ResultCode.NOT_FOUND;
        });
    }

    /**
     * A node joins, or comes back: it is up, with this address, as of now.
     *
     * @return OK or INVALID (or the first outcome, for a retry).
     */
    public ResultCode registerNode(
        final long clientId, final long requestId, final int nodeId, final String address, final long timestamp)
    {
        return once(clientId, requestId, () ->
        {
            if (nodeId < 0 || address.isEmpty())
            {
                return ResultCode.INVALID;
            }
            final NodeRecord before = nodes.get(nodeId);
            // A node that comes back keeps the endpoints it said until it says them again.
            nodes.put(nodeId, new NodeRecord(nodeId, address, true, timestamp, timestamp,
                before == null ? Map.of() : before.endpoints()));
            if (before == null || !before.up())
            {
                placement.nodeUp(nodeId, upNodes(), settings.replicationFactor());
            }
            return ResultCode.OK;
        });
    }

    /**
     * A registered node says where its listeners are reached, replacing what it said before.
     *
     * @param endpoints as {@link NodeEndpoints} encodes them.
     * @return OK, NOT_FOUND for a node that has not registered, or INVALID (or the first outcome,
     * for a retry).
     */
    public ResultCode nodeEndpoints(final long clientId, final long requestId, final int nodeId, final String endpoints)
    {
        return once(clientId, requestId, () ->
        {
            final NodeRecord node = nodes.get(nodeId);
            if (node == null)
            {
                return ResultCode.NOT_FOUND;
            }
            final Map<String, String> parsed;
            try
            {
                parsed = NodeEndpoints.parse(endpoints);
            }
            catch (final IllegalArgumentException ex)
            {
                return ResultCode.INVALID;
            }
            nodes.put(nodeId, new NodeRecord(nodeId, node.address(), node.up(), node.registeredAt(),
                node.lastHeartbeat(), parsed));
            return ResultCode.OK;
        });
    }

    /**
     * A registered node is alive; an unknown node's heartbeat is ignored (it must register first).
     *
     * @return true if the node is known.
     */
    public boolean heartbeat(final int nodeId, final long timestamp)
    {
        final NodeRecord node = nodes.get(nodeId);
        if (node == null)
        {
            return false;
        }
        nodes.put(nodeId, node.withState(true, timestamp));
        if (!node.up())
        {
            placement.nodeUp(nodeId, upNodes(), settings.replicationFactor());
        }
        return true;
    }

    /**
     * Mark down every up node whose last heartbeat is older than the timeout. Run on a cluster
     * timer, so every member marks the same nodes at the same log position.
     *
     * @param timestamp cluster time now.
     * @return the ids of the nodes marked down, ascending.
     */
    public List<Integer> markMissingNodesDown(final long timestamp)
    {
        final List<Integer> marked = new ArrayList<>();
        for (final NodeRecord node : nodes.values())
        {
            if (node.up() && timestamp - node.lastHeartbeat() > nodeTimeoutMs)
            {
                marked.add(node.id());
            }
        }
        for (final int id : marked)
        {
            final NodeRecord node = nodes.get(id);
            nodes.put(id, node.withState(false, node.lastHeartbeat()));
        }
        if (!marked.isEmpty())
        {
            final Set<Integer> up = new TreeSet<>(upNodes());
            for (final int id : marked)
            {
                placement.nodeDown(id, up);
            }
        }
        return marked;
    }

    private List<Integer> upNodes()
    {
        final List<Integer> up = new ArrayList<>(nodes.size());
        for (final NodeRecord node : nodes.values())
        {
            if (node.up())
            {
                up.add(node.id());
            }
        }
        return up;
    }

    /**
     * Register a consumer group, or confirm it: OK if it exists for the same protocol.
     *
     * @return OK, ALREADY_EXISTS (another protocol owns the name) or INVALID.
     */
    public ResultCode registerGroup(
        final long clientId, final long requestId, final String name, final String protocol, final long timestamp)
    {
        return once(clientId, requestId, () ->
        {
            if (!validName(name) || protocol.isEmpty())
            {
                return ResultCode.INVALID;
            }
            final GroupRecord existing = groups.get(name);
            if (existing != null)
            {
                return existing.protocol().equals(protocol) ? ResultCode.OK : ResultCode.ALREADY_EXISTS;
            }
            groups.put(name, new GroupRecord(name, protocol, timestamp));
            return ResultCode.OK;
        });
    }

    /**
     * @return OK or NOT_FOUND.
     */
    public ResultCode deleteGroup(final long clientId, final long requestId, final String name)
    {
        return once(clientId, requestId, () -> groups.remove(name) != null ? ResultCode.OK : ResultCode.NOT_FOUND);
    }

    /**
     * Create a user, or replace its credentials.
     *
     * @param credentials at least one, at most one per mechanism.
     * @return OK or INVALID.
     */
    public ResultCode putUser(
        final long clientId, final long requestId, final String name, final List<ScramCredential> credentials)
    {
        return once(clientId, requestId, () ->
        {
            if (!validName(name) || credentials.isEmpty() || !oneEach(credentials))
            {
                return ResultCode.INVALID;
            }
            users.put(name, new UserRecord(name, credentials));
            return ResultCode.OK;
        });
    }

    private static boolean oneEach(final List<ScramCredential> credentials)
    {
        final Set<ScramMechanismCode> seen = new TreeSet<>();
        for (final ScramCredential credential : credentials)
        {
            if (credential.mechanism() == ScramMechanismCode.NULL_VAL || credential.iterations() < 1 ||
                !seen.add(credential.mechanism()))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return OK or NOT_FOUND.
     */
    public ResultCode deleteUser(final long clientId, final long requestId, final String name)
    {
        return once(clientId, requestId, () -> users.remove(name) != null ? ResultCode.OK : ResultCode.NOT_FOUND);
    }

    /**
     * @return OK (also if the same rule exists) or INVALID.
     */
    public ResultCode addAcl(final long clientId, final long requestId, final AclRule rule)
    {
        return once(clientId, requestId, () ->
        {
            if (!rule.valid())
            {
                return ResultCode.INVALID;
            }
            acls = acls.plus(rule);
            return ResultCode.OK;
        });
    }

    /**
     * @return OK or NOT_FOUND.
     */
    public ResultCode removeAcl(final long clientId, final long requestId, final AclRule rule)
    {
        return once(clientId, requestId, () ->
        {
            if (!acls.contains(rule))
            {
                return ResultCode.NOT_FOUND;
            }
            acls = acls.minus(rule);
            return ResultCode.OK;
        });
    }

    /**
     * @param value empty to restore the default.
     * @return OK, NOT_FOUND (no such setting) or INVALID (a value it does not accept).
     */
    public ResultCode setClusterConfig(final long clientId, final long requestId, final String key, final String value)
    {
        return once(clientId, requestId, () ->
        {
            if (!ClusterSettings.known(key))
            {
                return ResultCode.NOT_FOUND;
            }
            if (!ClusterSettings.accepts(key, value))
            {
                return ResultCode.INVALID;
            }
            settings.set(key, value);
            return ResultCode.OK;
        });
    }

    /**
     * Create or replace a plugin's control-plane object (see {@link ObjectTable} for versions and
     * limits).
     *
     * @param owner           the plugin whose namespace holds it.
     * @param kind            what it is.
     * @param name            its name within the kind.
     * @param value           its bytes (copied).
     * @param expectedVersion {@link ObjectTable#ABSENT}, {@link ObjectTable#ANY}, or the version it must be at.
     * @return OK with the version stored; ALREADY_EXISTS, NOT_FOUND, CONFLICT or INVALID (or the first
     * outcome, for a retry).
     */
    public CommandOutcome putObject(
        final long clientId,
        final long requestId,
        final String owner,
        final String kind,
        final String name,
        final byte[] value,
        final long expectedVersion)
    {
        return onceWithOutcome(clientId, requestId, () -> objects.put(owner, kind, name, value, expectedVersion));
    }

    /**
     * Delete a plugin's control-plane object.
     *
     * @param expectedVersion {@link ObjectTable#ANY}, or the version it must be at.
     * @return OK, NOT_FOUND, CONFLICT or INVALID (or the first outcome, for a retry).
     */
    public ResultCode deleteObject(
        final long clientId,
        final long requestId,
        final String owner,
        final String kind,
        final String name,
        final long expectedVersion)
    {
        return once(clientId, requestId, () -> objects.delete(owner, kind, name, expectedVersion));
    }

    /**
     * Bound the next client command: applied with a cluster time past {@code deadlineMs}, it is
     * answered EXPIRED and changes nothing (not even the record of applied requests, so a retry is
     * refused too); a retry of a request applied before still gets its first outcome.
     *
     * @param deadlineMs the deadline, epoch ms, or {@link #NO_DEADLINE}.
     * @param timestamp  the cluster time of the command.
     */
    public void commandDeadline(final long deadlineMs, final long timestamp)
    {
        this.deadlineMs = deadlineMs;
        this.commandTimestamp = timestamp;
    }

    private ResultCode once(final long clientId, final long requestId, final Supplier<ResultCode> command)
    {
        return onceWithOutcome(clientId, requestId, () -> CommandOutcome.of(command.get())).code();
    }

    private CommandOutcome onceWithOutcome(
        final long clientId, final long requestId, final Supplier<CommandOutcome> command)
    {
        final CommandOutcome earlier = applied.get(new RequestKey(clientId, requestId));
        if (earlier != null)
        {
            return earlier;
        }
        if (commandTimestamp > deadlineMs)
        {
            return CommandOutcome.of(ResultCode.EXPIRED);
        }
        final CommandOutcome outcome = command.get();
        applied.put(new RequestKey(clientId, requestId), outcome);
        return outcome;
    }

    private static int compareRules(final AclRule a, final AclRule b)
    {
        int c = a.principal().compareTo(b.principal());
        c = c != 0 ? c : a.resource().compareTo(b.resource());
        c = c != 0 ? c : a.pattern().compareTo(b.pattern());
        c = c != 0 ? c : a.resourceName().compareTo(b.resourceName());
        c = c != 0 ? c : a.operation().compareTo(b.operation());
        return c != 0 ? c : a.permission().compareTo(b.permission());
    }

    /**
     * @param name a topic name.
     * @return true if it is 1 to {@link #MAX_TOPIC_NAME_LENGTH} characters, none a control character.
     */
    /** The smallest and largest segment size a topic may ask for. */
    public static final int MIN_TOPIC_SEGMENT_BYTES = 1024 * 1024;
    public static final int MAX_TOPIC_SEGMENT_BYTES = 1 << 30;

    /**
     * @param segmentBytes a topic's segment size.
     * @return true for 0 (the node's default), or 1 MiB to 1 GiB in multiples of 8.
     */
    public static boolean validSegmentBytes(final int segmentBytes)
    {
        return segmentBytes == 0 || segmentBytes >= MIN_TOPIC_SEGMENT_BYTES && segmentBytes <= MAX_TOPIC_SEGMENT_BYTES &&
            segmentBytes % 8 == 0;
    }

    public static boolean validTopicName(final String name)
    {
        return validName(name);
    }

    private static boolean validName(final String name)
    {
        if (name.isEmpty() || name.length() > MAX_TOPIC_NAME_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < name.length(); i++)
        {
            if (Character.isISOControl(name.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @param name a topic's name.
     * @return the topic, or null.
     */
    public TopicRecord topic(final String name)
    {
        return topics.get(name);
    }

    /**
     * @return every topic, by name.
     */
    public Collection<TopicRecord> topics()
    {
        return topics.values();
    }

    /**
     * @return every topic by name, as of now: immutable, any thread may keep it.
     */
    public SortedMap<String, TopicRecord> topicMap()
    {
        return topics.snapshot();
    }

    /**
     * @return every topic's shards by partition, by topic name, as of now: immutable.
     */
    public SortedMap<String, List<ShardRecord>> shardMap()
    {
        return placement.snapshot();
    }

    /**
     * @return every node by id, as of now: immutable.
     */
    public SortedMap<Integer, NodeRecord> nodeMap()
    {
        return nodes.snapshot();
    }

    /**
     * @return every consumer group by name, as of now: immutable.
     */
    public SortedMap<String, GroupRecord> groupMap()
    {
        return groups.snapshot();
    }

    /**
     * @return every user by name, as of now: immutable.
     */
    public SortedMap<String, UserRecord> userMap()
    {
        return users.snapshot();
    }

    /**
     * @return every ACL rule, in a fixed order, as of now: immutable (the same instance until the
     * rules change).
     */
    public SortedSet<AclRule> aclSet()
    {
        return acls;
    }

    /**
     * @return every plugin's object by key, as of now: immutable.
     */
    public SortedMap<ObjectKey, ObjectRecord> objectMap()
    {
        return objects.snapshot();
    }

    /**
     * @return the latest changes to the objects by sequence (at most {@link ObjectTable#CHANGES_KEPT}),
     * as of now: immutable.
     */
    public SortedMap<Long, ObjectChangeRecord> objectChanges()
    {
        return objects.changes();
    }

    /**
     * @return the sequence of the latest change to the objects since this state was made, 0 before
     * the first.
     */
    public long lastObjectChange()
    {
        return objects.lastChange();
    }

    /**
     * @return the object, or null.
     */
    public ObjectRecord object(final String owner, final String kind, final String name)
    {
        return objects.get(new ObjectKey(owner, kind, name));
    }

    /**
     * @return the owner's objects of that kind, by name.
     */
    public List<ObjectRecord> objects(final String owner, final String kind)
    {
        return List.copyOf(ObjectKey.ofKind(objects.snapshot(), owner, kind).values());
    }

    /**
     * @return every plugin's object, by owner, kind and name.
     */
    public Collection<ObjectRecord> objects()
    {
        return objects.values();
    }

    /**
     * @param topic a topic's name.
     * @return its shards by partition, or empty if there is no such topic.
     */
    public List<ShardRecord> shards(final String topic)
    {
        return placement.shards(topic);
    }

    /**
     * @return every shard, by topic name then partition.
     */
    public List<ShardRecord> allShards()
    {
        final List<ShardRecord> all = new ArrayList<>();
        placement.all().forEach(all::addAll);
        return all;
    }

    /**
     * @return every consumer group, by name.
     */
    public Collection<GroupRecord> groups()
    {
        return groups.values();
    }

    /**
     * @return every user, by name.
     */
    public Collection<UserRecord> users()
    {
        return users.values();
    }

    /**
     * @return every ACL rule, in a fixed order.
     */
    public Collection<AclRule> acls()
    {
        return acls;
    }

    /**
     * @return the cluster settings.
     */
    public ClusterSettings settings()
    {
        return settings;
    }

    /**
     * @return every node, by id.
     */
    public Collection<NodeRecord> nodes()
    {
        return nodes.values();
    }

    /**
     * @return the remembered requests, oldest first, as {clientId, requestId, code value, object version}.
     */
    List<long[]> appliedRequests()
    {
        final List<long[]> list = new ArrayList<>(applied.size());
        applied.forEach((key, outcome) -> list.add(
            new long[]{key.clientId(), key.requestId(), outcome.code().value(), outcome.objectVersion()}));
        return list;
    }

    void restoreTopic(final TopicRecord topic)
    {
        topics.put(topic.name(), topic);
    }

    void restoreNode(final NodeRecord node)
    {
        nodes.put(node.id(), node);
    }

    void restoreShard(final ShardRecord shard)
    {
        placement.restore(shard);
    }

    /**
     * A snapshot has been loaded into this state: call before the state is changed or published.
     */
    public void finishRestore()
    {
        placement.finishRestore();
    }

    void restoreGroup(final GroupRecord group)
    {
        groups.put(group.name(), group);
    }

    void restoreUser(final UserRecord user)
    {
        users.put(user.name(), user);
    }

    void restoreAcl(final AclRule rule)
    {
        acls = acls.plus(rule);
    }

    void restoreSetting(final String key, final String value)
    {
        settings.set(key, value);
    }

    long placementCursor()
    {
        return placement.cursor();
    }

    void restorePlacementCursor(final long cursor)
    {
        placement.restoreCursor(cursor);
    }

    void restoreApplied(final long clientId, final long requestId, final ResultCode code, final long objectVersion)
    {
        applied.put(new RequestKey(clientId, requestId),
            objectVersion == 0 ? CommandOutcome.of(code) : new CommandOutcome(code, objectVersion));
    }

    void restoreObject(final ObjectRecord object)
    {
        objects.restore(object);
    }

    /**
     * @return the names of the topics, sorted (for tests and listings).
     */
    public Set<String> topicNames()
    {
        return topics.keySet();
    }
}
