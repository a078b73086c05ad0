package io.robustmq.plugin.kafka.group;

/**
 * The answer to a SyncGroup.
 *
 * @param error        NONE, or why not.
 * @param protocolType the group's protocol type.
 * @param protocolName the assignor chosen.
 * @param assignment   the member's assignment, opaque here.
 */
public record SyncResult(GroupError error, String protocolType, String protocolName, byte[] assignment)
{
    static SyncResult error(final GroupError error)
    {
        return new SyncResult(error, null, null, new byte[0]);
    }
}
