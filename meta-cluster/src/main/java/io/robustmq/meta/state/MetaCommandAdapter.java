package io.robustmq.meta.state;

import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.codecs.AddAclDecoder;
import io.robustmq.meta.codecs.CommandDeadlineDecoder;
import io.robustmq.meta.codecs.CommandResultEncoder;
import io.robustmq.meta.codecs.DeleteGroupDecoder;
import io.robustmq.meta.codecs.DeleteObjectDecoder;
import io.robustmq.meta.codecs.DeleteUserDecoder;
import io.robustmq.meta.codecs.PutObjectDecoder;
import io.robustmq.meta.codecs.PutUserDecoder;
import io.robustmq.meta.codecs.RegisterGroupDecoder;
import io.robustmq.meta.codecs.RemoveAclDecoder;
import io.robustmq.meta.codecs.SetClusterConfigDecoder;
import io.robustmq.meta.codecs.CreateTopicDecoder;
import io.robustmq.meta.codecs.DeleteTopicDecoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.MessageHeaderEncoder;
import io.robustmq.meta.codecs.NodeHeartbeatDecoder;
import io.robustmq.meta.codecs.RegisterNodeDecoder;
import io.robustmq.meta.codecs.NodeEndpointsDecoder;
import io.robustmq.meta.codecs.AlterTopicDecoder;
import io.robustmq.meta.codecs.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes the Meta Service's commands from the log and applies them to {@link MetaState}, in log
 * order; each client command's outcome is encoded as a {@code CommandResult} and handed to a
 * {@link ResultSink}, with the command's log position (a member whose state has applied the log that
 * far shows the outcome). Decoders and the result buffer are reused; one per clustered service.
 */
public final class MetaCommandAdapter
{
    /**
     * Where a command's result goes: to the client session that sent it, in the clustered service.
     */
    @FunctionalInterface
    public interface ResultSink
    {
        /**
         * @param buffer holds the encoded {@code CommandResult}.
         * @param offset where it starts.
         * @param length its length.
         */
        void onResult(DirectBuffer buffer, int offset, int length);
    }

    private final MetaState state;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final CreateTopicDecoder createTopic = new CreateTopicDecoder();
    private final DeleteTopicDecoder deleteTopic = new DeleteTopicDecoder();
    private final RegisterNodeDecoder registerNode = new RegisterNodeDecoder();
    private final NodeEndpointsDecoder nodeEndpoints = new NodeEndpointsDecoder();
    private final AlterTopicDecoder alterTopic = new AlterTopicDecoder();
    private final NodeHeartbeatDecoder heartbeat = new NodeHeartbeatDecoder();
    private final RegisterGroupDecoder registerGroup = new RegisterGroupDecoder();
    private final DeleteGroupDecoder deleteGroup = new DeleteGroupDecoder();
    private final PutUserDecoder putUser = new PutUserDecoder();
    private final DeleteUserDecoder deleteUser = new DeleteUserDecoder();
    private final AddAclDecoder addAcl = new AddAclDecoder();
    private final RemoveAclDecoder removeAcl = new RemoveAclDecoder();
    private final SetClusterConfigDecoder setClusterConfig = new SetClusterConfigDecoder();
    private final PutObjectDecoder putObject = new PutObjectDecoder();
    private final DeleteObjectDecoder deleteObject = new DeleteObjectDecoder();
    private final CommandDeadlineDecoder deadline = new CommandDeadlineDecoder();
    private final MessageHeaderEncoder resultHeader = new MessageHeaderEncoder();
    private final CommandResultEncoder result = new CommandResultEncoder();
    private final ExpandableArrayBuffer resultBuffer = new ExpandableArrayBuffer(256);
    private long logPosition;

    /**
     * @param state the state the commands change.
     */
    public MetaCommandAdapter(final MetaState state)
    {
        this.state = state;
    }

