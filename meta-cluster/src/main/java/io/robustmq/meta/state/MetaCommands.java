package io.robustmq.meta.state;

import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.codecs.AddAclEncoder;
import io.robustmq.meta.codecs.CommandDeadlineEncoder;
import io.robustmq.meta.codecs.CreateTopicEncoder;
import io.robustmq.meta.codecs.DeleteGroupEncoder;
import io.robustmq.meta.codecs.DeleteObjectEncoder;
import io.robustmq.meta.codecs.DeleteTopicEncoder;
import io.robustmq.meta.codecs.DeleteUserEncoder;
import io.robustmq.meta.codecs.MessageHeaderEncoder;
import io.robustmq.meta.codecs.AlterTopicEncoder;
import io.robustmq.meta.codecs.NodeEndpointsEncoder;
import io.robustmq.meta.codecs.NodeHeartbeatEncoder;
import io.robustmq.meta.codecs.PutObjectEncoder;
import io.robustmq.meta.codecs.PutUserEncoder;
import io.robustmq.meta.codecs.RegisterGroupEncoder;
import io.robustmq.meta.codecs.RegisterNodeEncoder;
import io.robustmq.meta.codecs.RemoveAclEncoder;
import io.robustmq.meta.codecs.SetClusterConfigEncoder;
import org.agrona.MutableDirectBuffer;

