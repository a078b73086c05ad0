package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreatePartitionsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka's Admin client: topics created (with configs), described, grown, their retention changed,
 * their records deleted up to an offset, and deleted; the cluster and configs described; wrong
 * requests refused with Kafka's exceptions.
 */
class AdminTest
{
    @TempDir
    static Path dir;
    private static KafkaNode node;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, "[plugins.kafka]\nauto_create_topics = false\n");
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap()));
    }

    @AfterAll
    static void stop()
    {
        if (admin != null)
        {
            admin.close();
        }
        if (node != null)
        {
            node.close();
        }
    }

    @Test
    void topicsAreCreatedDescribedAndDeleted() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("audit", 3, (short)1).configs(Map.of("retention.ms", "3600000",
            "robustmq.durability", "always")))).all().get();
        final TopicDescription described = admin.describeTopics(List.of("audit")).allTopicNames().get().get("audit");
        assertEquals(3, described.partitions().size());
        assertEquals(1, described.partitions().get(0).leader().id(), "node 1 (the default id) leads");
        final Config config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "audit")))
            .all().get().get(new ConfigResource(ConfigResource.Type.TOPIC, "audit"));
        assertEquals("3600000", config.get("retention.ms").value());
        assertEquals("always", config.get("robustmq.durability").value());
        assertTrue(admin.listTopics().names().get().contains("audit"));

        final ExecutionException exists = assertThrows(ExecutionException.class, () ->
            admin.createTopics(List.of(new NewTopic("audit", 1, (short)1))).all().get());
        assertInstanceOf(TopicExistsException.class, exists.getCause());

        admin.deleteTopics(List.of("audit")).all().get();
        assertTrue(!admin.listTopics().names().get().contains("audit"));
        final ExecutionException gone = assertThrows(ExecutionException.class, () ->
            admin.deleteTopics(List.of("audit")).all().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, gone.getCause());
    }

    @Test
    void unsupportedConfigsAndReplicationFactorsBeyondTheNodesAreRefused()
    {
        final ExecutionException compacted = assertThrows(ExecutionException.class, () -> admin.createTopics(List.of(
            new NewTopic("compacted", 1, (short)1).configs(Map.of("cleanup.policy", "compact")))).all().get());
        assertInstanceOf(InvalidConfigurationException.class, compacted.getCause());
        final ExecutionException replicated = assertThrows(ExecutionException.class, () -> admin.createTopics(List.of(
            new NewTopic("replicated", 1, (short)3))).all().get());
        assertInstanceOf(InvalidReplicationFactorException.class, replicated.getCause());
    }

    @Test
    void recordsBelowAnOffsetAreDeletedAndTheClusterIsDescribed() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("trimmed", 1, (short)1))).all().get();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            node.bootstrap(), "key.serializer", StringSerializer.class.getName(), "value.serializer",
            StringSerializer.class.getName())))
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(new ProducerRecord<>("trimmed", "r" + i)).get();
            }
        }
        final TopicPartition partition = new TopicPartition("trimmed", 0);
        assertEquals(6L, admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(6))).lowWatermarks()
            .get(partition).get().lowWatermark());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
            node.bootstrap(), "key.deserializer", StringDeserializer.class.getName(), "value.deserializer",
            StringDeserializer.class.getName())))
        {
            assertEquals(6L, consumer.beginningOffsets(Set.of(partition)).get(partition), "the low watermark moved");
        }
        assertEquals(1, admin.describeCluster().nodes().get().size());
        assertEquals("robustmq", admin.describeCluster().clusterId().get());
    }

    @Test
    void aTopicGainsPartitionsThatProducersAndConsumersUse() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("growing", 1, (short)1))).all().get();
        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3)),
            new CreatePartitionsOptions().validateOnly(true)).all().get();
        assertEquals(1, admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing").partitions()
            .size(), "validate only: unchanged");
        admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3))).all().get();
        assertEquals(3, admin.describeTopics(List.of("growing")).allTopicNames().get().get("growing").partitions()
            .size());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            node.bootstrap(), "key.serializer", StringSerializer.class.getName(), "value.serializer",
            StringSerializer.class.getName())))
        {
            assertEquals(2, producer.send(new ProducerRecord<>("growing", 2, "k", "in partition 2")).get().partition());
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
            node.bootstrap(), "key.deserializer", StringDeserializer.class.getName(), "value.deserializer",
            StringDeserializer.class.getName())))
        {
            final TopicPartition third = new TopicPartition("growing", 2);
            consumer.assign(List.of(third));
            consumer.seekToBeginning(List.of(third));
            final List<String> values = new java.util.ArrayList<>();
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (values.isEmpty() && System.nanoTime() < deadline)
            {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
            assertEquals(List.of("in partition 2"), values);
        }

        final ExecutionException fewer = assertThrows(ExecutionException.class, () ->
            admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(2))).all().get());
        assertInstanceOf(InvalidPartitionsException.class, fewer.getCause());
        final ExecutionException same = assertThrows(ExecutionException.class, () ->
            admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(3))).all().get());
        assertInstanceOf(InvalidPartitionsException.class, same.getCause());
        final ExecutionException placed = assertThrows(ExecutionException.class, () ->
            admin.createPartitions(Map.of("growing", NewPartitions.increaseTo(4, List.of(List.of(1))))).all().get());
        assertInstanceOf(InvalidReplicaAssignmentException.class, placed.getCause());
        final ExecutionException missing = assertThrows(ExecutionException.class, () ->
            admin.createPartitions(Map.of("no-such-topic", NewPartitions.increaseTo(2))).all().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, missing.getCause());
    }

    @Test
    void aTopicsRetentionIsChangedAndRestoredAndOtherConfigsAreRefused() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("aging", 1, (short)1).configs(Map.of("retention.ms", "3600000"))))
            .all().get();
        final ConfigResource aging = new ConfigResource(ConfigResource.Type.TOPIC, "aging");
        admin.incrementalAlterConfigs(Map.of(aging, List.of(
            new AlterConfigOp(new ConfigEntry("retention.bytes", "1048576"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.SET)))).all().get();
        Config config = admin.describeConfigs(List.of(aging)).all().get().get(aging);
        assertEquals("1048576", config.get("retention.bytes").value());
        assertEquals("3600000", config.get("retention.ms").value(), "left as it was");

        admin.incrementalAlterConfigs(Map.of(aging, List.of(
            new AlterConfigOp(new ConfigEntry("retention.ms", "-1"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("retention.bytes", ""), AlterConfigOp.OpType.DELETE)))).all().get();
        config = admin.describeConfigs(List.of(aging)).all().get().get(aging);
        assertEquals("-1", config.get("retention.ms").value(), "kept for ever");
        assertEquals("0", config.get("retention.bytes").value(), "back to the node's default");

        for (final AlterConfigOp refused : List.of(
            new AlterConfigOp(new ConfigEntry("segment.bytes", "4096"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "compact"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("cleanup.policy", "delete"), AlterConfigOp.OpType.APPEND),
            new AlterConfigOp(new ConfigEntry("robustmq.durability", "always"), AlterConfigOp.OpType.SET),
            new AlterConfigOp(new ConfigEntry("retention.ms", "soon"), AlterConfigOp.OpType.SET)))
        {
            final ExecutionException failed = assertThrows(ExecutionException.class, () ->
                admin.incrementalAlterConfigs(Map.of(aging, List.of(refused))).all().get());
            assertInstanceOf(InvalidConfigurationException.class, failed.getCause(), refused.toString());
        }
        assertEquals("-1", admin.describeConfigs(List.of(aging)).all().get().get(aging).get("retention.ms").value(),
            "nothing changed by a refused request");

        final ConfigResource missing = new ConfigResource(ConfigResource.Type.TOPIC, "no-such-topic");
        final ExecutionException unknown = assertThrows(ExecutionException.class, () ->
            admin.incrementalAlterConfigs(Map.of(missing, List.of(new AlterConfigOp(
                new ConfigEntry("retention.ms", "1000"), AlterConfigOp.OpType.SET)))).all().get());
        assertInstanceOf(UnknownTopicOrPartitionException.class, unknown.getCause());
        final ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
        final ExecutionException brokerConfigs = assertThrows(ExecutionException.class, () ->
            admin.incrementalAlterConfigs(Map.of(broker, List.of(new AlterConfigOp(
                new ConfigEntry("num.partitions", "3"), AlterConfigOp.OpType.SET)))).all().get());
        assertInstanceOf(InvalidRequestException.class, brokerConfigs.getCause());
    }

    @Test
    void theOlderAlterConfigsReplacesATopicsWholeSet() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("replaced", 1, (short)1).configs(Map.of("retention.ms", "3600000",
            "retention.bytes", "1048576")))).all().get();
        final AlterConfigsRequestData request = new AlterConfigsRequestData();
        final AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
            .setResourceType(ConfigResource.Type.TOPIC.id()).setResourceName("replaced");
        resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("retention.bytes")
            .setValue("2097152"));
        request.resources().add(resource);
        try (RawKafka raw = new RawKafka(node.port()))
        {
            final AlterConfigsResponseData response =
                (AlterConfigsResponseData)raw.exchange(ApiKeys.ALTER_CONFIGS, (short)2, request);
            assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode(),
                response.responses().get(0).errorMessage());
        }
        final ConfigResource replaced = new ConfigResource(ConfigResource.Type.TOPIC, "replaced");
        final Config config = admin.describeConfigs(List.of(replaced)).all().get().get(replaced);
        assertEquals("2097152", config.get("retention.bytes").value());
        assertEquals("0", config.get("retention.ms").value(), "not named: back to the node's default");
    }

    /**
     * With {@code auto_create_topics = false}, a Metadata request that allows creation, and a
     * Produce, for a topic that does not exist get UNKNOWN_TOPIC_OR_PARTITION, and nothing is made.
     */
    @Test
    void aMissingTopicIsNotCreatedWhenAutoCreationIsOff() throws Exception
    {
        try (RawKafka raw = new RawKafka(node.port()))
        {
            final org.apache.kafka.common.message.MetadataResponseData metadata =
                (org.apache.kafka.common.message.MetadataResponseData)raw.exchange(ApiKeys.METADATA, (short)12,
                    new org.apache.kafka.common.message.MetadataRequestData().setAllowAutoTopicCreation(true)
                        .setTopics(List.of(new org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic()
                            .setName("never-made"))));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), metadata.topics().find("never-made").errorCode());
            final org.apache.kafka.common.message.ProduceRequestData produce =
                new org.apache.kafka.common.message.ProduceRequestData().setAcks((short)1).setTimeoutMs(5000);
            final org.apache.kafka.common.message.ProduceRequestData.TopicProduceData topic =
                new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName("never-made");
            topic.partitionData().add(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
                .setIndex(0).setRecords(org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                    org.apache.kafka.common.compress.Compression.NONE,
                    new org.apache.kafka.common.record.internal.SimpleRecord("x".getBytes()))));
            produce.topicData().add(topic);
            final org.apache.kafka.common.message.ProduceResponseData produced =
                (org.apache.kafka.common.message.ProduceResponseData)raw.exchange(ApiKeys.PRODUCE, (short)9, produce);
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                produced.responses().iterator().next().partitionResponses().get(0).errorCode());
        }
        assertTrue(!admin.listTopics().names().get().contains("never-made"), "nothing was created");
    }

    /**
     * {@code segment.bytes} is chosen at creation (1 MiB to 1 GiB), shown by DescribeConfigs, refused
     * when out of range, and changed later: the partition's segments created after the change take
     * the new size, the ones before keep theirs, and every record reads back.
     */
    @Test
    void aTopicsSegmentSizeIsChosenAtCreationAndChangedLater() throws Exception
    {
        admin.createTopics(List.of(new NewTopic("segmented", 1, (short)1).configs(Map.of("segment.bytes", "1048576"))))
            .all().get();
        final ConfigResource segmented = new ConfigResource(ConfigResource.Type.TOPIC, "segmented");
        assertEquals("1048576", admin.describeConfigs(List.of(segmented)).all().get().get(segmented)
            .get("segment.bytes").value());
        final ExecutionException tooSmall = assertThrows(ExecutionException.class, () -> admin.createTopics(List.of(
            new NewTopic("tiny-segments", 1, (short)1).configs(Map.of("segment.bytes", "4096")))).all().get());
        assertInstanceOf(InvalidConfigurationException.class, tooSmall.getCause());

        final int valueBytes = 10_000;
        produce("segmented", 300, valueBytes);
        admin.incrementalAlterConfigs(Map.of(segmented, List.of(new AlterConfigOp(
            new ConfigEntry("segment.bytes", "2097152"), AlterConfigOp.OpType.SET)))).all().get();
        assertEquals("2097152", admin.describeConfigs(List.of(segmented)).all().get().get(segmented)
            .get("segment.bytes").value());
        produce("segmented", 700, valueBytes);

        final List<Long> sizes = segmentSizes("segmented");
        assertEquals(1 << 20, sizes.get(0), "the first segments keep their size: " + sizes);
        assertEquals(2 << 20, sizes.get(sizes.size() - 1), "the newest has the new one: " + sizes);
        assertTrue(sizes.size() >= 5, sizes.toString());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
            "bootstrap.servers", node.bootstrap(),
            "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName(),
            "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName())))
        {
            final TopicPartition partition = new TopicPartition("segmented", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long next = 0;
            final long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while (next < 1000 && System.nanoTime() < deadline)
            {
                for (final org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(java.time.Duration.ofMillis(500)))
                {
                    assertEquals(next, record.offset());
                    assertEquals(next, java.nio.ByteBuffer.wrap(record.value()).getLong(), "record " + next + "'s value");
                    next++;
                }
            }
            assertEquals(1000, next, "every record reads back across segments of both sizes");
        }

        admin.incrementalAlterConfigs(Map.of(segmented, List.of(new AlterConfigOp(
            new ConfigEntry("segment.bytes", null), AlterConfigOp.OpType.DELETE)))).all().get();
        assertEquals("0", admin.describeConfigs(List.of(segmented)).all().get().get(segmented)
            .get("segment.bytes").value(), "back to the node's default");
    }

    /**
     * Send {@code count} more records to partition 0, each value starting with its offset.
     */
    private static void produce(final String topic, final int count, final int valueBytes) throws Exception
    {
        final long first = admin.listOffsets(Map.of(new TopicPartition(topic, 0),
            org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get().get(new TopicPartition(topic, 0)).offset();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            "bootstrap.servers", node.bootstrap(),
            "key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName(),
            "value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName(),
            "max.in.flight.requests.per.connection", "1")))
        {
            for (int i = 0; i < count; i++)
            {
                final byte[] value = new byte[valueBytes];
                java.nio.ByteBuffer.wrap(value).putLong(first + i);
                producer.send(new ProducerRecord<>(topic, 0, null, value));
            }
            producer.flush();
        }
    }

    /**
     * @return the sizes of the segment files of the topic's partition 0, oldest first.
     */
    private static List<Long> segmentSizes(final String topic) throws java.io.IOException
    {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(dir))
        {
            return files.filter(file -> file.getFileName().toString().endsWith(".log") &&
                    file.getParent().getFileName().toString().contains(topic))
                .sorted().map(file -> file.toFile().length()).toList();
        }
    }
}
