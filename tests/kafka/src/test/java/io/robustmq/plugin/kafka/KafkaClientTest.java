package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The official Java client (kafka-clients) against a node started here: a producer and a consumer
 * as an application would use them, unmodified.
 */
class KafkaClientTest
{
    @TempDir
    static Path dir;
    private static KafkaNode node;

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, "");
    }

    @AfterAll
    static void stop()
    {
        if (node != null)
        {
            node.close();
        }
    }

    private static KafkaProducer<String, String> producer(final Map<String, Object> extra)
    {
        final Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    private static KafkaConsumer<String, String> consumer()
    {
        final Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config);
    }

    /**
     * Read from the start of a partition until {@code count} records came (or 30 s passed).
     */
    private static List<ConsumerRecord<String, String>> readFromStart(final TopicPartition partition, final int count)
    {
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer())
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < count && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @Test
    void anIdempotentProducerWritesAndAConsumerReadsBackEveryRecordInOrder() throws Exception
    {
        final TopicPartition partition = new TopicPartition("orders", 0);
        final List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer(Map.of()))
        {
            final List<PartitionInfo> partitions = producer.partitionsFor("orders");
            assertEquals(1, partitions.size(), "created with the default partitions");
            assertNotNull(partitions.get(0).leader(), "with a leader");
            for (int i = 0; i < 500; i++)
            {
                sent.add(producer.send(new ProducerRecord<>("orders", 0, "key-" + i, "value-" + i)));
            }
            producer.flush();
        }
        for (int i = 0; i < sent.size(); i++)
        {
            assertEquals(i, sent.get(i).get().offset(), "dense offsets from 0 in send order");
        }
        final List<ConsumerRecord<String, String>> records = readFromStart(partition, 500);
        assertEquals(500, records.size());
        for (int i = 0; i < records.size(); i++)
        {
            assertEquals(i, records.get(i).offset());
            assertEquals("key-" + i, records.get(i).key());
            assertEquals("value-" + i, records.get(i).value());
        }
    }

    /**
     * A consumer positioned past the end of a partition gets OFFSET_OUT_OF_RANGE: with
     * {@code auto.offset.reset=none} kafka-clients throws it; with {@code earliest} it starts again
     * from the first record.
     */
    @Test
    void aFetchPastTheEndIsOffsetOutOfRange() throws Exception
    {
        final TopicPartition partition = new TopicPartition("short", 0);
        try (KafkaProducer<String, String> producer = producer(Map.of()))
        {
            for (int i = 0; i < 3; i++)
            {
                producer.send(new ProducerRecord<>("short", 0, null, "r" + i)).get();
            }
        }
        final Properties strict = new Properties();
        strict.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap());
        strict.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        strict.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        strict.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(strict))
        {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 1000);
            final org.apache.kafka.clients.consumer.OffsetOutOfRangeException outOfRange = org.junit.jupiter.api.Assertions
                .assertThrows(org.apache.kafka.clients.consumer.OffsetOutOfRangeException.class, () ->
                {
                    final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (System.nanoTime() < deadline)
                    {
                        consumer.poll(Duration.ofMillis(200));
                    }
                });
            assertEquals(1000L, outOfRange.offsetOutOfRangePartitions().get(partition));
        }
        strict.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(strict))
        {
            consumer.assign(List.of(partition));
            consumer.seek(partition, 1000);
            final List<String> values = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (values.size() < 3 && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
            assertEquals(List.of("r0", "r1", "r2"), values, "reset to the earliest");
        }
    }

    /**
     * {@code /metrics}: each API's requests and answer times, the error codes answers carry, and each
     * partition's bytes in and out.
     */
    @Test
    void requestsErrorsAndEachPartitionsBytesAreOnTheMetricsPage() throws Exception
    {
        final TopicPartition partition = new TopicPartition("metered", 0);
        try (KafkaProducer<String, String> producer = producer(Map.of()))
        {
            producer.send(new ProducerRecord<>("metered", 0, "k", "v".repeat(1000))).get();
        }
        assertEquals(1, readFromStart(partition, 1).size());
        // A Produce for a partition the topic does not have: one UNKNOWN_TOPIC_OR_PARTITION.
        try (RawKafka raw = new RawKafka(node.port()))
        {
            final org.apache.kafka.common.message.ProduceRequestData produce =
                new org.apache.kafka.common.message.ProduceRequestData().setAcks((short)1).setTimeoutMs(5000);
            final org.apache.kafka.common.message.ProduceRequestData.TopicProduceData topic =
                new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName("metered");
            topic.partitionData().add(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
                .setIndex(7).setRecords(org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                    org.apache.kafka.common.compress.Compression.NONE,
                    new org.apache.kafka.common.record.internal.SimpleRecord("x".getBytes()))));
            produce.topicData().add(topic);
            raw.exchange(org.apache.kafka.common.protocol.ApiKeys.PRODUCE, (short)9, produce);
        }
        final String metrics = node.node().get("/metrics").body();
        assertTrue(metric(metrics, "robustmq_kafka_request_seconds_count{api=\"produce\"") >= 2, "produce requests");
        assertTrue(metric(metrics, "robustmq_kafka_request_seconds_count{api=\"fetch\"") >= 1, "fetch requests");
        assertTrue(metric(metrics, "robustmq_kafka_request_seconds_bucket{api=\"produce\",node=\"1\",le=\"10.0\"") >= 2,
            "a latency histogram");
        assertEquals(1, metric(metrics,
            "robustmq_kafka_request_errors_total{api=\"produce\",error=\"UNKNOWN_TOPIC_OR_PARTITION\","));
        assertTrue(metric(metrics,
            "robustmq_kafka_partition_bytes_in_total{node=\"1\",partition=\"0\",topic=\"metered\"}") > 1000, "bytes in");
        assertTrue(metric(metrics,
            "robustmq_kafka_partition_bytes_out_total{node=\"1\",partition=\"0\",topic=\"metered\"}") > 1000, "bytes out");
    }

    /**
     * @return the value of the first sample whose line starts with {@code prefix}, or -1.
     */
    private static double metric(final String page, final String prefix)
    {
        for (final String line : page.split("\n"))
        {
            if (line.startsWith(prefix))
            {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }

    /**
     * A Fetch that waits (60 s at most, for 1 byte) is answered when a record arrives, woken by the
     * partition's tail: the raw connection's 10 s read timeout fails the test if the answer only
     * comes when the wait runs out.
     */
    @Test
    void aWaitingFetchIsAnsweredWhenARecordArrivesNotWhenItsWaitRunsOut() throws Exception
    {
        try (KafkaProducer<String, String> producer = producer(Map.of());
            RawKafka fetcher = new RawKafka(node.port()))
        {
            producer.partitionsFor("woken");
            final org.apache.kafka.common.message.FetchRequestData fetch = new org.apache.kafka.common.message.FetchRequestData()
                .setReplicaId(-1).setMaxWaitMs(60_000).setMinBytes(1).setMaxBytes(1 << 20);
            final org.apache.kafka.common.message.FetchRequestData.FetchTopic topic =
                new org.apache.kafka.common.message.FetchRequestData.FetchTopic().setTopic("woken");
            topic.partitions().add(new org.apache.kafka.common.message.FetchRequestData.FetchPartition().setPartition(0)
                .setFetchOffset(0).setPartitionMaxBytes(1 << 20));
            fetch.topics().add(topic);
            final short version = 12;
            fetcher.send(org.apache.kafka.common.protocol.ApiKeys.FETCH, version, fetch);
            producer.send(new ProducerRecord<>("woken", "wake up")).get();
            final org.apache.kafka.common.message.FetchResponseData answer =
                (org.apache.kafka.common.message.FetchResponseData)fetcher.receive(
                    org.apache.kafka.common.protocol.ApiKeys.FETCH, version);
            assertTrue(answer.responses().get(0).partitions().get(0).records().sizeInBytes() > 0,
                "the record that woke it");
        }
    }

    @Test
    void keysHeadersAndTimestampsComeBackAsSent() throws Exception
    {
        final TopicPartition partition = new TopicPartition("headers", 0);
        try (KafkaProducer<String, String> producer = producer(Map.of()))
        {
            final ProducerRecord<String, String> record = new ProducerRecord<>("headers", 0, 1_700_000_000_000L,
                "the-key", "the-value");
            record.headers().add("trace", new byte[]{1, 2, 3}).add("empty", new byte[0]).add("trace", new byte[]{4});
            producer.send(record).get();
            producer.send(new ProducerRecord<>("headers", 0, null, "no key")).get();
        }
        final List<ConsumerRecord<String, String>> records = readFromStart(partition, 2);
        assertEquals(2, records.size());
        final ConsumerRecord<String, String> first = records.get(0);
        assertEquals("the-key", first.key());
        assertEquals(1_700_000_000_000L, first.timestamp());
        final List<org.apache.kafka.common.header.Header> headers = List.of(first.headers().toArray());
        assertEquals(3, headers.size(), "every header, repeated keys too");
        assertEquals("trace", headers.get(0).key());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[]{1, 2, 3}, headers.get(0).value());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[0], headers.get(1).value());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[]{4}, headers.get(2).value());
        assertEquals(null, records.get(1).key());
        assertEquals("no key", records.get(1).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "1", "all"})
    void everyAcksSettingStoresTheRecords(final String acks) throws Exception
    {
        final String topic = "acks-" + ("all".equals(acks) ? "all" : acks);
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.ACKS_CONFIG, acks,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "all".equals(acks))))
        {
            for (int i = 0; i < 100; i++)
            {
                producer.send(new ProducerRecord<>(topic, "v" + i));
            }
            producer.flush();
        }
        final List<ConsumerRecord<String, String>> records = readFromStart(new TopicPartition(topic, 0), 100);
        assertEquals(100, records.size());
        assertEquals("v99", records.get(99).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {"gzip", "snappy", "lz4", "zstd"})
    void compressedBatchesAreStoredAndServedAsSent(final String compression) throws Exception
    {
        final String topic = "compressed-" + compression;
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.COMPRESSION_TYPE_CONFIG,
            compression, ProducerConfig.LINGER_MS_CONFIG, 20)))
        {
            for (int i = 0; i < 200; i++)
            {
                producer.send(new ProducerRecord<>(topic, "record " + i + " of a batch worth compressing"));
            }
            producer.flush();
        }
        final List<ConsumerRecord<String, String>> records = readFromStart(new TopicPartition(topic, 0), 200);
        assertEquals(200, records.size());
        for (int i = 0; i < records.size(); i++)
        {
            assertEquals("record " + i + " of a batch worth compressing", records.get(i).value());
        }
    }

    @Test
    void offsetsAreListedByPositionAndByTimestamp() throws Exception
    {
        final String topic = "timed";
        final long start = System.currentTimeMillis();
        try (KafkaProducer<String, String> producer = producer(Map.of()))
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(new ProducerRecord<>(topic, 0, start + i * 1000L, null, "at " + i)).get();
            }
        }
        final TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = consumer())
        {
            assertEquals(0L, consumer.beginningOffsets(List.of(partition)).get(partition));
            assertEquals(10L, consumer.endOffsets(List.of(partition)).get(partition));
            final OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, start + 4500L)).get(partition);
            assertEquals(5L, found.offset(), "the first record at or after the time (one record per batch here)");
            assertEquals(start + 5000L, found.timestamp());
            final Map<TopicPartition, OffsetAndTimestamp> none =
                consumer.offsetsForTimes(Map.of(partition, start + 60_000L));
            assertEquals(null, none.get(partition), "no record that late");
        }
    }

    @Test
    void aConsumerWaitingOnAnEmptyPartitionGetsTheRecordProducedMeanwhile() throws Exception
    {
        final String topic = "waiting";
        final TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaProducer<String, String> producer = producer(Map.of());
            KafkaConsumer<String, String> consumer = consumer())
        {
            producer.partitionsFor(topic);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            assertTrue(consumer.poll(Duration.ofMillis(300)).isEmpty(), "nothing there yet");
            producer.send(new ProducerRecord<>(topic, "late")).get();
            final List<ConsumerRecord<String, String>> got = new ArrayList<>();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.isEmpty() && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofSeconds(5)).forEach(got::add);
            }
            assertEquals(1, got.size());
            assertEquals("late", got.get(0).value());
        }
    }
}
