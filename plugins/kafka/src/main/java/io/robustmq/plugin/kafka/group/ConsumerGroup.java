package io.robustmq.plugin.kafka.group;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * One classic group and its state machine: members join (a rebalance gathers them all, or waits
 * for the slowest until the rebalance timeout), the leader's assignment is handed out at SyncGroup,
 * heartbeats keep sessions alive, and a member whose session runs out is removed, which starts a
 * rebalance. Every method runs under the group's lock (the coordinator takes it); futures are
 * completed there, and their users continue on their own threads.
 */
final class ConsumerGroup
{
    private final String groupId;
    private final GroupSettings settings;
    private GroupState state = GroupState.EMPTY;
    private int generation;
    private String protocolType;
    private String protocolName;
    private String leaderId;
    private final Map<String, GroupMember> members = new LinkedHashMap<>();
    /** Member ids handed out with MEMBER_ID_REQUIRED, with when they lapse if not used. */
    private final Map<String, Long> pendingMembers = new HashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private long rebalanceDeadlineMs;
    private long joinNotBeforeMs;
    /** When the group last had no members and no rebalance under way; -1 while it has some. */
    private long emptySinceMs = -1;

    ConsumerGroup(final String groupId, final GroupSettings settings)
    {
        this.groupId = groupId;
        this.settings = settings;
    }

    String groupId()
    {
        return groupId;
    }

    GroupState state()
    {
        return state;
    }

    int generation()
    {
        return generation;
    }

    String protocolType()
    {
        return protocolType;
    }

    String protocolName()
    {
        return protocolName;
    }

    List<GroupMember> members()
    {
        return new ArrayList<>(members.values());
    }

    boolean isEmpty()
    {
        return members.isEmpty();
    }

    void markDead()
    {
        state = GroupState.DEAD;
    }

    /**
     * @return how long the group has been empty (no members, no ids handed out), or -1.
     */
    long emptySince(final long nowMs)
    {
        if (state != GroupState.EMPTY || !members.isEmpty() || !pendingMembers.isEmpty())
        {
            emptySinceMs = -1;
            return -1;
        }
        if (emptySinceMs < 0)
        {
            emptySinceMs = nowMs;
        }
        return nowMs - emptySinceMs;
    }

    CompletableFuture<JoinResult> join(final JoinRequest request, final long nowMs)
    {
        if (!members.isEmpty() && !compatible(request))
        {
            return done(JoinResult.error(GroupError.INCONSISTENT_GROUP_PROTOCOL, request.memberId()));
        }
        if (request.protocols().isEmpty() || request.protocolType() == null || request.protocolType().isEmpty())
        {
            return done(JoinResult.error(GroupError.INCONSISTENT_GROUP_PROTOCOL, request.memberId()));
        }
        final String memberId = request.memberId();
        if (memberId.isEmpty())
        {
            return joinUnknown(request, nowMs);
        }
        if (pendingMembers.remove(memberId) != null)
        {
            return addAndRebalance(memberId, request, nowMs);
        }
        final GroupMember member = members.get(memberId);
        if (member == null)
        {
            if (request.groupInstanceId() != null && staticMembers.containsKey(request.groupInstanceId()))
            {
                return done(JoinResult.error(GroupError.FENCED_INSTANCE_ID, memberId));
            }
            return done(JoinResult.error(GroupError.UNKNOWN_MEMBER_ID, memberId));
        }
        if (member.groupInstanceId != null && !member.groupInstanceId.equals(request.groupInstanceId()))
        {
            return done(JoinResult.error(GroupError.FENCED_INSTANCE_ID, memberId));
        }
        final boolean sameMetadata = sameProtocols(member.protocols, request.protocols());
        member.update(request);
        final CompletableFuture<JoinResult> answer = waitForJoin(member);
        switch (state)
        {
            case PREPARING_REBALANCE -> completeJoinIfReady(nowMs);
            case COMPLETING_REBALANCE, STABLE ->
            {
                if (sameMetadata && !(state == GroupState.STABLE && memberId.equals(leaderId)))
                {
                    // Nothing changed for this member: it gets the current generation again.
                    member.pendingJoin = null;
                    answer.complete(joined(member));
                }
                else
                {
                    prepareRebalance(nowMs);
                }
            }
            default -> prepareRebalance(nowMs);
        }
        return answer;
    }

