package io.robustmq.plugin.kafka.group;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A member of a classic group.
 */
final class GroupMember
{
    final String memberId;
    final String groupInstanceId;
    final String clientId;
    final String clientHost;
    int sessionTimeoutMs;
    int rebalanceTimeoutMs;
    String protocolType;
    List<JoinRequest.Protocol> protocols;
    byte[] assignment = new byte[0];
    long sessionDeadlineMs;
    CompletableFuture<JoinResult> pendingJoin;
    CompletableFuture<SyncResult> pendingSync;

    GroupMember(final String memberId, final JoinRequest request)
    {
        this.memberId = memberId;
        this.groupInstanceId = request.groupInstanceId();
        this.clientId = request.clientId();
        this.clientHost = request.clientHost();
        update(request);
    }

    void update(final JoinRequest request)
    {
        this.sessionTimeoutMs = request.sessionTimeoutMs();
        this.rebalanceTimeoutMs = request.rebalanceTimeoutMs();
        this.protocolType = request.protocolType();
        this.protocols = request.protocols();
    }

    /**
     * @param name a protocol name.
     * @return this member's metadata for it, or null if it does not support it.
     */
    byte[] metadata(final String name)
    {
        for (final JoinRequest.Protocol protocol : protocols)
        {
            if (protocol.name().equals(name))
            {
                return protocol.metadata();
            }
        }
        return null;
    }

    boolean isStatic()
    {
        return groupInstanceId != null;
    }
}
