package io.robustmq.meta.state;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * Where each topic's shards live and which node leads each: the placement policy, deterministic so
 * every member computes the same placement from the same log.
 * <ul>
 *   <li><b>New topic.</b> The nodes up, by ascending id, form a ring. Shard {@code p} of the topic
 *       gets {@code min(replication_factor, nodes up)} replicas: the nodes at ring positions
 *       {@code start + p}, {@code start + p + 1}, ...; its first replica (the preferred one) leads.
 *       {@code start} is a cursor that advances by one with every such topic, so leaders spread across
 *       nodes as Kafka's do. With no node up, shards wait unplaced (no replicas, no leader).</li>
 *   <li><b>New topic with a preferred leader</b> that is up: as above, but {@code start} is that
 *       node's position in the ring, so it leads shard 0, the next node up shard 1, and so on; the
 *       cursor does not move, so the topics placed round robin keep spreading as if this one did
 *       not exist. A preferred leader that is not up (or not known) is ignored: round robin.</li>
 *   <li><b>Node down.</b> Each shard it led passes to its first replica still up, in replica order;
 *       if none is up the shard has no leader ({@link ShardRecord#NO_LEADER}) until one returns.</li>
 *   <li><b>Node up</b> (registered, or heartbeating again). Shards without a leader that list it
 *       as a replica take it as leader; unplaced shards are placed as for a new topic.</li>
 *   <li>Every change of leader raises the shard's epoch. Replicas are fixed once placed: leadership
 *       does not move back to a returning preferred replica, and nodes that join later take no
 *       existing shards (reassignment is for a later version).</li>
 * </ul>
 * Each topic's shards are an immutable list in a persistent map: a change replaces the list of the
 * topics it touches, and {@link #snapshot()} costs nothing.
 */
final class ShardPlacement
{
    private final PersistentTable<String, List<ShardRecord>> shards = new PersistentTable<>();
    private final Map<String, ArrayList<ShardRecord>> restoring = new HashMap<>();
    private long cursor;

    /**
     * Place a new topic's shards: round the ring from the cursor, which then advances by one; or, if
     * its preferred leader is up, round the ring from that node, the cursor left where it is.
     *
     * @param topic             its name.
     * @param partitions        its shard count.
     * @param up                the nodes up, ascending.
     * @param replicationFactor replicas wanted per shard.
     * @param preferredLeader   the node to lead shard 0, or {@link MetaState#NO_PREFERRED_LEADER}.
     */
    void place(final String topic, final int partitions, final List<Integer> up, final int replicationFactor,
        final int preferredLeader)
    {
        final int preferred = up.indexOf(preferredLeader);
        final long start = preferred >= 0 ? preferred : cursor;
        final List<ShardRecord> placed = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++)
        {
            final List<Integer> replicas = ring(up, start + p, replicationFactor);
            placed.add(new ShardRecord(topic, p, replicas, replicas.isEmpty() ? ShardRecord.NO_LEADER : replicas.get(0),
                0));
        }
        if (preferred < 0)
        {
            cursor++;
        }
        shards.put(topic, List.copyOf(placed));
    }

    private static List<Integer> ring(final List<Integer> up, final long start, final int replicationFactor)
    {
        final int count = Math.min(replicationFactor, up.size());
        final List<Integer> replicas = new ArrayList<>(count);
        for (int i = 0; i < count; i++)
        {
            replicas.add(up.get((int)((start + i) % up.size())));
        }
        return replicas;
    }

    /**
     * Place the shards a topic gained: they carry on round the ring of nodes up from the node after
     * the first replica of the topic's last shard (from the cursor if that node is not up), one
     * position further for each, so a grown topic's leaders stay spread. The cursor does not move.
     *
     * @param topic             its name.
     * @param partitions        its new shard count.
     * @param up                the nodes up, ascending.
     * @param replicationFactor replicas wanted per shard.
     */
    void grow(final String topic, final int partitions, final List<Integer> up, final int replicationFactor)
    {
        final List<ShardRecord> placed = new ArrayList<>(shards.get(topic));
        final int existing = placed.size();
        long start = cursor;
        if (existing > 0 && !placed.get(existing - 1).replicas().isEmpty())
        {
            final int last = up.indexOf(placed.get(existing - 1).replicas().get(0));
            start = last >= 0 ? last + 1 : cursor;
        }
        for (int p = existing; p < partitions; p++)
        {
            final List<Integer> replicas = ring(up, start + p - existing, replicationFactor);
            placed.add(new ShardRecord(topic, p, replicas, replicas.isEmpty() ? ShardRecord.NO_LEADER : replicas.get(0),
                0));
        }
        shards.put(topic, List.copyOf(placed));
    }

    void remove(final String topic)
    {
        shards.remove(topic);
    }

    /**
     * A node went down: move the leadership of the shards it led.
     *
     * @param node the node.
     * @param up   the nodes still up.
     */
    void nodeDown(final int node, final Set<Integer> up)
    {
        for (final Map.Entry<String, List<ShardRecord>> entry : shards.snapshot().entrySet())
        {
            final List<ShardRecord> topicShards = entry.getValue();
            List<ShardRecord> changed = null;
            for (int i = 0; i < topicShards.size(); i++)
            {
                final ShardRecord shard = topicShards.get(i);
                if (shard.leader() == node)
                {
                    int next = ShardRecord.NO_LEADER;
                    for (final int replica : shard.replicas())
                    {
                        if (replica != node && up.contains(replica))
                        {
                            next = replica;
                            break;
                        }
                    }
                    changed = changed == null ? new ArrayList<>(topicShards) : changed;
                    changed.set(i, shard.withLeader(next));
                }
            }
            if (changed != null)
            {
                shards.put(entry.getKey(), List.copyOf(changed));
            }
        }
    }

    /**
     * A node came up: give it the shards without a leader it holds, and place unplaced shards.
     *
     * @param node              the node.
     * @param up                the nodes up, ascending, the node included.
     * @param replicationFactor replicas wanted per shard.
     */
    void nodeUp(final int node, final List<Integer> up, final int replicationFactor)
    {
        for (final Map.Entry<String, List<ShardRecord>> entry : shards.snapshot().entrySet())
        {
            final List<ShardRecord> topicShards = entry.getValue();
            List<ShardRecord> changed = null;
            boolean unplaced = false;
            for (int i = 0; i < topicShards.size(); i++)
            {
                final ShardRecord shard = topicShards.get(i);
                if (shard.leader() != ShardRecord.NO_LEADER)
                {
                    continue;
                }
                if (shard.replicas().isEmpty())
                {
                    final List<Integer> replicas = ring(up, cursor + shard.partition(), replicationFactor);
                    changed = changed == null ? new ArrayList<>(topicShards) : changed;
                    changed.set(i, new ShardRecord(shard.topic(), shard.partition(), replicas, replicas.get(0),
                        shard.epoch() + 1));
                    unplaced = true;
                }
                else if (shard.replicas().contains(node))
                {
                    changed = changed == null ? new ArrayList<>(topicShards) : changed;
                    changed.set(i, shard.withLeader(node));
                }
            }
            if (changed != null)
            {
                shards.put(entry.getKey(), List.copyOf(changed));
            }
            if (unplaced)
            {
                cursor++;
            }
        }
    }

    /**
     * @param topic a topic's name.
     * @return its shards by partition, or empty.
     */
    List<ShardRecord> shards(final String topic)
    {
        final List<ShardRecord> topicShards = shards.get(topic);
        return topicShards == null ? List.of() : topicShards;
    }

    /**
     * @return every topic's shards, by topic name.
     */
    Collection<List<ShardRecord>> all()
    {
        return shards.values();
    }

    /**
     * @return every topic's shards, by topic name, as of now: immutable.
     */
    SortedMap<String, List<ShardRecord>> snapshot()
    {
        return shards.snapshot();
    }

    long cursor()
    {
        return cursor;
    }

    void restoreCursor(final long cursor)
    {
        this.cursor = cursor;
    }

    /**
     * Restore one shard from a snapshot. While a snapshot loads (before any view is published), a
     * topic's list grows in place, so a topic of P shards costs O(P), not O(P^2); {@link
     * #finishRestore()} ends that.
     */
    void restore(final ShardRecord shard)
    {
        final ArrayList<ShardRecord> topicShards = restoring.computeIfAbsent(shard.topic(), topic ->
        {
            final ArrayList<ShardRecord> list = new ArrayList<>();
            shards.put(topic, Collections.unmodifiableList(list));
            return list;
        });
        while (topicShards.size() <= shard.partition())
        {
            topicShards.add(null);
        }
        topicShards.set(shard.partition(), shard);
    }

    /**
     * A snapshot has loaded: the lists restored are not changed in place any more.
     */
    void finishRestore()
    {
        restoring.clear();
    }
}