    private CompletableFuture<JoinResult> joinUnknown(final JoinRequest request, final long nowMs)
    {
        if (members.size() + pendingMembers.size() >= settings.maxGroupSize())
        {
            return done(JoinResult.error(GroupError.GROUP_MAX_SIZE_REACHED, ""));
        }
        final String newId = (request.clientId() == null ? "" : request.clientId()) + "-" + UUID.randomUUID();
        final String instanceId = request.groupInstanceId();
        if (instanceId != null)
        {
            final String oldId = staticMembers.get(instanceId);
            final GroupMember old = oldId == null ? null : members.get(oldId);
            if (old != null)
            {
                // A static member back (restarted): it takes its place under a new id; without a
                // rebalance if the group is stable and it asks for the same as before.
                final boolean same = sameProtocols(old.protocols, request.protocols()) &&
                    old.protocolType.equals(request.protocolType());
                members.remove(oldId);
                fence(old);
                final GroupMember member = new GroupMember(newId, request);
                member.assignment = old.assignment;
                members.put(newId, member);
                staticMembers.put(instanceId, newId);
                if (oldId.equals(leaderId))
                {
                    leaderId = newId;
                }
                member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
                if (state == GroupState.STABLE && same)
                {
                    // A returning leader gets the members, so that an assignment it computes is a whole one
                    // (the group stays stable: SyncGroup hands out the assignments it has).
                    return done(joined(member));
                }
                final CompletableFuture<JoinResult> answer = waitForJoin(member);
                prepareRebalance(nowMs);
                return answer;
            }
            return addAndRebalance(newId, request, nowMs);
        }
        if (request.requireKnownMemberId())
        {
            pendingMembers.put(newId, nowMs + request.sessionTimeoutMs());
            return done(JoinResult.error(GroupError.MEMBER_ID_REQUIRED, newId));
        }
        return addAndRebalance(newId, request, nowMs);
    }

    private CompletableFuture<JoinResult> addAndRebalance(final String memberId, final JoinRequest request,
        final long nowMs)
    {
        if (members.size() >= settings.maxGroupSize())
        {
            return done(JoinResult.error(GroupError.GROUP_MAX_SIZE_REACHED, memberId));
        }
        final GroupMember member = new GroupMember(memberId, request);
        members.put(memberId, member);
        if (member.groupInstanceId != null)
        {
            staticMembers.put(member.groupInstanceId, memberId);
        }
        if (protocolType == null)
        {
            protocolType = request.protocolType();
        }
        final CompletableFuture<JoinResult> answer = waitForJoin(member);
        if (state == GroupState.PREPARING_REBALANCE)
        {
            joinNotBeforeMs = Math.max(joinNotBeforeMs, Math.min(nowMs + settings.initialRebalanceDelayMs(),
                rebalanceDeadlineMs));
            completeJoinIfReady(nowMs);
        }
        else
        {
            prepareRebalance(nowMs);
        }
        return answer;
    }

    private static CompletableFuture<JoinResult> waitForJoin(final GroupMember member)
    {
        if (member.pendingJoin != null)
        {
            // The same member joined again before its last join was answered: the last one is
            // superseded.
            member.pendingJoin.complete(JoinResult.error(GroupError.REBALANCE_IN_PROGRESS, member.memberId));
        }
        member.pendingJoin = new CompletableFuture<>();
        return member.pendingJoin;
    }

