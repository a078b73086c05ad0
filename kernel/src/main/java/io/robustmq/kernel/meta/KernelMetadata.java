package io.robustmq.kernel.meta;

import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.Scram;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.cluster.MetaClusteredService;
import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.state.ClusterSettings;
import io.robustmq.meta.state.GroupRecord;
import io.robustmq.meta.state.MetaState;
import io.robustmq.meta.state.NodeRecord;
import io.robustmq.meta.state.ObjectKey;
import io.robustmq.meta.state.ObjectRecord;
import io.robustmq.meta.state.ShardRecord;
import io.robustmq.meta.state.TopicRecord;
import io.robustmq.meta.state.UserRecord;
import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclPattern;
import io.robustmq.plugin.api.metadata.AclPermission;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.AclRuleInfo;
import io.robustmq.plugin.api.metadata.GroupInfo;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.api.metadata.NodeInfo;
import io.robustmq.plugin.api.metadata.ObjectChange;
import io.robustmq.plugin.api.metadata.ObjectInfo;
import io.robustmq.plugin.api.metadata.ScramCredentialInfo;
import io.robustmq.plugin.api.metadata.ShardInfo;
import io.robustmq.plugin.api.metadata.TopicChange;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.TopicSpec;
import io.robustmq.plugin.api.metadata.Watch;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The kernel's {@link Metadata}: reads from the Meta Service's latest view, writes through its
 * client, watches on {@link MetadataWatches}. A write that succeeds completes once this node's own
 * view holds its outcome, so a caller that reads right after sees what it wrote.
 */
final class KernelMetadata implements Metadata
{
    /** How long a write may wait for the cluster, then for this node's view. */
    static final long WRITE_TIMEOUT_MS = 30_000;

    private final MetaClient client;
    private final MetaClusteredService service;
    private final MetadataWatches watches;

    KernelMetadata(final MetaClient client, final MetaClusteredService service, final MetadataWatches watches)
    {
        this.client = client;
        this.service = service;
        this.watches = watches;
    }

    private MetaClusteredService.View view()
    {
        return service.view();
    }

    static TopicInfo info(final TopicRecord topic)
    {
        return new TopicInfo(topic.name(), topic.uuid(), topic.partitions(), topic.storage(), topic.durability(),
            topic.retentionMs(), topic.retentionBytes(), topic.segmentBytes());
    }

    static ShardInfo info(final ShardRecord shard)
    {
        return new ShardInfo(shard.topic(), shard.partition(), shard.replicas(), shard.leader(), shard.epoch());
    }

    static NodeInfo info(final NodeRecord node)
    {
        return new NodeInfo(node.id(), node.address(), node.up(), node.endpoints());
    }

    static GroupInfo info(final GroupRecord group)
    {
        return new GroupInfo(group.name(), group.protocol());
    }

    static ObjectInfo info(final ObjectRecord object)
    {
        return new ObjectInfo(object.owner(), object.kind(), object.name(), object.value(), object.version());
    }

    static AclRuleInfo info(final AclRule rule)
    {
        return new AclRuleInfo(rule.principal(), AclResource.valueOf(rule.resource().name()),
            AclPattern.valueOf(rule.pattern().name()), rule.resourceName(), AclOperation.valueOf(rule.operation().name()),
            AclPermission.valueOf(rule.permission().name()));
    }

    static AclRule rule(final AclRuleInfo info)
    {
        return new AclRule(info.principal(), AclResourceCode.valueOf(info.resource().name()),
            AclPatternCode.valueOf(info.pattern().name()), info.resourceName(),
            AclOperationCode.valueOf(info.operation().name()), AclPermissionCode.valueOf(info.permission().name()));
    }

    /**
     * @return why the cluster would not keep the rule, or null if it would. A name longer than any
     * user, topic or group can have (249 characters) is refused: it would cover nothing, and a name
     * of kilobytes would not fit in one Meta Service command.
     */
    static String invalid(final AclRule rule)
    {
        if (rule.principal().isEmpty() || rule.principal().length() > MetaState.MAX_TOPIC_NAME_LENGTH)
        {
            return "a rule's principal is 1 to " + MetaState.MAX_TOPIC_NAME_LENGTH + " characters";
        }
        if (rule.resourceName().isEmpty() || rule.resourceName().length() > MetaState.MAX_TOPIC_NAME_LENGTH)
        {
            return "a rule's resource name is 1 to " + MetaState.MAX_TOPIC_NAME_LENGTH + " characters";
        }
        return null;
    }

    private static Optional<TopicInfo> topic(final MetaClusteredService.View view, final String name)
    {
        return Optional.ofNullable(view.topic(name)).map(KernelMetadata::info);
    }

