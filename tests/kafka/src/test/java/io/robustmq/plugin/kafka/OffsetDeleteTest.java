package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DeleteConsumerGroupOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * OffsetDelete with the Admin client ({@code deleteConsumerGroupOffsets}): a group without members
 * loses the offsets named, and then is gone once it has none; a group whose consumers subscribe to a
 * topic keeps that topic's offsets and loses the others'.
 */
class OffsetDeleteTest
{
    private static final String READ = "od-read";
    private static final String OTHER = "od-other";

    @TempDir
    static Path dir;
    private static KafkaNode node;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, "[plugins.kafka]\ngroup_initial_rebalance_delay_ms = 0\n");
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap()));
        admin.createTopics(List.of(new NewTopic(READ, 2, (short)1), new NewTopic(OTHER, 1, (short)1))).all().get();
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

    private static KafkaConsumer<String, String> consumer(final String group)
    {
        final Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        return new KafkaConsumer<>(config);
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(final String group) throws Exception
    {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    private static Throwable failure(final KafkaFuture<?> future)
    {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    @Test
    void aGroupWithoutMembersLosesTheOffsetsNamedAndIsGoneWithTheLast() throws Exception
    {
        final TopicPartition first = new TopicPartition(READ, 0);
        final TopicPartition second = new TopicPartition(READ, 1);
        try (KafkaConsumer<String, String> consumer = consumer("od-empty"))
        {
            consumer.assign(List.of(first, second));
            consumer.commitSync(Map.of(first, new OffsetAndMetadata(1), second, new OffsetAndMetadata(2)));
        }
        assertEquals(Map.of(first, new OffsetAndMetadata(1), second, new OffsetAndMetadata(2)), committed("od-empty"));

        admin.deleteConsumerGroupOffsets("od-empty", Set.of(first)).all().get();
        assertEquals(Map.of(second, new OffsetAndMetadata(2)), committed("od-empty"));

        final TopicPartition missing = new TopicPartition(READ, 7);
        final DeleteConsumerGroupOffsetsResult partly = admin.deleteConsumerGroupOffsets("od-empty", Set.of(missing));
        assertInstanceOf(UnknownTopicOrPartitionException.class, failure(partly.partitionResult(missing)));

        admin.deleteConsumerGroupOffsets("od-empty", Set.of(second)).all().get();
        assertEquals(Map.of(), committed("od-empty"));
        assertInstanceOf(GroupIdNotFoundException.class,
            failure(admin.deleteConsumerGroupOffsets("od-empty", Set.of(second)).all()),
            "with neither members nor offsets the group is not found");
        assertInstanceOf(GroupIdNotFoundException.class,
            failure(admin.deleteConsumerGroupOffsets("od-never", Set.of(second)).all()));
    }

    @Test
    void anActiveGroupKeepsTheOffsetsOfTheTopicsItSubscribesTo() throws Exception
    {
        final TopicPartition subscribed = new TopicPartition(READ, 0);
        final TopicPartition notSubscribed = new TopicPartition(OTHER, 0);
        try (KafkaConsumer<String, String> consumer = consumer("od-active"))
        {
            consumer.subscribe(List.of(READ));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.assignment().size() < 2)
            {
                assertTrue(System.nanoTime() < deadline, "both partitions assigned in time");
                consumer.poll(Duration.ofMillis(100));
            }
            consumer.commitSync(Map.of(subscribed, new OffsetAndMetadata(3), notSubscribed, new OffsetAndMetadata(4)));

            final DeleteConsumerGroupOffsetsResult result = admin.deleteConsumerGroupOffsets("od-active",
                Set.of(subscribed, notSubscribed));
            assertInstanceOf(GroupSubscribedToTopicException.class, failure(result.partitionResult(subscribed)));
            result.partitionResult(notSubscribed).get();

            final Map<TopicPartition, OffsetAndMetadata> left = consumer.committed(Set.of(subscribed, notSubscribed));
            assertEquals(new OffsetAndMetadata(3), left.get(subscribed));
            assertNull(left.get(notSubscribed), "deleted while the group was active: no consumer reads it");
        }
    }
}