    CompletableFuture<SyncResult> sync(final int generationId, final String memberId, final String instanceId,
        final String requestProtocolType, final String requestProtocolName, final Map<String, byte[]> assignments,
        final long nowMs)
    {
        final GroupMember member = members.get(memberId);
        if (member == null || state == GroupState.EMPTY || state == GroupState.DEAD)
        {
            return done(SyncResult.error(instanceId != null && staticMembers.containsKey(instanceId) ?
                GroupError.FENCED_INSTANCE_ID : GroupError.UNKNOWN_MEMBER_ID));
        }
        if (member.groupInstanceId != null && !member.groupInstanceId.equals(instanceId))
        {
            return done(SyncResult.error(GroupError.FENCED_INSTANCE_ID));
        }
        if (generationId != generation)
        {
            return done(SyncResult.error(GroupError.ILLEGAL_GENERATION));
        }
        if (requestProtocolType != null && !requestProtocolType.equals(protocolType) ||
            requestProtocolName != null && !requestProtocolName.equals(protocolName))
        {
            return done(SyncResult.error(GroupError.INCONSISTENT_GROUP_PROTOCOL));
        }
        member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
        switch (state)
        {
            case PREPARING_REBALANCE ->
            {
                return done(SyncResult.error(GroupError.REBALANCE_IN_PROGRESS));
            }
            case STABLE ->
            {
                return done(new SyncResult(GroupError.NONE, protocolType, protocolName, member.assignment));
            }
            default ->
            {
                if (member.pendingSync != null)
                {
                    member.pendingSync.complete(SyncResult.error(GroupError.REBALANCE_IN_PROGRESS));
                }
                member.pendingSync = new CompletableFuture<>();
                final CompletableFuture<SyncResult> answer = member.pendingSync;
                if (memberId.equals(leaderId))
                {
                    for (final GroupMember each : members.values())
                    {
                        final byte[] assignment = assignments.get(each.memberId);
                        each.assignment = assignment == null ? new byte[0] : assignment;
                    }
                    state = GroupState.STABLE;
                    for (final GroupMember each : members.values())
                    {
                        if (each.pendingSync != null)
                        {
                            each.pendingSync.complete(new SyncResult(GroupError.NONE, protocolType, protocolName,
                                each.assignment));
                            each.pendingSync = null;
                        }
                    }
                }
                return answer;
            }
        }
    }

    GroupError heartbeat(final int generationId, final String memberId, final String instanceId, final long nowMs)
    {
        final GroupMember member = members.get(memberId);
        if (member == null || state == GroupState.EMPTY || state == GroupState.DEAD)
        {
            return instanceId != null && staticMembers.containsKey(instanceId) ? GroupError.FENCED_INSTANCE_ID :
                GroupError.UNKNOWN_MEMBER_ID;
        }
        if (member.groupInstanceId != null && !member.groupInstanceId.equals(instanceId))
        {
            return GroupError.FENCED_INSTANCE_ID;
        }
        if (generationId != generation)
        {
            return GroupError.ILLEGAL_GENERATION;
        }
        member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
        return state == GroupState.PREPARING_REBALANCE ? GroupError.REBALANCE_IN_PROGRESS : GroupError.NONE;
    }

    GroupError leave(final String memberId, final String instanceId, final long nowMs)
    {
        String id = memberId;
        if (instanceId != null)
        {
            final String current = staticMembers.get(instanceId);
            if (current == null)
            {
                return GroupError.UNKNOWN_MEMBER_ID;
            }
            if (memberId != null && !memberId.isEmpty() && !memberId.equals(current))
            {
                return GroupError.FENCED_INSTANCE_ID;
            }
            id = current;
        }
        if (id != null && pendingMembers.remove(id) != null)
        {
            return GroupError.NONE;
        }
        final GroupMember member = id == null ? null : members.get(id);
        if (member == null)
        {
            return GroupError.UNKNOWN_MEMBER_ID;
        }
        remove(member, GroupError.UNKNOWN_MEMBER_ID, nowMs);
        return GroupError.NONE;
    }

