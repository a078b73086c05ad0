package io.robustmq.plugin.kafka.group;

import java.util.List;

/**
 * A JoinGroup request, as the coordinator needs it.
 *
 * @param groupId            the group.
 * @param memberId           the member's id; empty for a member joining for the first time.
 * @param groupInstanceId    a static member's instance id, or null.
 * @param clientId           the client's id.
 * @param clientHost         where the client connects from.
 * @param sessionTimeoutMs   how long the member may go without a heartbeat.
 * @param rebalanceTimeoutMs how long a rebalance waits for the member to join again.
 * @param protocolType       e.g. {@code consumer}.
 * @param protocols          the assignors the member supports, in its order of preference.
 * @param requireKnownMemberId a new member is given its id first and asked to join again with it
 *                           (JoinGroup v4 and later).
 */
public record JoinRequest(
    String groupId,
    String memberId,
    String groupInstanceId,
    String clientId,
    String clientHost,
    int sessionTimeoutMs,
    int rebalanceTimeoutMs,
    String protocolType,
    List<Protocol> protocols,
    boolean requireKnownMemberId)
{
    /**
     * An assignor a member supports, and what it tells the leader for it.
     *
     * @param name     the assignor's name.
     * @param metadata its subscription, opaque here.
     */
    public record Protocol(String name, byte[] metadata)
    {
    }
}
