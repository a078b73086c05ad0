package io.robustmq.meta.state;

import io.robustmq.meta.codecs.AppliedRequestSnapshotDecoder;
import io.robustmq.meta.codecs.AppliedRequestSnapshotEncoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.MessageHeaderEncoder;
import io.robustmq.meta.codecs.NodeSnapshotDecoder;
import io.robustmq.meta.codecs.NodeSnapshotEncoder;
import io.robustmq.meta.codecs.NodeStateCode;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.codecs.TopicSnapshotDecoder;
import io.robustmq.meta.codecs.TopicSnapshotEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.UUID;

/**
 * Writes all of a {@link MetaState} as a sequence of SBE messages (one per topic, node and
 * remembered request), and loads such a sequence back: what the clustered service puts in an
 * Aeron Archive snapshot, and reads at restart before replaying the log after it.
 */
public final class MetaSnapshot
{
    /**
     * Where the snapshot's messages go, one at a time, in order.
     */
    @FunctionalInterface
    public interface MessageSink
    {
        /**
         * @param buffer holds one encoded message, header first.
         * @param offset where it starts.
         * @param length its length.
         */
        void onMessage(DirectBuffer buffer, int offset, int length);
    }

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final TopicSnapshotEncoder topicEncoder = new TopicSnapshotEncoder();
    private final TopicSnapshotDecoder topicDecoder = new TopicSnapshotDecoder();
    private final NodeSnapshotEncoder nodeEncoder = new NodeSnapshotEncoder();
    private final NodeSnapshotDecoder nodeDecoder = new NodeSnapshotDecoder();
    private final AppliedRequestSnapshotEncoder appliedEncoder = new AppliedRequestSnapshotEncoder();
    private final AppliedRequestSnapshotDecoder appliedDecoder = new AppliedRequestSnapshotDecoder();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);

    /**
     * @param state the state to write.
     * @param sink  takes each message.
     */
    public void write(final MetaState state, final MessageSink sink)
    {
        for (final TopicRecord topic : state.topics())
        {
            topicEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .uuidMostSignificant(topic.uuid().getMostSignificantBits())
                .uuidLeastSignificant(topic.uuid().getLeastSignificantBits())
                .partitions(topic.partitions())
                .retentionMs(topic.retentionMs())
                .retentionBytes(topic.retentionBytes())
                .createdAt(topic.createdAt())
                .name(topic.name())
                .storage(topic.storage())
                .durability(topic.durability());
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + topicEncoder.encodedLength());
        }
        for (final NodeRecord node : state.nodes())
        {
            nodeEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .nodeId(node.id())
                .state(node.up() ? NodeStateCode.UP : NodeStateCode.DOWN)
                .registeredAt(node.registeredAt())
                .lastHeartbeat(node.lastHeartbeat())
                .address(node.address());
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + nodeEncoder.encodedLength());
        }
        for (final long[] applied : state.appliedRequests())
        {
            appliedEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .clientId(applied[0])
                .requestId(applied[1])
                .code(ResultCode.get((short)applied[2]));
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + appliedEncoder.encodedLength());
        }
    }

    /**
     * Load one message of a snapshot into a state.
     *
     * @param state  the state being restored.
     * @param source holds the message, header first.
     * @param offset where it starts.
     * @return false if the message is not part of a Meta Service snapshot.
     */
    public boolean load(final MetaState state, final DirectBuffer source, final int offset)
    {
        headerDecoder.wrap(source, offset);
        if (headerDecoder.schemaId() != TopicSnapshotDecoder.SCHEMA_ID)
        {
            return false;
        }
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        switch (headerDecoder.templateId())
        {
            case TopicSnapshotDecoder.TEMPLATE_ID ->
            {
                topicDecoder.wrap(source, body, blockLength, version);
                final UUID uuid = new UUID(topicDecoder.uuidMostSignificant(), topicDecoder.uuidLeastSignificant());
                final int partitions = topicDecoder.partitions();
                final long retentionMs = topicDecoder.retentionMs();
                final long retentionBytes = topicDecoder.retentionBytes();
                final long createdAt = topicDecoder.createdAt();
                final String name = topicDecoder.name();
                final String storage = topicDecoder.storage();
                final String durability = topicDecoder.durability();
                state.restoreTopic(new TopicRecord(name, uuid, partitions, storage, durability, retentionMs,
                    retentionBytes, createdAt));
            }
            case NodeSnapshotDecoder.TEMPLATE_ID ->
            {
                nodeDecoder.wrap(source, body, blockLength, version);
                final int id = nodeDecoder.nodeId();
                final boolean up = nodeDecoder.state() == NodeStateCode.UP;
                final long registeredAt = nodeDecoder.registeredAt();
                final long lastHeartbeat = nodeDecoder.lastHeartbeat();
                state.restoreNode(new NodeRecord(id, nodeDecoder.address(), up, registeredAt, lastHeartbeat));
            }
            case AppliedRequestSnapshotDecoder.TEMPLATE_ID ->
            {
                appliedDecoder.wrap(source, body, blockLength, version);
                state.restoreApplied(appliedDecoder.clientId(), appliedDecoder.requestId(), appliedDecoder.code());
            }
            default ->
            {
                return false;
            }
        }
        return true;
    }
}
