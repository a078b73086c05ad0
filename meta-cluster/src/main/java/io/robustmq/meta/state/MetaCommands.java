package io.robustmq.meta.state;

import io.robustmq.meta.codecs.CreateTopicEncoder;
import io.robustmq.meta.codecs.DeleteTopicEncoder;
import io.robustmq.meta.codecs.MessageHeaderEncoder;
import io.robustmq.meta.codecs.NodeHeartbeatEncoder;
import io.robustmq.meta.codecs.RegisterNodeEncoder;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes the Meta Service's commands (a proxy, in Aeron's terms): each method writes one SBE
 * message, header included, into a buffer and returns its length. Encoders are reused; not
 * thread-safe.
 */
public final class MetaCommands
{
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final CreateTopicEncoder createTopic = new CreateTopicEncoder();
    private final DeleteTopicEncoder deleteTopic = new DeleteTopicEncoder();
    private final RegisterNodeEncoder registerNode = new RegisterNodeEncoder();
    private final NodeHeartbeatEncoder heartbeat = new NodeHeartbeatEncoder();

    public int createTopic(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final String name,
        final int partitions,
        final String storage,
        final String durability,
        final long retentionMs,
        final long retentionBytes)
    {
        createTopic.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId)
            .requestId(requestId)
            .partitions(partitions)
            .retentionMs(retentionMs)
            .retentionBytes(retentionBytes)
            .name(name)
            .storage(storage)
            .durability(durability);
        return MessageHeaderEncoder.ENCODED_LENGTH + createTopic.encodedLength();
    }

    public int deleteTopic(
        final MutableDirectBuffer buffer, final int offset, final long clientId, final long requestId, final String name)
    {
        deleteTopic.wrapAndApplyHeader(buffer, offset, header).clientId(clientId).requestId(requestId).name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + deleteTopic.encodedLength();
    }

    public int registerNode(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final int nodeId,
        final String address)
    {
        registerNode.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId).nodeId(nodeId).address(address);
        return MessageHeaderEncoder.ENCODED_LENGTH + registerNode.encodedLength();
    }

    public int heartbeat(final MutableDirectBuffer buffer, final int offset, final int nodeId)
    {
        heartbeat.wrapAndApplyHeader(buffer, offset, header).nodeId(nodeId);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
    }
}
