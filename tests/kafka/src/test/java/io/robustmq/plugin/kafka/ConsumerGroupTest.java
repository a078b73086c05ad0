package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumer groups with the official Java client: consumers that subscribe share a topic's
 * partitions, take over a leaving member's, and resume from the offsets the group committed, also
 * after the node restarts. Eager (range) and cooperative-sticky assignors; static membership.
 */
class ConsumerGroupTest
{
    private static final String NODE_CONFIG = """
        [plugins.kafka]
        default_partitions = 4
        group_initial_rebalance_delay_ms = 0
        """;

    @TempDir
    Path dir;

    private static KafkaProducer<String, String> producer(final KafkaNode node)
    {
        final Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(config);
    }

    private static KafkaConsumer<String, String> consumer(final KafkaNode node, final String group,
        final Map<String, Object> extra)
    {
        final Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
        config.putAll(extra);
        return new KafkaConsumer<>(config);
    }

    private static void produce(final KafkaNode node, final String topic, final int from, final int count)
        throws Exception
    {
        try (KafkaProducer<String, String> producer = producer(node))
        {
            for (int i = from; i < from + count; i++)
            {
                producer.send(new ProducerRecord<>(topic, i % 4, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    /**
     * Poll every consumer, round robin, until the condition holds (at most 60 s). A record may come
     * twice: a partition that moves in a rebalance before its records were committed is read again
     * from the last commit (at least once, as with Kafka).
     */
    @SafeVarargs
    private static void pollUntil(final BooleanSupplier done, final Map<String, ConsumerRecord<String, String>> seen,
        final KafkaConsumer<String, String>... consumers)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean())
        {
            assertTrue(System.nanoTime() < deadline, "in time");
            for (final KafkaConsumer<String, String> consumer : consumers)
            {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100)))
                {
                    seen.put(record.value(), record);
                }
            }
        }
    }

    @Test
    void twoConsumersShareTheTopicAndTheSurvivorTakesOverWhenOneLeaves() throws Exception
    {
        try (KafkaNode node = KafkaNode.start(dir, NODE_CONFIG))
        {
            produce(node, "shared", 0, 400);
            final Map<String, ConsumerRecord<String, String>> seen = new HashMap<>();
            try (KafkaConsumer<String, String> first = consumer(node, "g-shared", Map.of());
                KafkaConsumer<String, String> second = consumer(node, "g-shared", Map.of()))
            {
                first.subscribe(List.of("shared"));
                second.subscribe(List.of("shared"));
                pollUntil(() -> seen.size() == 400 && first.assignment().size() + second.assignment().size() == 4 &&
                    !first.assignment().isEmpty() && !second.assignment().isEmpty(), seen, first, second);
                final Set<TopicPartition> both = new HashSet<>(first.assignment());
                both.addAll(second.assignment());
                assertEquals(4, both.size(), "every partition assigned, to one consumer each");
                first.commitSync();
                second.commitSync();
                second.close();
                produce(node, "shared", 400, 40);
                pollUntil(() -> first.assignment().size() == 4 && seen.size() == 440, seen, first);
                first.commitSync();
                final Map<TopicPartition, OffsetAndMetadata> committed = first.committed(first.assignment());
                long total = 0;
                for (final OffsetAndMetadata offset : committed.values())
                {
                    total += offset.offset();
                }
                assertEquals(440, total, "the group committed every record it consumed");
            }
        }
    }

    @Test
    void threeConsumersShareTheTopicAndTheTwoLeftTakeOverWhenOneLeaves() throws Exception
    {
        try (KafkaNode node = KafkaNode.start(dir, NODE_CONFIG.replace("default_partitions = 4",
            "default_partitions = 6")))
        {
            final Map<String, ConsumerRecord<String, String>> seen = new HashMap<>();
            try (KafkaConsumer<String, String> a = consumer(node, "g-three", Map.of());
                KafkaConsumer<String, String> b = consumer(node, "g-three", Map.of());
                KafkaConsumer<String, String> c = consumer(node, "g-three", Map.of()))
            {
                a.subscribe(List.of("three"));
                b.subscribe(List.of("three"));
                c.subscribe(List.of("three"));
                pollUntil(() -> a.assignment().size() == 2 && b.assignment().size() == 2 &&
                    c.assignment().size() == 2, seen, a, b, c);
                c.close();
                pollUntil(() -> a.assignment().size() + b.assignment().size() == 6 && !a.assignment().isEmpty() &&
                    !b.assignment().isEmpty(), seen, a, b);
                final Set<TopicPartition> both = new HashSet<>(a.assignment());
                both.addAll(b.assignment());
                assertEquals(6, both.size(), "every partition of the member that left taken over");
            }
        }
    }

