package io.robustmq.plugin.kafka;

import io.robustmq.kernel.support.Clients;
import io.robustmq.kernel.support.TestCluster;
import io.robustmq.kernel.support.TestNode;
import io.robustmq.plugin.api.metadata.NodeInfo;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three nodes in this JVM forming one cluster, each with the Kafka plugin: clients that know one
 * node find every partition's leader and the group's coordinator on the others; a node asked for a
 * partition it does not lead answers NOT_LEADER_OR_FOLLOWER, and one asked for a group it does not
 * coordinate NOT_COORDINATOR.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterTest
{
    private static final int NODES = 3;

    @TempDir
    Path temp;

    private final List<TestNode> nodes = new ArrayList<>();
    private TestCluster cluster;

    @AfterEach
    void stop()
    {
        if (cluster != null)
        {
            cluster.close();
        }
    }

    @Test
    void clientsOfOneNodeFindEveryPartitionsLeaderAndTheGroupsCoordinator() throws Exception
    {
        startCluster();
        final String topic = "spread";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap(0))))
        {
            assertEquals(NODES, admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size(),
                "every node is a broker");
            admin.createTopics(List.of(new NewTopic(topic, NODES, (short)1))).all().get(30, TimeUnit.SECONDS);
        }
        final Map<Integer, Integer> leaderOf = awaitLeaders(topic);
        assertEquals(Set.of(1, 2, 3), new HashSet<>(leaderOf.values()), "one partition led by each node: " + leaderOf);

        final int perPartition = 50;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap(0),
            "acks", "all", "key.serializer", StringSerializer.class.getName(),
            "value.serializer", StringSerializer.class.getName())))
        {
            final List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int partition = 0; partition < NODES; partition++)
            {
                for (int i = 0; i < perPartition; i++)
                {
                    sent.add(producer.send(new ProducerRecord<>(topic, partition, "k" + i, partition + "-" + i)));
                }
            }
            for (final java.util.concurrent.Future<?> one : sent)
            {
                one.get(30, TimeUnit.SECONDS);
            }
        }

        final String group = "cluster-group";
        final Map<Integer, List<String>> received = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap(1),
            "group.id", group, "auto.offset.reset", "earliest", "enable.auto.commit", "false",
            "key.deserializer", StringDeserializer.class.getName(),
            "value.deserializer", StringDeserializer.class.getName())))
        {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int count = 0;
            while (count < NODES * perPartition && System.nanoTime() < deadline)
            {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200)))
                {
                    received.computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record.value());
                    count++;
                }
            }
            consumer.commitSync(Duration.ofSeconds(30));
        }
        for (int partition = 0; partition < NODES; partition++)
        {
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < perPartition; i++)
            {
                expected.add(partition + "-" + i);
            }
            assertEquals(expected, received.get(partition), "partition " + partition + ", led by node " +
                leaderOf.get(partition));
        }

        // The coordinator: the same node whichever node is asked, and it has the group's offsets.
        int coordinator = -1;
        for (int i = 0; i < NODES; i++)
        {
            try (RawKafka raw = new RawKafka(port(i)))
            {
                final FindCoordinatorResponseData found = (FindCoordinatorResponseData)raw.exchange(
                    ApiKeys.FIND_COORDINATOR, (short)4, new FindCoordinatorRequestData().setKeyType((byte)0)
                        .setCoordinatorKeys(List.of(group)));
                final FindCoordinatorResponseData.Coordinator answer = found.coordinators().get(0);
                assertEquals(Errors.NONE.code(), answer.errorCode(), "asked node " + (i + 1));
                assertEquals(port(answer.nodeId() - 1), answer.port(), "the coordinator's own Kafka port");
                assertTrue(coordinator == -1 || coordinator == answer.nodeId(), "one coordinator for the group");
                coordinator = answer.nodeId();
            }
        }
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap(2))))
        {
            final Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            for (int partition = 0; partition < NODES; partition++)
            {
                final OffsetAndMetadata offset = committed.get(new TopicPartition(topic, partition));
                assertNotNull(offset, "partition " + partition + " committed at coordinator node " + coordinator);
                assertEquals(perPartition, offset.offset());
            }
        }
        final int notCoordinator = coordinator % NODES; // the next node's index, 0-based
        try (RawKafka raw = new RawKafka(port(notCoordinator)))
        {
            final org.apache.kafka.common.message.HeartbeatResponseData heartbeat =
                (org.apache.kafka.common.message.HeartbeatResponseData)raw.exchange(ApiKeys.HEARTBEAT, (short)4,
                    new org.apache.kafka.common.message.HeartbeatRequestData().setGroupId(group).setGenerationId(1)
                        .setMemberId("someone"));
            assertEquals(Errors.NOT_COORDINATOR.code(), heartbeat.errorCode(), "node " + (notCoordinator + 1));
        }

        // A node asked for a partition another node leads refuses, and stores nothing.
        final int partition = 0;
        final int stranger = leaderOf.get(partition) % NODES; // a node that does not lead it, 0-based
        try (RawKafka raw = new RawKafka(port(stranger)))
        {
            final ProduceRequestData produce = new ProduceRequestData().setAcks((short)1).setTimeoutMs(5000);
            final ProduceRequestData.TopicProduceData topicData = new ProduceRequestData.TopicProduceData().setName(topic);
            topicData.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition)
                .setRecords(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord("misdirected".getBytes(StandardCharsets.UTF_8)))));
            produce.topicData().add(topicData);
            final ProduceResponseData produced = (ProduceResponseData)raw.exchange(ApiKeys.PRODUCE, (short)9, produce);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(),
                produced.responses().iterator().next().partitionResponses().get(0).errorCode());

            final FetchRequestData fetch = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaId(-1);
            fetch.topics().add(new FetchRequestData.FetchTopic().setTopic(topic).setPartitions(List.of(
                new FetchRequestData.FetchPartition().setPartition(partition).setFetchOffset(0)
                    .setPartitionMaxBytes(1 << 20))));
            final FetchResponseData fetched = (FetchResponseData)raw.exchange(ApiKeys.FETCH, (short)11, fetch);
            assertEquals(Errors.NOT_LEADER_OR_FOLLOWER.code(),
                fetched.responses().get(0).partitions().get(0).errorCode());

            final MetadataResponseData metadata = (MetadataResponseData)raw.exchange(ApiKeys.METADATA, (short)12,
                new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName(topic))));
            assertEquals(NODES, metadata.brokers().size(), "every broker listed by every node");
            for (final MetadataResponseData.MetadataResponseBroker broker : metadata.brokers())
            {
                assertEquals(port(broker.nodeId() - 1), broker.port(), "node " + broker.nodeId() + "'s Kafka port");
            }
        }
    }

    /**
     * Start three nodes at once (each waits for the others to form the Meta Service), each with the
     * Kafka plugin on an ephemeral port.
     */
    private void startCluster() throws Exception
    {
        cluster = TestCluster.start(temp, NODES, """
            [plugins.kafka.listeners.tcp]
            port = 0
            """);
        nodes.addAll(cluster.nodes());
        for (final TestNode node : nodes)
        {
            Clients.await("every node's Kafka listener known to node " + node.node().status().nodeId(), 30_000, () ->
            {
                final List<NodeInfo> known = node.node().metaService().metadata().nodes();
                return known.size() == NODES && known.stream().allMatch(info -> info.endpoint("kafka", "tcp").isPresent());
            });
        }
    }

    private Map<Integer, Integer> awaitLeaders(final String topic) throws Exception
    {
        final Map<Integer, Integer> leaders = new HashMap<>();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap(2))))
        {
            Clients.await("every partition of " + topic + " has a leader", 30_000, () ->
            {
                try
                {
                    final TopicDescription description =
                        admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                    leaders.clear();
                    for (final TopicPartitionInfo partition : description.partitions())
                    {
                        final Node leader = partition.leader();
                        if (leader == null || leader.isEmpty())
                        {
                            return false;
                        }
                        leaders.put(partition.partition(), leader.id());
                    }
                    return leaders.size() == NODES;
                }
                catch (final Exception ex)
                {
                    return false;
                }
            });
        }
        return leaders;
    }

    private int port(final int index)
    {
        return nodes.get(index).port("kafka", "tcp");
    }

    private String bootstrap(final int index)
    {
        return "127.0.0.1:" + port(index);
    }
}
