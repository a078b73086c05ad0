package io.robustmq.plugin.kafka.group;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The classic groups this node coordinates. Each call takes its group's lock briefly and never
 * blocks; answers that wait (JoinGroup until the rebalance completes, SyncGroup until the leader's
 * assignment) are futures. A sweep every {@value #TICK_MS} ms expires sessions and ends rebalances
 * whose time is up.
 */
public final class GroupCoordinator implements AutoCloseable
{
    /** How often sessions and rebalances are checked. */
    public static final long TICK_MS = 100;
    /**
     * A group without members this long is forgotten (a client that names groups at random cannot
     * make this node keep them); its committed offsets stay, and ListGroups still lists it as Empty.
     */
    public static final long EMPTY_GROUP_RETENTION_MS = 10 * 60_000;

    /**
     * A member as DescribeGroups shows it.
     *
     * @param memberId        its id.
     * @param groupInstanceId its instance id, or null.
     * @param clientId        its client's id.
     * @param clientHost      where it connects from.
     * @param metadata        its subscription for the group's assignor.
     * @param assignment      its assignment.
     */
    public record MemberDescription(String memberId, String groupInstanceId, String clientId, String clientHost,
        byte[] metadata, byte[] assignment)
    {
    }

    /**
     * A group as DescribeGroups shows it.
     *
     * @param groupId      its id.
     * @param state        its state.
     * @param protocolType its protocol type, or empty.
     * @param protocolName its assignor, or empty.
     * @param members      its members.
     */
    public record GroupDescription(String groupId, GroupState state, String protocolType, String protocolName,
        List<MemberDescription> members)
    {
    }

    private final GroupSettings settings;
    private final LongSupplier clock;
    private final Consumer<String> onNewGroup;
    private final Map<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweep;

    /**
     * @param settings   limits.
     * @param clock      epoch ms (the plugin's clock).
     * @param scheduler  runs the sweep.
     * @param onNewGroup told the id of each group made (to register it in the cluster's metadata).
     */
    public GroupCoordinator(final GroupSettings settings, final LongSupplier clock, final ScheduledExecutorService scheduler,
        final Consumer<String> onNewGroup)
    {
        this.settings = settings;
        this.clock = clock;
        this.onNewGroup = onNewGroup;
        this.sweep = scheduler.scheduleAtFixedRate(this::tick, TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * @param request a JoinGroup.
     * @return completes when the member may go on: with the new generation, or an error.
     */
    public CompletableFuture<JoinResult> join(final JoinRequest request)
    {
        if (request.groupId() == null || request.groupId().isEmpty())
        {
            return CompletableFuture.completedFuture(JoinResult.error(GroupError.INVALID_GROUP_ID, request.memberId()));
        }
        if (request.sessionTimeoutMs() < settings.minSessionTimeoutMs() ||
            request.sessionTimeoutMs() > settings.maxSessionTimeoutMs())
        {
            return CompletableFuture.completedFuture(JoinResult.error(GroupError.INVALID_SESSION_TIMEOUT,
                request.memberId()));
        }
        if (request.protocols().isEmpty() || request.protocolType() == null || request.protocolType().isEmpty())
        {
            return CompletableFuture.completedFuture(JoinResult.error(GroupError.INCONSISTENT_GROUP_PROTOCOL,
                request.memberId()));
        }
        ConsumerGroup group = groups.get(request.groupId());
        if (group == null)
        {
            if (!request.memberId().isEmpty())
            {
                return CompletableFuture.completedFuture(JoinResult.error(GroupError.UNKNOWN_MEMBER_ID,
                    request.memberId()));
            }
            group = groups.computeIfAbsent(request.groupId(), id ->
            {
                onNewGroup.accept(id);
                return new ConsumerGroup(id, settings);
            });
        }
        synchronized (group)
        {
            if (group.state() == GroupState.DEAD)
            {
                return CompletableFuture.completedFuture(JoinResult.error(GroupError.COORDINATOR_NOT_AVAILABLE,
                    request.memberId()));
            }
            return group.join(request, clock.getAsLong());
        }
    }

    /**
     * @return completes with the member's assignment, or an error.
     */
    public CompletableFuture<SyncResult> sync(final String groupId, final int generationId, final String memberId,
        final String instanceId, final String protocolType, final String protocolName,
        final Map<String, byte[]> assignments)
    {
        final ConsumerGroup group = groups.get(groupId);
        if (group == null)
        {
            return CompletableFuture.completedFuture(SyncResult.error(GroupError.UNKNOWN_MEMBER_ID));
        }
        synchronized (group)
        {
            return group.sync(generationId, memberId, instanceId, protocolType, protocolName, assignments,
                clock.getAsLong());
        }
    }

    public GroupError heartbeat(final String groupId, final int generationId, final String memberId,
        final String instanceId)
    {
        final ConsumerGroup group = groups.get(groupId);
        if (group == null)
        {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        synchronized (group)
        {
            return group.heartbeat(generationId, memberId, instanceId, clock.getAsLong());
        }
    }

    public GroupError leave(final String groupId, final String memberId, final String instanceId)
    {
        final ConsumerGroup group = groups.get(groupId);
        if (group == null)
        {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        synchronized (group)
        {
            return group.leave(memberId, instanceId, clock.getAsLong());
        }
    }

    /**
     * @return NONE if an OffsetCommit from this member and generation may be stored.
     */
    public GroupError mayCommit(final String groupId, final int generationId, final String memberId,
        final String instanceId)
    {
        final ConsumerGroup group = groups.get(groupId);
        if (group == null)
        {
            return generationId < 0 && (memberId == null || memberId.isEmpty()) ? GroupError.NONE :
                GroupError.ILLEGAL_GENERATION;
        }
        synchronized (group)
        {
            return group.mayCommit(generationId, memberId, instanceId);
        }
    }

    /**
     * @param groupId a group.
     * @return it, if this node has it in memory.
     */
    public Optional<GroupDescription> describe(final String groupId)
    {
        final ConsumerGroup group = groups.get(groupId);
        if (group == null)
        {
            return Optional.empty();
        }
        synchronized (group)
        {
            final List<MemberDescription> members = new ArrayList<>();
            for (final GroupMember member : group.members())
            {
                final byte[] metadata = group.protocolName() == null ? new byte[0] : member.metadata(group.protocolName());
                members.add(new MemberDescription(member.memberId, member.groupInstanceId, member.clientId,
                    member.clientHost, metadata == null ? new byte[0] : metadata, member.assignment));
            }
            return Optional.of(new GroupDescription(group.groupId(), group.state(),
                group.protocolType() == null ? "" : group.protocolType(),
                group.protocolName() == null ? "" : group.protocolName(), members));
        }
    }

    /**
     * @return every group this node has in memory.
     */
    public List<GroupDescription> list()
    {
        final List<GroupDescription> all = new ArrayList<>();
        for (final String id : groups.keySet())
        {
            describe(id).ifPresent(all::add);
        }
        return all;
    }

    /**
     * Forget a group that has no members.
     *
     * @return NONE, NON_EMPTY_GROUP, or GROUP_ID_NOT_FOUND if this node has no such group in memory.
     */
    public GroupError delete(final String groupId)
    {
        final ConsumerGroup group = groups.get(groupId);
        if (group == null)
        {
            return GroupError.GROUP_ID_NOT_FOUND;
        }
        synchronized (group)
        {
            if (!group.isEmpty())
            {
                return GroupError.NON_EMPTY_GROUP;
            }
            group.markDead();
            groups.remove(groupId, group);
            return GroupError.NONE;
        }
    }

    private void tick()
    {
        final long now = clock.getAsLong();
        for (final ConsumerGroup group : groups.values())
        {
            synchronized (group)
            {
                group.tick(now);
                if (group.emptySince(now) >= EMPTY_GROUP_RETENTION_MS)
                {
                    // Its membership is gone for good; its committed offsets stay in the cursor store.
                    group.markDead();
                    groups.remove(group.groupId(), group);
                }
            }
        }
    }

    @Override
    public void close()
    {
        sweep.cancel(false);
    }
}