    /**
     * Apply one command.
     *
     * @param buffer      holds the message, SBE header first.
     * @param offset      where it starts.
     * @param length      its length.
     * @param timestamp   cluster time of the command.
     * @param logPosition its position in the log.
     * @param sink        told the result of a client command.
     * @return false if the message is not one of the Meta Service's commands (it is ignored).
     */
    public boolean apply(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long timestamp,
        final long logPosition,
        final ResultSink sink)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        header.wrap(buffer, offset);
        if (header.schemaId() != CreateTopicDecoder.SCHEMA_ID)
        {
            return false;
        }
        this.logPosition = logPosition;
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (header.templateId() == CommandDeadlineDecoder.TEMPLATE_ID)
        {
            return applyBefore(buffer, offset, length, timestamp, logPosition, sink);
        }
        switch (header.templateId())
        {
            case CreateTopicDecoder.TEMPLATE_ID ->
            {
                createTopic.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = createTopic.clientId();
                final long requestId = createTopic.requestId();
                final int partitions = createTopic.partitions();
                final long retentionMs = createTopic.retentionMs();
                final long retentionBytes = createTopic.retentionBytes();
                // A version 1 command has no segment size: the node's default.
                final int segmentBytes = createTopic.segmentBytes() == CreateTopicDecoder.segmentBytesNullValue() ? 0 :
                    createTopic.segmentBytes();
                // Absent before schema version 5: no preferred leader.
                final int preferredLeader = createTopic.preferredLeader() ==
                    CreateTopicDecoder.preferredLeaderNullValue() ? MetaState.NO_PREFERRED_LEADER :
                    createTopic.preferredLeader();
                final String name = createTopic.name();
                final String storage = createTopic.storage();
                final String durability = createTopic.durability();
                respond(sink, clientId, requestId, state.createTopic(clientId, requestId, name, partitions, storage,
                    durability, retentionMs, retentionBytes, segmentBytes, preferredLeader, timestamp, logPosition),
                    name);
            }
            case DeleteTopicDecoder.TEMPLATE_ID ->
            {
                deleteTopic.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = deleteTopic.clientId();
                final long requestId = deleteTopic.requestId();
                final String name = deleteTopic.name();
                respond(sink, clientId, requestId, state.deleteTopic(clientId, requestId, name), name);
            }
            case AlterTopicDecoder.TEMPLATE_ID ->
            {
                alterTopic.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = alterTopic.clientId();
                final long requestId = alterTopic.requestId();
                final int partitions = alterTopic.partitions();
                final long retentionMs = alterTopic.retentionMs();
                final long retentionBytes = alterTopic.retentionBytes();
                // Absent before schema version 3: unchanged.
                final int segmentBytes = alterTopic.segmentBytes() == AlterTopicDecoder.segmentBytesNullValue() ?
                    MetaState.UNCHANGED : alterTopic.segmentBytes();
                final String name = alterTopic.name();
                respond(sink, clientId, requestId,
                    state.alterTopic(clientId, requestId, name, partitions, retentionMs, retentionBytes,
                        segmentBytes), name);
            }
            case RegisterNodeDecoder.TEMPLATE_ID ->
            {
                registerNode.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = registerNode.clientId();
                final long requestId = registerNode.requestId();
                final int nodeId = registerNode.nodeId();
                final String address = registerNode.address();
                respond(sink, clientId, requestId, state.registerNode(clientId, requestId, nodeId, address, timestamp),
                    "node " + nodeId);
            }
            case NodeEndpointsDecoder.TEMPLATE_ID ->
            {
                nodeEndpoints.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = nodeEndpoints.clientId();
                final long requestId = nodeEndpoints.requestId();
                final int nodeId = nodeEndpoints.nodeId();
                final String endpoints = nodeEndpoints.endpoints();
                respond(sink, clientId, requestId, state.nodeEndpoints(clientId, requestId, nodeId, endpoints),
                    "node " + nodeId);
            }
            case NodeHeartbeatDecoder.TEMPLATE_ID ->
            {
                heartbeat.wrap(buffer, body, header.blockLength(), header.version());
                state.heartbeat(heartbeat.nodeId(), timestamp);
            }
            case RegisterGroupDecoder.TEMPLATE_ID ->
            {
                registerGroup.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = registerGroup.clientId();
                final long requestId = registerGroup.requestId();
                final String name = registerGroup.name();
                final String protocol = registerGroup.protocol();
                respond(sink, clientId, requestId, state.registerGroup(clientId, requestId, name, protocol, timestamp),
                    "group " + name);
            }
            case DeleteGroupDecoder.TEMPLATE_ID ->
            {
                deleteGroup.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = deleteGroup.clientId();
                final long requestId = deleteGroup.requestId();
                final String name = deleteGroup.name();
                respond(sink, clientId, requestId, state.deleteGroup(clientId, requestId, name), "group " + name);
            }
            case PutUserDecoder.TEMPLATE_ID ->
            {
                putUser.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = putUser.clientId();
                final long requestId = putUser.requestId();
                final List<ScramCredential> credentials = new ArrayList<>();
                for (final PutUserDecoder.CredentialsDecoder credential : putUser.credentials())
                {
                    credentials.add(readCredential(credential));
                }
                final String name = putUser.name();
                respond(sink, clientId, requestId, state.putUser(clientId, requestId, name, credentials),
                    "user " + name);
            }
            case DeleteUserDecoder.TEMPLATE_ID ->
            {
                deleteUser.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = deleteUser.clientId();
                final long requestId = deleteUser.requestId();
                final String name = deleteUser.name();
                respond(sink, clientId, requestId, state.deleteUser(clientId, requestId, name), "user " + name);
            }
            case AddAclDecoder.TEMPLATE_ID ->
            {
                addAcl.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = addAcl.clientId();
                final long requestId = addAcl.requestId();
                final AclRule rule = new AclRule(addAcl.principal(), addAcl.resource(), addAcl.pattern(),
                    addAcl.resourceName(), addAcl.operation(), addAcl.permission());
                respond(sink, clientId, requestId, state.addAcl(clientId, requestId, rule), "acl rule");
            }
            case RemoveAclDecoder.TEMPLATE_ID ->
            {
                removeAcl.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = removeAcl.clientId();
                final long requestId = removeAcl.requestId();
                final AclRule rule = new AclRule(removeAcl.principal(), removeAcl.resource(), removeAcl.pattern(),
                    removeAcl.resourceName(), removeAcl.operation(), removeAcl.permission());
                respond(sink, clientId, requestId, state.removeAcl(clientId, requestId, rule), "acl rule");
            }
            case SetClusterConfigDecoder.TEMPLATE_ID ->
            {
                setClusterConfig.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = setClusterConfig.clientId();
                final long requestId = setClusterConfig.requestId();
                final String key = setClusterConfig.key();
                final String value = setClusterConfig.value();
                respond(sink, clientId, requestId, state.setClusterConfig(clientId, requestId, key, value),
                    "setting " + key);
            }
            case PutObjectDecoder.TEMPLATE_ID ->
            {
                putObject.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = putObject.clientId();
                final long requestId = putObject.requestId();
                final long expectedVersion = putObject.expectedVersion();
                final String owner = putObject.owner();
                final String kind = putObject.kind();
                final String name = putObject.name();
                final byte[] value = new byte[putObject.valueLength()];
                putObject.getValue(value, 0, value.length);
                final CommandOutcome outcome =
                    state.putObject(clientId, requestId, owner, kind, name, value, expectedVersion);
                respond(sink, clientId, requestId, outcome.code(), outcome.objectVersion(),
                    "object " + owner + '/' + kind + '/' + name);
            }
            case DeleteObjectDecoder.TEMPLATE_ID ->
            {
                deleteObject.wrap(buffer, body, header.blockLength(), header.version());
                final long clientId = deleteObject.clientId();
                final long requestId = deleteObject.requestId();
                final long expectedVersion = deleteObject.expectedVersion();
                final String owner = deleteObject.owner();
                final String kind = deleteObject.kind();
                final String name = deleteObject.name();
                respond(sink, clientId, requestId,
                    state.deleteObject(clientId, requestId, owner, kind, name, expectedVersion),
                    "object " + owner + '/' + kind + '/' + name);
            }
            default ->
            {
                return false;
            }
        }
        return true;
    }

    /**
     * A deadline, then the command it bounds: the command is applied as any other, except that
     * {@link MetaState} answers EXPIRED, and changes nothing, if the cluster time is past the deadline
     * (a retry of a request applied earlier still gets its first outcome).
     */
    private boolean applyBefore(
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final long timestamp,
        final long logPosition,
        final ResultSink sink)
    {
        deadline.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        final long deadlineMs = deadline.deadlineMs();
        final int command = MessageHeaderDecoder.ENCODED_LENGTH + header.blockLength();
        if (length - command < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        header.wrap(buffer, offset + command);
        if (header.templateId() == CommandDeadlineDecoder.TEMPLATE_ID ||
            header.templateId() == NodeHeartbeatDecoder.TEMPLATE_ID)
        {
            return false;
        }
        state.commandDeadline(deadlineMs, timestamp);
        try
        {
            return apply(buffer, offset + command, length - command, timestamp, logPosition, sink);
        }
        finally
        {
            state.commandDeadline(MetaState.NO_DEADLINE, timestamp);
        }
    }

    static ScramCredential readCredential(final PutUserDecoder.CredentialsDecoder credential)
    {
        final var mechanism = credential.mechanism();
        final int iterations = credential.iterations();
        final byte[] salt = new byte[credential.saltLength()];
        credential.getSalt(salt, 0, salt.length);
        final byte[] storedKey = new byte[credential.storedKeyLength()];
        credential.getStoredKey(storedKey, 0, storedKey.length);
        final byte[] serverKey = new byte[credential.serverKeyLength()];
        credential.getServerKey(serverKey, 0, serverKey.length);
        return new ScramCredential(mechanism, iterations, salt, storedKey, serverKey);
    }

    private void respond(
        final ResultSink sink, final long clientId, final long requestId, final ResultCode code, final String subject)
    {
        respond(sink, clientId, requestId, code, 0, subject);
    }

    private void respond(
        final ResultSink sink,
        final long clientId,
        final long requestId,
        final ResultCode code,
        final long objectVersion,
        final String subject)
    {
        result.wrapAndApplyHeader(resultBuffer, 0, resultHeader)
            .clientId(clientId)
            .requestId(requestId)
            .code(code)
            .objectVersion(objectVersion)
            .logPosition(logPosition)
            .message(describe(code, abbreviate(subject)));
        sink.onResult(resultBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + result.encodedLength());
    }

    /**
     * A subject is named in the result with at most this many characters: a command may carry a name
     * of kilobytes (refused INVALID), and the result must still fit in one message to its client.
     */
    static final int MAX_SUBJECT_LENGTH = 300;

    private static String abbreviate(final String subject)
    {
        return subject.length() <= MAX_SUBJECT_LENGTH ? subject :
            subject.substring(0, MAX_SUBJECT_LENGTH) + "... (" + subject.length() + " characters)";
    }

    private static String describe(final ResultCode code, final String subject)
    {
        return switch (code)
        {
            case OK -> "";
            case ALREADY_EXISTS -> subject + " exists";
            case NOT_FOUND -> subject + " not found";
            case INVALID -> "invalid request for " + subject;
            case EXPIRED -> "not applied: the cluster reached the request for " + subject + " after its deadline";
            case CONFLICT -> subject + " is not at the version expected";
            default -> code.name();
        };
    }
}