    @Test
    void committedOffsetsSurviveARestartAndAGroupResumesFromThem() throws Exception
    {
        try (KafkaNode node = KafkaNode.start(dir, NODE_CONFIG))
        {
            produce(node, "resume", 0, 100);
            final Map<String, ConsumerRecord<String, String>> seen = new HashMap<>();
            try (KafkaConsumer<String, String> consumer = consumer(node, "g-resume", Map.of()))
            {
                consumer.subscribe(List.of("resume"));
                pollUntil(() -> seen.size() == 100, seen, consumer);
                consumer.commitSync();
            }
        }
        try (KafkaNode node = KafkaNode.start(dir, NODE_CONFIG))
        {
            produce(node, "resume", 100, 20);
            final Map<String, ConsumerRecord<String, String>> seen = new HashMap<>();
            try (KafkaConsumer<String, String> consumer = consumer(node, "g-resume", Map.of()))
            {
                consumer.subscribe(List.of("resume"));
                pollUntil(() -> seen.size() == 20, seen, consumer);
                for (int i = 100; i < 120; i++)
                {
                    assertTrue(seen.containsKey("v" + i), "only the records after the committed offsets: v" + i);
                }
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap())))
            {
                final Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets("g-resume").partitionsToOffsetAndMetadata().get();
                assertEquals(4, offsets.size());
                assertEquals(100, offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum(),
                    "what the first consumer committed (the second committed nothing)");
                assertTrue(admin.listConsumerGroups().all().get().stream()
                    .anyMatch(listing -> listing.groupId().equals("g-resume")));
                final ConsumerGroupDescription description =
                    admin.describeConsumerGroups(List.of("g-resume")).describedGroups().get("g-resume").get();
                assertEquals(GroupState.EMPTY, description.groupState(), "no members now");
                admin.deleteConsumerGroups(List.of("g-resume")).all().get();
                assertTrue(admin.listConsumerGroupOffsets("g-resume").partitionsToOffsetAndMetadata().get().values()
                    .stream().allMatch(offset -> offset == null), "deleted with its offsets");
            }
        }
    }

    @Test
    void cooperativeStickyConsumersShareTheTopic() throws Exception
    {
        try (KafkaNode node = KafkaNode.start(dir, NODE_CONFIG))
        {
            produce(node, "sticky", 0, 200);
            final Map<String, Object> cooperative = Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
            final Map<String, ConsumerRecord<String, String>> seen = new HashMap<>();
            try (KafkaConsumer<String, String> first = consumer(node, "g-sticky", cooperative);
                KafkaConsumer<String, String> second = consumer(node, "g-sticky", cooperative))
            {
                first.subscribe(List.of("sticky"));
                pollUntil(() -> first.assignment().size() == 4, seen, first);
                second.subscribe(List.of("sticky"));
                pollUntil(() -> seen.size() == 200 && first.assignment().size() == 2 &&
                    second.assignment().size() == 2, seen, first, second);
            }
        }
    }

    @Test
    void aStaticMemberThatComesBackGetsItsPartitionsAgain() throws Exception
    {
        try (KafkaNode node = KafkaNode.start(dir, NODE_CONFIG))
        {
            produce(node, "static", 0, 40);
            final Map<String, Object> instance = Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "instance-1");
            Set<TopicPartition> before;
            final Map<String, ConsumerRecord<String, String>> seen = new HashMap<>();
            try (KafkaConsumer<String, String> consumer = consumer(node, "g-static", instance))
            {
                consumer.subscribe(List.of("static"));
                pollUntil(() -> seen.size() == 40, seen, consumer);
                consumer.commitSync();
                before = new HashSet<>(consumer.assignment());
            }
            final Map<String, ConsumerRecord<String, String>> again = new HashMap<>();
            try (KafkaConsumer<String, String> consumer = consumer(node, "g-static", instance))
            {
                consumer.subscribe(List.of("static"));
                pollUntil(() -> !consumer.assignment().isEmpty(), again, consumer);
                assertEquals(before, consumer.assignment());
                assertFalse(again.size() > 0, "nothing read again: it resumed from the committed offsets");
            }
        }
    }
}