    /**
     * Check an OffsetCommit's member and generation.
     *
     * @return NONE if the commit may go ahead.
     */
    GroupError mayCommit(final int generationId, final String memberId, final String instanceId)
    {
        if (generationId < 0 && (memberId == null || memberId.isEmpty()))
        {
            // A commit outside the group protocol (a consumer that assigns itself): only while the
            // group has no members.
            return members.isEmpty() ? GroupError.NONE : GroupError.ILLEGAL_GENERATION;
        }
        final GroupMember member = members.get(memberId);
        if (member == null)
        {
            return instanceId != null && staticMembers.containsKey(instanceId) ? GroupError.FENCED_INSTANCE_ID :
                GroupError.UNKNOWN_MEMBER_ID;
        }
        if (member.groupInstanceId != null && !member.groupInstanceId.equals(instanceId))
        {
            return GroupError.FENCED_INSTANCE_ID;
        }
        if (generationId != generation)
        {
            return GroupError.ILLEGAL_GENERATION;
        }
        return state == GroupState.COMPLETING_REBALANCE ? GroupError.REBALANCE_IN_PROGRESS : GroupError.NONE;
    }

    /**
     * Expire sessions, lapse unused member ids, and end a rebalance whose time is up.
     */
    void tick(final long nowMs)
    {
        pendingMembers.values().removeIf(lapse -> lapse <= nowMs);
        if (state == GroupState.PREPARING_REBALANCE)
        {
            if (nowMs >= rebalanceDeadlineMs)
            {
                // Those that did not join again in time are out.
                final Iterator<GroupMember> each = members.values().iterator();
                while (each.hasNext())
                {
                    final GroupMember member = each.next();
                    if (member.pendingJoin == null)
                    {
                        each.remove();
                        forget(member);
                    }
                }
                completeJoin(nowMs);
            }
            else
            {
                completeJoinIfReady(nowMs);
            }
            return;
        }
        for (final GroupMember member : new ArrayList<>(members.values()))
        {
            if (member.pendingJoin == null && nowMs > member.sessionDeadlineMs)
            {
                remove(member, GroupError.UNKNOWN_MEMBER_ID, nowMs);
            }
        }
    }

    private void remove(final GroupMember member, final GroupError toPending, final long nowMs)
    {
        members.remove(member.memberId);
        forget(member);
        if (member.pendingJoin != null)
        {
            member.pendingJoin.complete(JoinResult.error(toPending, member.memberId));
        }
        if (member.pendingSync != null)
        {
            member.pendingSync.complete(SyncResult.error(toPending));
        }
        switch (state)
        {
            case STABLE, COMPLETING_REBALANCE -> prepareRebalance(nowMs);
            case PREPARING_REBALANCE -> completeJoinIfReady(nowMs);
            default ->
            {
            }
        }
    }

    private void forget(final GroupMember member)
    {
        if (member.groupInstanceId != null && member.memberId.equals(staticMembers.get(member.groupInstanceId)))
        {
            staticMembers.remove(member.groupInstanceId);
        }
    }

    private static void fence(final GroupMember old)
    {
        if (old.pendingJoin != null)
        {
            old.pendingJoin.complete(JoinResult.error(GroupError.FENCED_INSTANCE_ID, old.memberId));
        }
        if (old.pendingSync != null)
        {
            old.pendingSync.complete(SyncResult.error(GroupError.FENCED_INSTANCE_ID));
        }
    }

    private void prepareRebalance(final long nowMs)
    {
        if (state == GroupState.COMPLETING_REBALANCE)
        {
            for (final GroupMember member : members.values())
            {
                if (member.pendingSync != null)
                {
                    member.pendingSync.complete(SyncResult.error(GroupError.REBALANCE_IN_PROGRESS));
                    member.pendingSync = null;
                }
            }
        }
        if (members.isEmpty())
        {
            state = GroupState.EMPTY;
            generation++;
            protocolName = null;
            leaderId = null;
            protocolType = null;
            return;
        }
        int rebalanceTimeoutMs = 0;
        for (final GroupMember member : members.values())
        {
            rebalanceTimeoutMs = Math.max(rebalanceTimeoutMs, member.rebalanceTimeoutMs);
        }
        rebalanceDeadlineMs = nowMs + rebalanceTimeoutMs;
        joinNotBeforeMs = state == GroupState.EMPTY ?
            Math.min(nowMs + settings.initialRebalanceDelayMs(), rebalanceDeadlineMs) : nowMs;
        state = GroupState.PREPARING_REBALANCE;
        completeJoinIfReady(nowMs);
    }

