package io.robustmq.meta.state;

import io.robustmq.meta.codecs.ResultCode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The cluster's metadata as a deterministic state machine: every change is a command applied in log
 * order, with the time and position the log gives it, so every member that applies the same log
 * holds the same state. No I/O, no clock, no randomness; iteration orders are fixed (sorted).
 * <p>
 * Commands from clients carry a client id and a request id: a request applied once answers a retry
 * with the first outcome instead of applying it again, so a command retried across a leader change
 * takes effect once. The last {@link #APPLIED_REQUESTS_KEPT} requests are remembered.
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

    private final long nodeTimeoutMs;
    private final Map<String, TopicRecord> topics = new TreeMap<>();
    private final Map<Integer, NodeRecord> nodes = new TreeMap<>();
    private final LinkedHashMap<RequestKey, ResultCode> applied = new LinkedHashMap<>(1024, 0.75f, false)
    {
        @Override
        protected boolean removeEldestEntry(final Map.Entry<RequestKey, ResultCode> eldest)
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
        final long timestamp,
        final long logPosition)
    {
        final ResultCode earlier = applied.get(new RequestKey(clientId, requestId));
        if (earlier != null)
        {
            return earlier;
        }
        final ResultCode result;
        if (!validTopicName(name) || partitions < 1 || retentionMs < 0 || retentionBytes < 0)
        {
            result = ResultCode.INVALID;
        }
        else if (topics.containsKey(name))
        {
            result = ResultCode.ALREADY_EXISTS;
        }
        else
        {
            final UUID uuid = UUID.nameUUIDFromBytes((name + '@' + logPosition).getBytes(StandardCharsets.UTF_8));
            topics.put(name, new TopicRecord(name, uuid, partitions, storage, durability, retentionMs, retentionBytes,
                timestamp));
            result = ResultCode.OK;
        }
        return remember(clientId, requestId, result);
    }

    /**
     * @return OK or NOT_FOUND (or the first outcome, for a retry).
     */
    public ResultCode deleteTopic(final long clientId, final long requestId, final String name)
    {
        final ResultCode earlier = applied.get(new RequestKey(clientId, requestId));
        if (earlier != null)
        {
            return earlier;
        }
        return remember(clientId, requestId, topics.remove(name) != null ? ResultCode.OK : ResultCode.NOT_FOUND);
    }

    /**
     * A node joins, or comes back: it is up, with this address, as of now.
     *
     * @return OK or INVALID (or the first outcome, for a retry).
     */
    public ResultCode registerNode(
        final long clientId, final long requestId, final int nodeId, final String address, final long timestamp)
    {
        final ResultCode earlier = applied.get(new RequestKey(clientId, requestId));
        if (earlier != null)
        {
            return earlier;
        }
        if (nodeId < 0 || address.isEmpty())
        {
            return remember(clientId, requestId, ResultCode.INVALID);
        }
        nodes.put(nodeId, new NodeRecord(nodeId, address, true, timestamp, timestamp));
        return remember(clientId, requestId, ResultCode.OK);
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
        nodes.put(nodeId, new NodeRecord(nodeId, node.address(), true, node.registeredAt(), timestamp));
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
            nodes.put(id, new NodeRecord(id, node.address(), false, node.registeredAt(), node.lastHeartbeat()));
        }
        return marked;
    }

    private ResultCode remember(final long clientId, final long requestId, final ResultCode result)
    {
        applied.put(new RequestKey(clientId, requestId), result);
        return result;
    }

    /**
     * @param name a topic name.
     * @return true if it is 1 to {@link #MAX_TOPIC_NAME_LENGTH} characters, none a control character.
     */
    public static boolean validTopicName(final String name)
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
        return Collections.unmodifiableCollection(topics.values());
    }

    /**
     * @return every node, by id.
     */
    public Collection<NodeRecord> nodes()
    {
        return Collections.unmodifiableCollection(nodes.values());
    }

    /**
     * @return the remembered requests, oldest first, as {clientId, requestId, code ordinal}.
     */
    List<long[]> appliedRequests()
    {
        final List<long[]> list = new ArrayList<>(applied.size());
        applied.forEach((key, code) -> list.add(new long[]{key.clientId(), key.requestId(), code.value()}));
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

    void restoreApplied(final long clientId, final long requestId, final ResultCode code)
    {
        applied.put(new RequestKey(clientId, requestId), code);
    }

    /**
     * @return the names of the topics, sorted (for tests and listings).
     */
    public Set<String> topicNames()
    {
        return Collections.unmodifiableSet(topics.keySet());
    }
}