    private static List<ShardInfo> shards(final MetaClusteredService.View view, final String topic)
    {
        return view.shards().getOrDefault(topic, List.of()).stream().map(KernelMetadata::info).toList();
    }

    private static Optional<ShardInfo> shard(final MetaClusteredService.View view, final String topic, final int partition)
    {
        final List<ShardRecord> topicShards = view.shards().getOrDefault(topic, List.of());
        return partition >= 0 && partition < topicShards.size() ?
            Optional.of(info(topicShards.get(partition))) : Optional.empty();
    }

    private static List<NodeInfo> nodes(final MetaClusteredService.View view)
    {
        return view.nodes().stream().map(KernelMetadata::info).toList();
    }

    private static Optional<GroupInfo> group(final MetaClusteredService.View view, final String name)
    {
        return Optional.ofNullable(view.group(name)).map(KernelMetadata::info);
    }

    @Override
    public Optional<TopicInfo> topic(final String name)
    {
        return topic(view(), name);
    }

    @Override
    public List<TopicInfo> topics()
    {
        return view().topics().stream().map(KernelMetadata::info).toList();
    }

    @Override
    public CompletionStage<TopicInfo> createTopic(final TopicSpec spec)
    {
        return write(client.createTopic(spec.name(), spec.partitions(), spec.storage(), spec.durability(),
                spec.retentionMs(), spec.retentionBytes(), spec.segmentBytes(), spec.preferredLeader()),
            view -> topic(view, spec.name()));
    }

    @Override
    public CompletionStage<TopicInfo> alterTopic(final TopicChange change)
    {
        return write(client.alterTopic(change.name(), change.partitions(), change.retentionMs(), change.retentionBytes(),
                change.segmentBytes()),
            view -> topic(view, change.name()).filter(change::isAppliedTo));
    }

    @Override
    public CompletionStage<Void> deleteTopic(final String name)
    {
        return write(client.deleteTopic(name), view -> view.topic(name) == null ? Optional.of(true) : Optional.empty())
            .thenApply(gone -> null);
    }

    @Override
    public Optional<ShardInfo> shard(final String topic, final int partition)
    {
        return shard(view(), topic, partition);
    }

    @Override
    public List<ShardInfo> shards(final String topic)
    {
        return shards(view(), topic);
    }

    @Override
    public List<NodeInfo> nodes()
    {
        return nodes(view());
    }

    @Override
    public Optional<GroupInfo> group(final String name)
    {
        return group(view(), name);
    }

    @Override
    public List<GroupInfo> groups()
    {
        return view().groups().stream().map(KernelMetadata::info).toList();
    }

    @Override
    public CompletionStage<GroupInfo> registerGroup(final String name, final String protocol)
    {
        return write(client.registerGroup(name, protocol), view -> group(view, name));
    }

    @Override
    public CompletionStage<Void> deleteGroup(final String name)
    {
        return write(client.deleteGroup(name), view -> group(view, name).isEmpty() ? Optional.of(true) : Optional.empty())
            .thenApply(gone -> null);
    }

    @Override
    public boolean checkPassword(final String user, final char[] password)
    {
        final UserRecord record = view().user(user);
        if (record == null || record.credentials().isEmpty())
        {
            return false;
        }
        return Scram.matches(record.credentials().get(0), password);
    }