    private void completeJoinIfReady(final long nowMs)
    {
        if (state != GroupState.PREPARING_REBALANCE || nowMs < joinNotBeforeMs)
        {
            return;
        }
        for (final GroupMember member : members.values())
        {
            if (member.pendingJoin == null)
            {
                return;
            }
        }
        completeJoin(nowMs);
    }

    private void completeJoin(final long nowMs)
    {
        generation++;
        if (members.isEmpty())
        {
            state = GroupState.EMPTY;
            protocolName = null;
            protocolType = null;
            leaderId = null;
            return;
        }
        protocolName = selectProtocol();
        if (leaderId == null || !members.containsKey(leaderId))
        {
            leaderId = members.keySet().iterator().next();
        }
        state = GroupState.COMPLETING_REBALANCE;
        for (final GroupMember member : members.values())
        {
            member.sessionDeadlineMs = nowMs + member.sessionTimeoutMs;
            member.assignment = new byte[0];
            if (member.pendingJoin != null)
            {
                member.pendingJoin.complete(joined(member));
                member.pendingJoin = null;
            }
        }
    }

    private JoinResult joined(final GroupMember member)
    {
        final List<JoinResult.Member> all = new ArrayList<>();
        if (member.memberId.equals(leaderId))
        {
            for (final GroupMember each : members.values())
            {
                all.add(new JoinResult.Member(each.memberId, each.groupInstanceId, each.metadata(protocolName)));
            }
        }
        return new JoinResult(GroupError.NONE, generation, protocolType, protocolName, leaderId, member.memberId, all);
    }

    /**
     * The assignor every member supports that most members prefer (Kafka's vote).
     */
    private String selectProtocol()
    {
        final List<String> candidates = new ArrayList<>();
        final GroupMember first = members.values().iterator().next();
        for (final JoinRequest.Protocol protocol : first.protocols)
        {
            boolean everyone = true;
            for (final GroupMember member : members.values())
            {
                everyone &= member.metadata(protocol.name()) != null;
            }
            if (everyone)
            {
                candidates.add(protocol.name());
            }
        }
        final Map<String, Integer> votes = new HashMap<>();
        for (final GroupMember member : members.values())
        {
            for (final JoinRequest.Protocol protocol : member.protocols)
            {
                if (candidates.contains(protocol.name()))
                {
                    votes.merge(protocol.name(), 1, Integer::sum);
                    break;
                }
            }
        }
        String chosen = candidates.get(0);
        for (final String candidate : candidates)
        {
            if (votes.getOrDefault(candidate, 0) > votes.getOrDefault(chosen, 0))
            {
                chosen = candidate;
            }
        }
        return chosen;
    }

    /**
     * @return true if the request's protocol type is the group's and it shares an assignor with
     * every member.
     */
    private boolean compatible(final JoinRequest request)
    {
        if (protocolType != null && !protocolType.equals(request.protocolType()))
        {
            return false;
        }
        for (final JoinRequest.Protocol protocol : request.protocols())
        {
            boolean everyone = true;
            for (final GroupMember member : members.values())
            {
                if (!member.memberId.equals(request.memberId()))
                {
                    everyone &= member.metadata(protocol.name()) != null;
                }
            }
            if (everyone)
            {
                return true;
            }
        }
        return false;
    }

    private static boolean sameProtocols(final List<JoinRequest.Protocol> a, final List<JoinRequest.Protocol> b)
    {
        if (a.size() != b.size())
        {
            return false;
        }
        for (int i = 0; i < a.size(); i++)
        {
            if (!a.get(i).name().equals(b.get(i).name()) || !Arrays.equals(a.get(i).metadata(), b.get(i).metadata()))
            {
                return false;
            }
        }
        return true;
    }

    private static <T> CompletableFuture<T> done(final T value)
    {
        return CompletableFuture.completedFuture(value);
    }
}
