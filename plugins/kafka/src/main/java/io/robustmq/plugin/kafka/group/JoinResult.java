package io.robustmq.plugin.kafka.group;

import java.util.List;

/**
 * The answer to a JoinGroup.
 *
 * @param error        NONE, or why not (MEMBER_ID_REQUIRED comes with the member's id).
 * @param generationId the generation the member joined.
 * @param protocolType the group's protocol type.
 * @param protocolName the assignor chosen.
 * @param leaderId     the member that assigns.
 * @param memberId     the member's id.
 * @param members      for the leader only: every member with its metadata for the assignor.
 */
public record JoinResult(
    GroupError error,
    int generationId,
    String protocolType,
    String protocolName,
    String leaderId,
    String memberId,
    List<Member> members)
{
    /**
     * A member as the leader sees it.
     *
     * @param memberId        its id.
     * @param groupInstanceId its instance id, or null.
     * @param metadata        its subscription for the chosen assignor.
     */
    public record Member(String memberId, String groupInstanceId, byte[] metadata)
    {
    }

    static JoinResult error(final GroupError error, final String memberId)
    {
        return new JoinResult(error, -1, null, null, "", memberId, List.of());
    }
}
