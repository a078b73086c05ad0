package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The produce path allocates nothing per record: the broker never looks inside a batch, so what it
 * allocates (the request's parsed message, its futures, the response) is per request and per
 * partition. Measured on the node's own threads (its event loops and the journal's writer), with
 * the producer in the same JVM left out: with batches of about 1,200 records, the heap allocated
 * per record (the requests' share, about 4 bytes) stays below the 16 bytes that the smallest
 * object made per record would add.
 */
class ProduceAllocationTest
{
    private static final int RECORDS = 300_000;
    private static final int RECORD_BYTES = 100;

    @TempDir
    Path dir;

    private static long brokerAllocatedBytes()
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        long total = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet())
        {
            final String name = thread.getName();
            if (name.startsWith("robustmq-io") || name.startsWith("robustmq-journal"))
            {
                total += Math.max(0, threads.getThreadAllocatedBytes(thread.getId()));
            }
        }
        return total;
    }

    private static void produce(final KafkaProducer<byte[], byte[]> producer, final int count)
    {
        final byte[] value = new byte[RECORD_BYTES];
        for (int i = 0; i < count; i++)
        {
            producer.send(new ProducerRecord<>("allocation", 0, null, value));
        }
        producer.flush();
    }

    @Test
    void producingAllocatesNothingPerRecordOnTheBrokersThreads() throws Exception
    {
        // The build runs tests with Netty's paranoid leak detection, which records a stack trace
        // each time a buffer is touched: measured without it, as the node runs.
        final io.netty.util.ResourceLeakDetector.Level level = io.netty.util.ResourceLeakDetector.getLevel();
        io.netty.util.ResourceLeakDetector.setLevel(io.netty.util.ResourceLeakDetector.Level.DISABLED);
        try
        {
            measure();
        }
        finally
        {
            io.netty.util.ResourceLeakDetector.setLevel(level);
        }
    }

    private void measure() throws Exception
    {
        try (KafkaNode node = KafkaNode.start(dir, "");
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024,
                ProducerConfig.LINGER_MS_CONFIG, 20)))
        {
            produce(producer, RECORDS);
            final long before = brokerAllocatedBytes();
            produce(producer, RECORDS);
            final long allocated = brokerAllocatedBytes() - before;
            final double perRecord = (double)allocated / RECORDS;
            System.out.printf("ProduceAllocationTest: %,d bytes on the broker's threads for %,d records: %.2f " +
                "bytes a record%n", allocated, RECORDS, perRecord);
            // About 5 KB a request (its parsed message, futures, the response), over about 1,200
            // records a batch: 4 bytes a record. Any object made per record would add at least 16.
            assertTrue(perRecord < 12, perRecord + " bytes a record: something is allocated per record");
        }
    }
}
