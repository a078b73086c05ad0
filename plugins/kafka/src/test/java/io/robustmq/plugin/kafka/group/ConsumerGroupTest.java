package io.robustmq.plugin.kafka.group;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The classic group state machine, on a clock the test moves: no sleeping.
 */
class ConsumerGroupTest
{
    private static final GroupSettings SETTINGS = new GroupSettings(1_000, 60_000, 0, 3);
    private final ConsumerGroup group = new ConsumerGroup("g", SETTINGS);
    private long now = 1_000_000;

    private static JoinRequest join(final String memberId, final String instanceId, final byte[] metadata)
    {
        return new JoinRequest("g", memberId, instanceId, "client", "/127.0.0.1", 10_000, 5_000, "consumer",
            List.of(new JoinRequest.Protocol("range", metadata)), true);
    }

    /** A member joined through MEMBER_ID_REQUIRED: returns its pending join. */
    private CompletableFuture<JoinResult> newMember(final String instanceId)
    {
        final JoinResult first = group.join(join("", instanceId, new byte[]{1}), now).join();
        if (instanceId != null)
        {
            throw new AssertionError("static members are not asked for an id");
        }
        assertEquals(GroupError.MEMBER_ID_REQUIRED, first.error());
        return group.join(join(first.memberId(), null, new byte[]{1}), now);
    }

