package io.robustmq.meta.state;

import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.codecs.AclSnapshotDecoder;
import io.robustmq.meta.codecs.AclSnapshotEncoder;
import io.robustmq.meta.codecs.AppliedRequestSnapshotDecoder;
import io.robustmq.meta.codecs.AppliedRequestSnapshotEncoder;
import io.robustmq.meta.codecs.ClusterConfigSnapshotDecoder;
import io.robustmq.meta.codecs.ClusterConfigSnapshotEncoder;
import io.robustmq.meta.codecs.GroupSnapshotDecoder;
import io.robustmq.meta.codecs.GroupSnapshotEncoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.MessageHeaderEncoder;
import io.robustmq.meta.codecs.NodeSnapshotDecoder;
import io.robustmq.meta.codecs.NodeSnapshotEncoder;
import io.robustmq.meta.codecs.NodeStateCode;
import io.robustmq.meta.codecs.ObjectSnapshotDecoder;
import io.robustmq.meta.codecs.ObjectSnapshotEncoder;
import io.robustmq.meta.codecs.PlacementSnapshotDecoder;
import io.robustmq.meta.codecs.PlacementSnapshotEncoder;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.codecs.ShardSnapshotDecoder;
import io.robustmq.meta.codecs.ShardSnapshotEncoder;
import io.robustmq.meta.codecs.TopicSnapshotDecoder;
import io.robustmq.meta.codecs.TopicSnapshotEncoder;
import io.robustmq.meta.codecs.UserSnapshotDecoder;
import io.robustmq.meta.codecs.UserSnapshotEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Writes all of a {@link MetaState} as a sequence of SBE messages (one per topic, shard, node,
 * group, user, ACL rule, explicit setting, plugin's object and remembered request, and the
 * placement cursor), and loads such a sequence back: what the clustered service puts in an Aeron
 * Archive snapshot, and reads at restart before replaying the log after it.
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
    private final ShardSnapshotEncoder shardEncoder = new ShardSnapshotEncoder();
    private final ShardSnapshotDecoder shardDecoder = new ShardSnapshotDecoder();
    private final GroupSnapshotEncoder groupEncoder = new GroupSnapshotEncoder();
    private final GroupSnapshotDecoder groupDecoder = new GroupSnapshotDecoder();
    private final UserSnapshotEncoder userEncoder = new UserSnapshotEncoder();
    private final UserSnapshotDecoder userDecoder = new UserSnapshotDecoder();
    private final AclSnapshotEncoder aclEncoder = new AclSnapshotEncoder();
    private final AclSnapshotDecoder aclDecoder = new AclSnapshotDecoder();
    private final ClusterConfigSnapshotEncoder settingEncoder = new ClusterConfigSnapshotEncoder();
    private final ClusterConfigSnapshotDecoder settingDecoder = new ClusterConfigSnapshotDecoder();
    private final PlacementSnapshotEncoder placementEncoder = new PlacementSnapshotEncoder();
    private final PlacementSnapshotDecoder placementDecoder = new PlacementSnapshotDecoder();
    private final ObjectSnapshotEncoder objectEncoder = new ObjectSnapshotEncoder();
    private final ObjectSnapshotDecoder objectDecoder = new ObjectSnapshotDecoder();
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
                .segmentBytes(topic.segmentBytes())
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
                .address(node.address())
                .endpoints(NodeEndpoints.format(node.endpoints()));
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + nodeEncoder.encodedLength());
        }
        for (final ShardRecord shard : state.allShards())
        {
            final ShardSnapshotEncoder.ReplicasEncoder replicas = shardEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .partition(shard.partition())
                .leader(shard.leader())
                .epoch(shard.epoch())
                .replicasCount(shard.replicas().size());
            for (final int replica : shard.replicas())
            {
                replicas.next().nodeId(replica);
            }
            shardEncoder.topic(shard.topic());
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + shardEncoder.encodedLength());
        }
        placementEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).cursor(state.placementCursor());
        sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + placementEncoder.encodedLength());
        for (final GroupRecord group : state.groups())
        {
            groupEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .createdAt(group.createdAt())
                .name(group.name())
                .protocol(group.protocol());
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + groupEncoder.encodedLength());
        }
        for (final UserRecord user : state.users())
        {
            final UserSnapshotEncoder.CredentialsEncoder credentials = userEncoder
                .wrapAndApplyHeader(buffer, 0, headerEncoder).credentialsCount(user.credentials().size());
            for (final ScramCredential credential : user.credentials())
            {
                final byte[] salt = credential.salt();
                final byte[] storedKey = credential.storedKey();
                final byte[] serverKey = credential.serverKey();
                credentials.next().mechanism(credential.mechanism()).iterations(credential.iterations())
                    .putSalt(salt, 0, salt.length)
                    .putStoredKey(storedKey, 0, storedKey.length)
                    .putServerKey(serverKey, 0, serverKey.length);
            }
            userEncoder.name(user.name());
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + userEncoder.encodedLength());
        }
        for (final AclRule rule : state.acls())
        {
            aclEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .resource(rule.resource()).pattern(rule.pattern()).operation(rule.operation())
                .permission(rule.permission())
                .principal(rule.principal())
                .resourceName(rule.resourceName());
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + aclEncoder.encodedLength());
        }
        for (final Map.Entry<String, String> setting : state.settings().explicit().entrySet())
        {
            settingEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder).key(setting.getKey()).value(setting.getValue());
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + settingEncoder.encodedLength());
        }
        for (final ObjectRecord object : state.objects())
        {
            final byte[] value = object.value();
            objectEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .version(object.version())
                .owner(object.owner())
                .kind(object.kind())
                .name(object.name())
                .putValue(value, 0, value.length);
            sink.onMessage(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + objectEncoder.encodedLength());
        }
        for (final long[] applied : state.appliedRequests())
        {
            appliedEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .clientId(applied[0])
                .requestId(applied[1])
                .code(ResultCode.get((short)applied[2]))
                .objectVersion(applied[3]);
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
                final int segmentBytes = topicDecoder.segmentBytes() == TopicSnapshotDecoder.segmentBytesNullValue() ? 0 :
                    topicDecoder.segmentBytes();
                final String name = topicDecoder.name();
                final String storage = topicDecoder.storage();
                final String durability = topicDecoder.durability();
                state.restoreTopic(new TopicRecord(name, uuid, partitions, storage, durability, retentionMs,
                    retentionBytes, createdAt, segmentBytes));
            }
            case NodeSnapshotDecoder.TEMPLATE_ID ->
            {
                nodeDecoder.wrap(source, body, blockLength, version);
                final int id = nodeDecoder.nodeId();
                final boolean up = nodeDecoder.state() == NodeStateCode.UP;
                final long registeredAt = nodeDecoder.registeredAt();
                final long lastHeartbeat = nodeDecoder.lastHeartbeat();
                final String address = nodeDecoder.address();
                final String endpoints = nodeDecoder.endpoints();
                state.restoreNode(new NodeRecord(id, address, up, registeredAt, lastHeartbeat,
                    NodeEndpoints.parse(endpoints)));
            }
            case AppliedRequestSnapshotDecoder.TEMPLATE_ID ->
            {
                appliedDecoder.wrap(source, body, blockLength, version);
                // Absent before schema version 4: no object version.
                final long objectVersion =
                    appliedDecoder.objectVersion() == AppliedRequestSnapshotDecoder.objectVersionNullValue() ? 0 :
                    appliedDecoder.objectVersion();
                state.restoreApplied(appliedDecoder.clientId(), appliedDecoder.requestId(), appliedDecoder.code(),
                    objectVersion);
            }
            case ShardSnapshotDecoder.TEMPLATE_ID ->
            {
                shardDecoder.wrap(source, body, blockLength, version);
                final int partition = shardDecoder.partition();
                final int leader = shardDecoder.leader();
                final long epoch = shardDecoder.epoch();
                final List<Integer> replicas = new ArrayList<>();
                for (final ShardSnapshotDecoder.ReplicasDecoder replica : shardDecoder.replicas())
                {
                    replicas.add(replica.nodeId());
                }
                state.restoreShard(new ShardRecord(shardDecoder.topic(), partition, replicas, leader, epoch));
            }
            case PlacementSnapshotDecoder.TEMPLATE_ID ->
            {
                placementDecoder.wrap(source, body, blockLength, version);
                state.restorePlacementCursor(placementDecoder.cursor());
            }
            case GroupSnapshotDecoder.TEMPLATE_ID ->
            {
                groupDecoder.wrap(source, body, blockLength, version);
                final long createdAt = groupDecoder.createdAt();
                final String name = groupDecoder.name();
                state.restoreGroup(new GroupRecord(name, groupDecoder.protocol(), createdAt));
            }
            case UserSnapshotDecoder.TEMPLATE_ID ->
            {
                userDecoder.wrap(source, body, blockLength, version);
                final List<ScramCredential> credentials = new ArrayList<>();
                for (final UserSnapshotDecoder.CredentialsDecoder credential : userDecoder.credentials())
                {
                    final var mechanism = credential.mechanism();
                    final int iterations = credential.iterations();
                    final byte[] salt = new byte[credential.saltLength()];
                    credential.getSalt(salt, 0, salt.length);
                    final byte[] storedKey = new byte[credential.storedKeyLength()];
                    credential.getStoredKey(storedKey, 0, storedKey.length);
                    final byte[] serverKey = new byte[credential.serverKeyLength()];
                    credential.getServerKey(serverKey, 0, serverKey.length);
                    credentials.add(new ScramCredential(mechanism, iterations, salt, storedKey, serverKey));
                }
                state.restoreUser(new UserRecord(userDecoder.name(), credentials));
            }
            case AclSnapshotDecoder.TEMPLATE_ID ->
            {
                aclDecoder.wrap(source, body, blockLength, version);
                final var resource = aclDecoder.resource();
                final var pattern = aclDecoder.pattern();
                final var operation = aclDecoder.operation();
                final var permission = aclDecoder.permission();
                final String principal = aclDecoder.principal();
                state.restoreAcl(new AclRule(principal, resource, pattern, aclDecoder.resourceName(), operation,
                    permission));
            }
            case ObjectSnapshotDecoder.TEMPLATE_ID ->
            {
                objectDecoder.wrap(source, body, blockLength, version);
                final long objectVersion = objectDecoder.version();
                final String owner = objectDecoder.owner();
                final String kind = objectDecoder.kind();
                final String name = objectDecoder.name();
                final byte[] value = new byte[objectDecoder.valueLength()];
                objectDecoder.getValue(value, 0, value.length);
                state.restoreObject(new ObjectRecord(owner, kind, name, value, objectVersion));
            }
            case ClusterConfigSnapshotDecoder.TEMPLATE_ID ->
            {
                settingDecoder.wrap(source, body, blockLength, version);
                final String key = settingDecoder.key();
                state.restoreSetting(key, settingDecoder.value());
            }
            default ->
            {
                return false;
            }
        }
        return true;
    }
}
