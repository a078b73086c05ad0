package io.robustmq.plugin.kafka;

import io.netty.channel.ChannelPipeline;
import io.robustmq.plugin.api.ListenerConfig;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.Transport;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.kafka.api.ApiVersionsApi;
import io.robustmq.plugin.kafka.api.CreateAclsApi;
import io.robustmq.plugin.kafka.api.CreateTopicsApi;
import io.robustmq.plugin.kafka.api.DeleteAclsApi;
import io.robustmq.plugin.kafka.api.DeleteGroupsApi;
import io.robustmq.plugin.kafka.api.DeleteRecordsApi;
import io.robustmq.plugin.kafka.api.DeleteTopicsApi;
import io.robustmq.plugin.kafka.api.DescribeAclsApi;
import io.robustmq.plugin.kafka.api.DescribeClusterApi;
import io.robustmq.plugin.kafka.api.DescribeConfigsApi;
import io.robustmq.plugin.kafka.api.DescribeGroupsApi;
import io.robustmq.plugin.kafka.api.FindCoordinatorApi;
import io.robustmq.plugin.kafka.api.HeartbeatApi;
import io.robustmq.plugin.kafka.api.JoinGroupApi;
import io.robustmq.plugin.kafka.api.LeaveGroupApi;
import io.robustmq.plugin.kafka.api.ListGroupsApi;
import io.robustmq.plugin.kafka.api.OffsetCommitApi;
import io.robustmq.plugin.kafka.api.OffsetDeleteApi;
import io.robustmq.plugin.kafka.api.OffsetFetchApi;
import io.robustmq.plugin.kafka.api.SaslAuthenticateApi;
import io.robustmq.plugin.kafka.api.SaslHandshakeApi;
import io.robustmq.plugin.kafka.api.SyncGroupApi;
import io.robustmq.plugin.kafka.group.GroupCoordinator;
import io.robustmq.plugin.kafka.group.GroupOffsets;
import io.robustmq.plugin.kafka.api.Brokers;
import io.robustmq.plugin.kafka.api.FetchApi;
import io.robustmq.plugin.kafka.api.InitProducerIdApi;
import io.robustmq.plugin.kafka.api.AlterConfigsApi;
import io.robustmq.plugin.kafka.api.CreatePartitionsApi;
import io.robustmq.plugin.kafka.api.IncrementalAlterConfigsApi;
import io.robustmq.plugin.kafka.api.KafkaApi;
import io.robustmq.plugin.kafka.api.KafkaConnection;
import io.robustmq.plugin.kafka.api.ListOffsetsApi;
import io.robustmq.plugin.kafka.api.MetadataApi;
import io.robustmq.plugin.kafka.api.ProduceApi;
import io.robustmq.plugin.kafka.api.RequestMetrics;
import io.robustmq.plugin.kafka.partition.Appends;
import io.robustmq.plugin.kafka.partition.PartitionLogs;
import io.robustmq.plugin.kafka.protocol.KafkaFrameDecoder;
import io.robustmq.plugin.kafka.protocol.SupportedApis;
import org.apache.kafka.common.protocol.ApiKeys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka protocol on one node: its listeners (TCP 9092; TLS 9093 when given a certificate), the
 * pipeline of each connection, and the partitions the connections share. Partitions are opened (a
 * shard created or recovered, its producers' sequences read back) on a thread of the plugin's own,
 * {@code robustmq-kafka-partitions}, never on an event loop.
 */
final class KafkaPlugin implements ProtocolPlugin
{
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPlugin.class);
    /** The listener names whose clients must authenticate (Kafka's SASL_PLAINTEXT and SASL_SSL). */
    private static final String SASL = "sasl";
    private static final String SASL_TLS = "sasl_tls";
    /** PLAIN password checks waiting at once; one more is refused. */
    private static final int MAX_PENDING_PASSWORD_CHECKS = 1024;
    /** Partitions waiting to be opened at once; a request for one more fails its connection. */
    private static final int MAX_PENDING_OPENS = 4096;

    private final KafkaSettings settings;
    private final List<ListenerSpec> listeners;
    private final ThreadPoolExecutor opener;
    private final PartitionLogs partitions;
    private final SupportedApis supported = SupportedApis.implemented();
    private final ApiVersionsApi apiVersions = new ApiVersionsApi(supported);
    private final Map<ApiKeys, KafkaApi> apis = new EnumMap<>(ApiKeys.class);
    private final GroupCoordinator groups;
    private final Metadata metadata;
    private final ThreadPoolExecutor authThread;
    private final RequestMetrics requestMetrics;
    private final java.util.Set<String> registeredGroups = java.util.concurrent.ConcurrentHashMap.newKeySet();

    KafkaPlugin(final PluginContext context)
    {
        this.settings = KafkaSettings.read(context.config());
        final List<ListenerSpec> specs = new ArrayList<>();
        ListenerConfig.read(context, new ListenerConfig.Defaults("tcp", Transport.TCP, 9092, true, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults("tls", Transport.TLS, 9093, false, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults(SASL, Transport.TCP, 9094, false, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults(SASL_TLS, Transport.TLS, 9095, false, null, null))
            .ifPresent(specs::add);
        this.listeners = List.copyOf(specs);
        this.opener = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_PENDING_OPENS),
            task ->
            {
                final Thread thread = new Thread(task, "robustmq-kafka-partitions");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
        this.partitions = new PartitionLogs(context.shards(), context.metadata(), opener,
            context.meterRegistry());
        final Appends appends = new Appends(context.shards());
        final Brokers brokers = new Brokers(context.metadata(), context.nodeId(), context.advertisedHost());
        apis.put(ApiKeys.API_VERSIONS, apiVersions);
        apis.put(ApiKeys.METADATA, new MetadataApi(context.metadata(), brokers, settings.autoCreateTopics(),
            settings.defaultPartitions(), settings.clusterId()));
        apis.put(ApiKeys.PRODUCE, new ProduceApi(context.metadata(), brokers, partitions, appends, context.meterRegistry()));
        apis.put(ApiKeys.FETCH, new FetchApi(context.metadata(), brokers, partitions));
        apis.put(ApiKeys.LIST_OFFSETS, new ListOffsetsApi(context.metadata(), brokers, partitions));
        apis.put(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdApi(context.nodeId(), context.clock().millis()));
        final Metadata metadata = context.metadata();
        this.groups = new GroupCoordinator(settings.groups(), () -> context.clock().millis(), context.scheduler(),
            this::registerGroup);
        this.metadata = metadata;
        final GroupOffsets offsets = new GroupOffsets(context.cursors());
        apis.put(ApiKeys.FIND_COORDINATOR, new FindCoordinatorApi(brokers));
        apis.put(ApiKeys.JOIN_GROUP, new JoinGroupApi(groups, metadata, brokers));
        apis.put(ApiKeys.SYNC_GROUP, new SyncGroupApi(groups, metadata, brokers));
        apis.put(ApiKeys.HEARTBEAT, new HeartbeatApi(groups, metadata, brokers));
        apis.put(ApiKeys.LEAVE_GROUP, new LeaveGroupApi(groups, metadata, brokers));
        apis.put(ApiKeys.OFFSET_COMMIT, new OffsetCommitApi(metadata, brokers, groups, offsets, this::registerGroup));
        apis.put(ApiKeys.OFFSET_FETCH, new OffsetFetchApi(metadata, brokers, offsets));
        apis.put(ApiKeys.LIST_GROUPS, new ListGroupsApi(groups, offsets, metadata));
        apis.put(ApiKeys.DESCRIBE_GROUPS, new DescribeGroupsApi(groups, offsets, metadata, brokers));
        apis.put(ApiKeys.DELETE_GROUPS, new DeleteGroupsApi(metadata, brokers, groups, offsets, registeredGroups::remove));
        apis.put(ApiKeys.OFFSET_DELETE, new OffsetDeleteApi(metadata, brokers, groups, offsets));
        apis.put(ApiKeys.CREATE_TOPICS, new CreateTopicsApi(metadata, settings.defaultPartitions()));
        apis.put(ApiKeys.DELETE_TOPICS, new DeleteTopicsApi(metadata));
        apis.put(ApiKeys.DESCRIBE_CLUSTER, new DescribeClusterApi(brokers, settings.clusterId()));
        apis.put(ApiKeys.DESCRIBE_CONFIGS, new DescribeConfigsApi(metadata, context.nodeId(), brokerConfigs(settings,
            context.nodeId())));
        apis.put(ApiKeys.DELETE_RECORDS, new DeleteRecordsApi(metadata, brokers, partitions));
        apis.put(ApiKeys.CREATE_PARTITIONS, new CreatePartitionsApi(metadata));
        apis.put(ApiKeys.ALTER_CONFIGS, new AlterConfigsApi(metadata));
        apis.put(ApiKeys.INCREMENTAL_ALTER_CONFIGS, new IncrementalAlterConfigsApi(metadata));
        apis.put(ApiKeys.DESCRIBE_ACLS, new DescribeAclsApi(metadata));
        apis.put(ApiKeys.CREATE_ACLS, new CreateAclsApi(metadata));
        apis.put(ApiKeys.DELETE_ACLS, new DeleteAclsApi(metadata));
        this.authThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(MAX_PENDING_PASSWORD_CHECKS), task ->
            {
                final Thread thread = new Thread(task, "robustmq-kafka-auth");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
        apis.put(ApiKeys.SASL_HANDSHAKE, new SaslHandshakeApi());
        apis.put(ApiKeys.SASL_AUTHENTICATE, new SaslAuthenticateApi(metadata, authThread));
        this.requestMetrics = new RequestMetrics(context.meterRegistry(), supported.apis());
        if (!apis.keySet().equals(supported.apis()))
        {
            throw new IllegalStateException("handlers " + apis.keySet() + " for the APIs advertised " + supported.apis());
        }
    }

    /**
     * @return the plugin's settings under the names Kafka's brokers give them, as DescribeConfigs
     * shows them for this broker.
     */
    private static Map<String, String> brokerConfigs(final KafkaSettings settings, final int nodeId)
    {
        final Map<String, String> configs = new java.util.LinkedHashMap<>();
        configs.put("broker.id", Integer.toString(nodeId));
        configs.put("auto.create.topics.enable", Boolean.toString(settings.autoCreateTopics()));
        configs.put("num.partitions", Integer.toString(settings.defaultPartitions()));
        configs.put("socket.request.max.bytes", Integer.toString(settings.maxFrameBytes()));
        configs.put("group.min.session.timeout.ms", Integer.toString(settings.groups().minSessionTimeoutMs()));
        configs.put("group.max.session.timeout.ms", Integer.toString(settings.groups().maxSessionTimeoutMs()));
        configs.put("group.initial.rebalance.delay.ms", Integer.toString(settings.groups().initialRebalanceDelayMs()));
        configs.put("group.max.size", Integer.toString(settings.groups().maxGroupSize()));
        return configs;
    }

    /**
     * Register a Kafka group in the cluster's metadata, once per group while the plugin runs.
     */
    private void registerGroup(final String groupId)
    {
        if (registeredGroups.add(groupId) && metadata.group(groupId).isEmpty())
        {
            metadata.registerGroup(groupId, KafkaPluginFactory.NAME).whenComplete((group, failure) ->
            {
                if (failure != null && metadata.group(groupId).isEmpty())
                {
                    registeredGroups.remove(groupId);
                    LOG.warn("Kafka: group {} could not be registered in the cluster's metadata: {}", groupId,
                        failure.toString());
                }
            });
        }
    }

    @Override
    public List<ListenerSpec> listeners()
    {
        return listeners;
    }

    @Override
    public void initChannel(final ChannelPipeline pipeline, final ListenerSpec listener)
    {
        pipeline.addLast("kafka-frames", new KafkaFrameDecoder(settings.maxFrameBytes()));
        final boolean sasl = SASL.equals(listener.name()) || SASL_TLS.equals(listener.name());
        pipeline.addLast("kafka", new KafkaConnection(supported, apis, apiVersions, settings.maxInflightRequests(),
            sasl, listener.name(), requestMetrics));
    }

    @Override
    public void close()
    {
        groups.close();
        authThread.shutdownNow();
        opener.shutdownNow();
        partitions.close();
    }
}