    @Test
    void aLoneMemberLeadsAndGetsItsAssignmentAtSync()
    {
        final JoinResult joined = newMember(null).join();
        assertEquals(GroupError.NONE, joined.error());
        assertEquals(1, joined.generationId());
        assertEquals(joined.memberId(), joined.leaderId());
        assertEquals("range", joined.protocolName());
        assertEquals(1, joined.members().size());
        final SyncResult synced = group.sync(1, joined.memberId(), null, "consumer", "range",
            Map.of(joined.memberId(), new byte[]{7}), now).join();
        assertEquals(GroupError.NONE, synced.error());
        assertArrayEquals(new byte[]{7}, synced.assignment());
        assertEquals(GroupState.STABLE, group.state());
        assertEquals(GroupError.NONE, group.heartbeat(1, joined.memberId(), null, now));
        assertEquals(GroupError.ILLEGAL_GENERATION, group.heartbeat(0, joined.memberId(), null, now));
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.heartbeat(1, "stranger", null, now));
    }

    @Test
    void aSecondMemberMakesTheGroupRebalanceAndTheFollowerWaitsForTheLeadersAssignment()
    {
        final JoinResult leader = newMember(null).join();
        group.sync(1, leader.memberId(), null, null, null, Map.of(leader.memberId(), new byte[]{1}), now).join();
        final CompletableFuture<JoinResult> follower = newMember(null);
        assertFalse(follower.isDone(), "the rebalance waits for the leader to join again");
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, group.heartbeat(1, leader.memberId(), null, now));
        final JoinResult leaderAgain = group.join(join(leader.memberId(), null, new byte[]{1}), now).join();
        final JoinResult followerJoined = follower.join();
        assertEquals(2, leaderAgain.generationId());
        assertEquals(2, leaderAgain.members().size(), "the leader sees both");
        assertTrue(followerJoined.members().isEmpty(), "a follower sees none");
        final CompletableFuture<SyncResult> followerSync = group.sync(2, followerJoined.memberId(), null, null, null,
            Map.of(), now);
        assertFalse(followerSync.isDone(), "waits for the leader's assignment");
        group.sync(2, leader.memberId(), null, null, null,
            Map.of(leader.memberId(), new byte[]{1}, followerJoined.memberId(), new byte[]{2}), now).join();
        assertArrayEquals(new byte[]{2}, followerSync.join().assignment());
    }

    @Test
    void aMemberWhoseSessionRunsOutIsRemovedAndTheOthersRebalance()
    {
        final JoinResult leader = newMember(null).join();
        group.sync(1, leader.memberId(), null, null, null, Map.of(), now).join();
        final CompletableFuture<JoinResult> second = newMember(null);
        group.join(join(leader.memberId(), null, new byte[]{1}), now).join();
        final JoinResult secondJoined = second.join();
        group.sync(2, leader.memberId(), null, null, null, Map.of(), now).join();
        group.sync(2, secondJoined.memberId(), null, null, null, Map.of(), now).join();
        // The leader heartbeats; the second member goes silent past its 10 s session.
        now += 6_000;
        assertEquals(GroupError.NONE, group.heartbeat(2, leader.memberId(), null, now));
        now += 5_000;
        group.tick(now);
        assertEquals(GroupState.PREPARING_REBALANCE, group.state(), "the silent member was removed");
        assertEquals(GroupError.REBALANCE_IN_PROGRESS, group.heartbeat(2, leader.memberId(), null, now));
        final JoinResult alone = group.join(join(leader.memberId(), null, new byte[]{1}), now).join();
        assertEquals(3, alone.generationId());
        assertEquals(1, alone.members().size());
    }

    @Test
    void aMemberThatDoesNotJoinAgainWithinTheRebalanceTimeoutIsLeftOut()
    {
        final JoinResult leader = newMember(null).join();
        group.sync(1, leader.memberId(), null, null, null, Map.of(), now).join();
        final CompletableFuture<JoinResult> second = newMember(null);
        now += 4_999;
        group.tick(now);
        assertFalse(second.isDone());
        now += 2;
        group.tick(now);
        final JoinResult joined = second.join();
        assertEquals(GroupError.NONE, joined.error());
        assertEquals(joined.memberId(), joined.leaderId(), "the new member leads the new generation");
        assertEquals(1, group.members().size());
    }

    @Test
    void leavingRebalancesTheRestAndAnUnusedMemberIdLapses()
    {
        final JoinResult leader = newMember(null).join();
        group.sync(1, leader.memberId(), null, null, null, Map.of(), now).join();
        assertEquals(GroupError.NONE, group.leave(leader.memberId(), null, now));
        assertEquals(GroupState.EMPTY, group.state());
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.leave(leader.memberId(), null, now));
        final JoinResult asked = group.join(join("", null, new byte[]{1}), now).join();
        assertEquals(GroupError.MEMBER_ID_REQUIRED, asked.error());
        now += 10_001;
        group.tick(now);
        assertEquals(GroupError.UNKNOWN_MEMBER_ID, group.join(join(asked.memberId(), null, new byte[]{1}), now)
            .join().error(), "the id handed out lapsed after a session");
    }

    @Test
    void aStaticMemberBackUnderANewIdFencesItsOldIdWithoutARebalance()
    {
        final JoinResult first = group.join(join("", "instance", new byte[]{1}), now).join();
        assertEquals(GroupError.NONE, first.error(), "a static member needs no second round");
        group.sync(1, first.memberId(), "instance", null, null, Map.of(first.memberId(), new byte[]{9}), now).join();
        final JoinResult back = group.join(join("", "instance", new byte[]{1}), now).join();
        assertEquals(GroupError.NONE, back.error());
        assertEquals(1, back.generationId(), "no rebalance");
        assertEquals(GroupState.STABLE, group.state());
        assertArrayEquals(new byte[]{9}, group.sync(1, back.memberId(), "instance", null, null, Map.of(), now).join()
            .assignment(), "its assignment kept");
        assertEquals(GroupError.FENCED_INSTANCE_ID, group.heartbeat(1, first.memberId(), "instance", now));
    }

    @Test
    void aMemberWithoutACommonAssignorIsRefusedAndTheGroupSizeIsBounded()
    {
        newMember(null).join();
        final JoinRequest other = new JoinRequest("g", "", null, "client", "/127.0.0.1", 10_000, 5_000, "consumer",
            List.of(new JoinRequest.Protocol("roundrobin", new byte[0])), true);
        assertEquals(GroupError.INCONSISTENT_GROUP_PROTOCOL, group.join(other, now).join().error());
        group.join(join("", null, new byte[]{1}), now).join();
        group.join(join("", null, new byte[]{1}), now).join();
        assertEquals(GroupError.GROUP_MAX_SIZE_REACHED, group.join(join("", null, new byte[]{1}), now).join().error(),
            "a member and two ids handed out: the group's three");
    }
}
