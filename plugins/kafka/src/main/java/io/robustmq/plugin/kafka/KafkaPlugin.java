package io.robustmq.plugin.kafka;

import io.netty.channel.ChannelPipeline;
import io.robustmq.plugin.api.ListenerConfig;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.Transport;
import io.robustmq.plugin.kafka.api.ApiVersionsApi;
import io.robustmq.plugin.kafka.api.Brokers;
import io.robustmq.plugin.kafka.api.FetchApi;
import io.robustmq.plugin.kafka.api.InitProducerIdApi;
import io.robustmq.plugin.kafka.api.KafkaApi;
import io.robustmq.plugin.kafka.api.KafkaConnection;
import io.robustmq.plugin.kafka.api.ListOffsetsApi;
import io.robustmq.plugin.kafka.api.MetadataApi;
import io.robustmq.plugin.kafka.api.ProduceApi;
import io.robustmq.plugin.kafka.partition.Appends;
import io.robustmq.plugin.kafka.partition.PartitionLogs;
import io.robustmq.plugin.kafka.protocol.KafkaFrameDecoder;
import io.robustmq.plugin.kafka.protocol.SupportedApis;
import org.apache.kafka.common.protocol.ApiKeys;

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
    /** Partitions waiting to be opened at once; a request for one more fails its connection. */
    private static final int MAX_PENDING_OPENS = 4096;

    private final KafkaSettings settings;
    private final List<ListenerSpec> listeners;
    private final ThreadPoolExecutor opener;
    private final PartitionLogs partitions;
    private final SupportedApis supported = SupportedApis.implemented();
    private final ApiVersionsApi apiVersions = new ApiVersionsApi(supported);
    private final Map<ApiKeys, KafkaApi> apis = new EnumMap<>(ApiKeys.class);

    KafkaPlugin(final PluginContext context)
    {
        this.settings = KafkaSettings.read(context.config());
        final List<ListenerSpec> specs = new ArrayList<>();
        ListenerConfig.read(context, new ListenerConfig.Defaults("tcp", Transport.TCP, 9092, true, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults("tls", Transport.TLS, 9093, false, null, null))
            .ifPresent(specs::add);
        this.listeners = List.copyOf(specs);
        this.opener = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(MAX_PENDING_OPENS),
            task ->
            {
                final Thread thread = new Thread(task, "robustmq-kafka-partitions");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
        this.partitions = new PartitionLogs(context.shards(), context.metadata(), opener);
        final Appends appends = new Appends(context.shards());
        final Brokers brokers = new Brokers(new Brokers.Self(context.nodeId(), settings.advertisedHost()));
        apis.put(ApiKeys.API_VERSIONS, apiVersions);
        apis.put(ApiKeys.METADATA, new MetadataApi(context.metadata(), brokers, settings.autoCreateTopics(),
            settings.defaultPartitions(), settings.clusterId()));
        apis.put(ApiKeys.PRODUCE, new ProduceApi(context.metadata(), partitions, appends));
        apis.put(ApiKeys.FETCH, new FetchApi(context.metadata(), partitions));
        apis.put(ApiKeys.LIST_OFFSETS, new ListOffsetsApi(context.metadata(), partitions));
        apis.put(ApiKeys.INIT_PRODUCER_ID, new InitProducerIdApi(context.nodeId(), context.clock().millis()));
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
        pipeline.addLast("kafka", new KafkaConnection(supported, apis, apiVersions, settings.maxInflightRequests()));
    }

    @Override
    public void close()
    {
        opener.shutdownNow();
        partitions.close();
    }
}