import java.util.List;

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
    private final NodeEndpointsEncoder nodeEndpoints = new NodeEndpointsEncoder();
    private final AlterTopicEncoder alterTopic = new AlterTopicEncoder();
    private final RegisterGroupEncoder registerGroup = new RegisterGroupEncoder();
    private final DeleteGroupEncoder deleteGroup = new DeleteGroupEncoder();
    private final PutUserEncoder putUser = new PutUserEncoder();
    private final DeleteUserEncoder deleteUser = new DeleteUserEncoder();
    private final AddAclEncoder addAcl = new AddAclEncoder();
    private final RemoveAclEncoder removeAcl = new RemoveAclEncoder();
    private final SetClusterConfigEncoder setClusterConfig = new SetClusterConfigEncoder();
    private final PutObjectEncoder putObject = new PutObjectEncoder();
    private final DeleteObjectEncoder deleteObject = new DeleteObjectEncoder();
    private final CommandDeadlineEncoder deadline = new CommandDeadlineEncoder();

    /**
     * The deadline that precedes a client command in the same message: the command itself is
     * encoded right after it, at {@code offset} plus the length returned.
     *
     * @param deadlineMs cluster time (epoch ms) after which the command must not be applied.
     * @return the deadline's length.
     */
    public int deadline(final MutableDirectBuffer buffer, final int offset, final long deadlineMs)
    {
        deadline.wrapAndApplyHeader(buffer, offset, header).deadlineMs(deadlineMs);
        return MessageHeaderEncoder.ENCODED_LENGTH + deadline.encodedLength();
    }

    /**
     * @param segmentBytes    the topic's journal segment size; 0 for the node's default.
     * @param preferredLeader the node to lead partition 0, or {@link MetaState#NO_PREFERRED_LEADER}.
     * @return the command's length.
     */
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
        final long retentionBytes,
        final int segmentBytes,
        final int preferredLeader)
    {
        createTopic.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId)
            .requestId(requestId)
            .partitions(partitions)
            .retentionMs(retentionMs)
            .retentionBytes(retentionBytes)
            .segmentBytes(segmentBytes)
            .preferredLeader(preferredLeader)
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

    public int alterTopic(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final String name,
        final int partitions,
        final long retentionMs,
        final long retentionBytes,
        final int segmentBytes)
    {
        alterTopic.wrapAndApplyHeader(buffer, offset, header).clientId(clientId).requestId(requestId)
            .partitions(partitions).retentionMs(retentionMs).retentionBytes(retentionBytes).segmentBytes(segmentBytes)
            .name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + alterTopic.encodedLength();
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

    public int nodeEndpoints(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final int nodeId,
        final String endpoints)
    {
        nodeEndpoints.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId).nodeId(nodeId).endpoints(endpoints);
        return MessageHeaderEncoder.ENCODED_LENGTH + nodeEndpoints.encodedLength();
    }

    public int heartbeat(final MutableDirectBuffer buffer, final int offset, final int nodeId)
    {
        heartbeat.wrapAndApplyHeader(buffer, offset, header).nodeId(nodeId);
        return MessageHeaderEncoder.ENCODED_LENGTH + heartbeat.encodedLength();
    }

    public int registerGroup(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final String name,
        final String protocol)
    {
        registerGroup.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId).name(name).protocol(protocol);
        return MessageHeaderEncoder.ENCODED_LENGTH + registerGroup.encodedLength();
    }

    public int deleteGroup(
        final MutableDirectBuffer buffer, final int offset, final long clientId, final long requestId, final String name)
    {
        deleteGroup.wrapAndApplyHeader(buffer, offset, header).clientId(clientId).requestId(requestId).name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + deleteGroup.encodedLength();
    }

    public int putUser(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final String name,
        final List<ScramCredential> credentials)
    {
        final PutUserEncoder.CredentialsEncoder group = putUser.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId).credentialsCount(credentials.size());
        for (final ScramCredential credential : credentials)
        {
            final byte[] salt = credential.salt();
            final byte[] storedKey = credential.storedKey();
            final byte[] serverKey = credential.serverKey();
            group.next().mechanism(credential.mechanism()).iterations(credential.iterations())
                .putSalt(salt, 0, salt.length)
                .putStoredKey(storedKey, 0, storedKey.length)
                .putServerKey(serverKey, 0, serverKey.length);
        }
        putUser.name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + putUser.encodedLength();
    }

    public int deleteUser(
        final MutableDirectBuffer buffer, final int offset, final long clientId, final long requestId, final String name)
    {
        deleteUser.wrapAndApplyHeader(buffer, offset, header).clientId(clientId).requestId(requestId).name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + deleteUser.encodedLength();
    }

    public int addAcl(
        final MutableDirectBuffer buffer, final int offset, final long clientId, final long requestId, final AclRule rule)
    {
        addAcl.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId)
            .resource(rule.resource()).pattern(rule.pattern()).operation(rule.operation()).permission(rule.permission())
            .principal(rule.principal()).resourceName(rule.resourceName());
        return MessageHeaderEncoder.ENCODED_LENGTH + addAcl.encodedLength();
    }

    public int removeAcl(
        final MutableDirectBuffer buffer, final int offset, final long clientId, final long requestId, final AclRule rule)
    {
        removeAcl.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId)
            .resource(rule.resource()).pattern(rule.pattern()).operation(rule.operation()).permission(rule.permission())
            .principal(rule.principal()).resourceName(rule.resourceName());
        return MessageHeaderEncoder.ENCODED_LENGTH + removeAcl.encodedLength();
    }

    public int setClusterConfig(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final String key,
        final String value)
    {
        setClusterConfig.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId).key(key).value(value);
        return MessageHeaderEncoder.ENCODED_LENGTH + setClusterConfig.encodedLength();
    }

    /**
     * Create or replace a plugin's object.
     *
     * @param expectedVersion 0: it must not exist; -1: any; n: it must be at version n.
     */
    public int putObject(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final String owner,
        final String kind,
        final String name,
        final byte[] value,
        final long expectedVersion)
    {
        putObject.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId).expectedVersion(expectedVersion)
            .owner(owner).kind(kind).name(name)
            .putValue(value, 0, value.length);
        return MessageHeaderEncoder.ENCODED_LENGTH + putObject.encodedLength();
    }

    /**
     * Delete a plugin's object.
     *
     * @param expectedVersion -1: any; n: it must be at version n.
     */
    public int deleteObject(
        final MutableDirectBuffer buffer,
        final int offset,
        final long clientId,
        final long requestId,
        final String owner,
        final String kind,
        final String name,
        final long expectedVersion)
    {
        deleteObject.wrapAndApplyHeader(buffer, offset, header)
            .clientId(clientId).requestId(requestId).expectedVersion(expectedVersion)
            .owner(owner).kind(kind).name(name);
        return MessageHeaderEncoder.ENCODED_LENGTH + deleteObject.encodedLength();
    }
}