    @Override
    public Optional<ScramCredentialInfo> scramCredential(final String user, final String mechanism)
    {
        final UserRecord record = view().user(user);
        if (record == null)
        {
            return Optional.empty();
        }
        for (final ScramCredential credential : record.credentials())
        {
            if (SecurityNames.mechanism(credential.mechanism()).equals(mechanism))
            {
                return Optional.of(new ScramCredentialInfo(mechanism, credential.salt(), credential.iterations(),
                    credential.storedKey(), credential.serverKey()));
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean allowed(
        final String user,
        final String clientId,
        final AclOperation operation,
        final AclResource resource,
        final String name)
    {
        return view().allowed(user, clientId, AclOperationCode.valueOf(operation.name()),
            AclResourceCode.valueOf(resource.name()), name);
    }

    @Override
    public List<AclRuleInfo> acls()
    {
        return view().acls().stream().map(KernelMetadata::info).toList();
    }

    @Override
    public CompletionStage<Void> addAcl(final AclRuleInfo info)
    {
        final AclRule rule = rule(info);
        final String invalid = invalid(rule);
        if (invalid != null)
        {
            return CompletableFuture.failedFuture(new MetadataException(MetadataException.Reason.INVALID, invalid));
        }
        return write(client.addAcl(rule), view -> view.acls().contains(rule) ? Optional.of(true) : Optional.empty())
            .thenApply(added -> null);
    }

    @Override
    public CompletionStage<Void> removeAcl(final AclRuleInfo info)
    {
        final AclRule rule = rule(info);
        return write(client.removeAcl(rule), view -> view.acls().contains(rule) ? Optional.empty() : Optional.of(true))
            .thenApply(removed -> null);
    }

    @Override
    public Optional<String> clusterSetting(final String key)
    {
        return ClusterSettings.known(key) ? Optional.of(view().settings().get(key)) : Optional.empty();
    }

    @Override
    public Optional<ObjectInfo> object(final String owner, final String kind, final String name)
    {
        return Optional.ofNullable(view().object(owner, kind, name)).map(KernelMetadata::info);
    }

    @Override
    public List<ObjectInfo> objects(final String owner, final String kind)
    {
        return ObjectKey.ofKind(view().objectMap(), owner, kind).values().stream().map(KernelMetadata::info).toList();
    }

    @Override
    public CompletionStage<ObjectInfo> putObject(
        final String owner, final String kind, final String name, final byte[] value, final long expectedVersion)
    {
        final byte[] copy = value.clone();
        return applied(client.putObject(owner, kind, name, copy, expectedVersion),
            result -> new ObjectInfo(owner, kind, name, copy, result.objectVersion()));
    }

    @Override
    public CompletionStage<Void> deleteObject(
        final String owner, final String kind, final String name, final long expectedVersion)
    {
        return applied(client.deleteObject(owner, kind, name, expectedVersion), result -> null);
    }

    @Override
    public Watch watchTopic(final String name, final Consumer<Optional<TopicInfo>> listener)
    {
        return watches.watch(view -> topic(view, name), listener);
    }

    @Override
    public Watch watchShard(final String topic, final int partition, final Consumer<Optional<ShardInfo>> listener)
    {
        return watches.watch(view -> shard(view, topic, partition), listener);
    }

    @Override
    public Watch watchNodes(final Consumer<List<NodeInfo>> listener)
    {
        return watches.watch(KernelMetadata::nodes, listener);
    }

    @Override
    public Watch watchObjects(final String owner, final Consumer<ObjectChange> listener)
    {
        return watches.watchObjects(owner, listener);
    }

    /**
     * Send a command; on OK wait until this node's view shows its outcome.
     *
     * @param sent    the command's result from the cluster.
     * @param outcome what the view holds once the command is applied here, or empty before.
     */
    private <T> CompletionStage<T> write(
        final CompletableFuture<MetaClient.Result> sent, final Function<MetaClusteredService.View, Optional<T>> outcome)
    {
        return sent.orTimeout(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .exceptionally(failure ->
            {
                throw new CompletionException(new MetadataException(MetadataException.Reason.UNAVAILABLE,
                    "the Meta Service did not answer within " + WRITE_TIMEOUT_MS + " ms"));
            })
            .thenCompose(result ->
            {
                if (result.code() != ResultCode.OK)
                {
                    throw new CompletionException(refusal(result));
                }
                return watches.await(view -> outcome.apply(view).isPresent(), WRITE_TIMEOUT_MS)
                    .thenApply(view -> outcome.apply(view).orElseThrow());
            });
    }

    /**
     * Send a command; on OK wait until this node's view has applied the log as far as the command
     * (so a caller that reads right after sees its outcome, whatever came after it), then complete
     * with what the result says.
     *
     * @param sent    the command's result from the cluster.
     * @param outcome what to complete with, from an OK result.
     */
    private <T> CompletionStage<T> applied(
        final CompletableFuture<MetaClient.Result> sent, final Function<MetaClient.Result, T> outcome)
    {
        return sent.orTimeout(WRITE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
            .exceptionally(failure ->
            {
                throw new CompletionException(new MetadataException(MetadataException.Reason.UNAVAILABLE,
                    "the Meta Service did not answer within " + WRITE_TIMEOUT_MS + " ms"));
            })
            .thenCompose(result ->
            {
                if (result.code() != ResultCode.OK)
                {
                    throw new CompletionException(refusal(result));
                }
                return watches.await(view -> view.appliedPosition() >= result.logPosition(), WRITE_TIMEOUT_MS)
                    .thenApply(view -> outcome.apply(result));
            });
    }

    static MetadataException refusal(final MetaClient.Result result)
    {
        final MetadataException.Reason reason = switch (result.code())
        {
            case ALREADY_EXISTS -> MetadataException.Reason.ALREADY_EXISTS;
            case NOT_FOUND -> MetadataException.Reason.NOT_FOUND;
            case EXPIRED -> MetadataException.Reason.UNAVAILABLE;
            case CONFLICT -> MetadataException.Reason.CONFLICT;
            default -> MetadataException.Reason.INVALID;
        };
        return new MetadataException(reason, result.message());
    }
}
