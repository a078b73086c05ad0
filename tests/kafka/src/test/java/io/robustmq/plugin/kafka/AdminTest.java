package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
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
 * Kafka's Admin client: topics created (with configs), described, their records deleted up to an
 * offset, and deleted; the cluster and configs described; wrong requests refused with Kafka's
 * exceptions.
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
}
