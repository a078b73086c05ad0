package io.robustmq.bench.kafka;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An open-loop end-to-end latency probe: a kafka-clients producer sends records at a fixed rate to one
 * partition, and a consumer in the same JVM (assigned the partition, no group) reads them. Each
 * record's value starts with its <em>intended</em> send time ({@link System#nanoTime()}): record
 * {@code i} is due at {@code start + i / rate}; a producer that falls behind sends what is due at once,
 * and the wait counts. Latency is measured from that intended time to the record's arrival at the
 * consumer (the end of the {@code poll} that returned it), so a stall of the producer, the broker or
 * the consumer is charged to every record it delays (no coordinated omission). Records due during the
 * warm-up are not recorded.
 * <p>
 * Threads: the caller's thread paces and sends; one consumer thread ({@code e2e-consumer}), stopped
 * before {@link #run} returns.
 */
final class EndToEndProbe
{
    /** Bytes at the start of a record's value: its intended send time, {@link System#nanoTime()}. */
    private static final int TIME_OFFSET = 0;
    private static final long HIGHEST_TRACKABLE_US = TimeUnit.MINUTES.toMicros(2);
    private static final long DRAIN_TIMEOUT_MS = 10_000;

    /**
     * The probe's parameters.
     *
     * @param name        the workload's name.
     * @param ratePerSec  records per second, in all.
     * @param recordBytes the size of each record's value (at least 8).
     * @param warmupMs    sent first, not recorded.
     * @param measureMs   sent and recorded after the warm-up.
     * @param acks        the producer's {@code acks}: {@code 1} or {@code all}.
     */
    record Spec(String name, int ratePerSec, int recordBytes, long warmupMs, long measureMs, String acks)
    {
    }

    /**
     * What the probe measured.
     *
     * @param spec      the probe.
     * @param broker    the broker's name.
     * @param latencyUs intended send time to arrival, microseconds (measured records only).
     * @param sent      records sent (warm-up included).
     * @param received  records received (warm-up included).
     * @param errors    sends that failed.
     * @param firstError the first send or consumer error, or null.
     */
    record Result(Spec spec, String broker, Histogram latencyUs, long sent, long received, long errors, String firstError)
    {
        long lost()
        {
            return sent - received;
        }
    }

    private EndToEndProbe()
    {
    }

    /**
     * Run the probe once.
     *
     * @param spec      the probe.
     * @param broker    the broker's name.
     * @param bootstrap the broker's address.
     * @param topic     the topic (created before, one partition, empty).
     * @return what it measured.
     * @throws InterruptedException if interrupted.
     */
    static Result run(final Spec spec, final String broker, final String bootstrap, final String topic) throws InterruptedException
    {
        final TopicPartition partition = new TopicPartition(topic, 0);
        final Histogram histogram = new Histogram(HIGHEST_TRACKABLE_US, 3);
        final AtomicLong received = new AtomicLong();
        final AtomicLong errors = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / spec.ratePerSec();
        final long total = (spec.warmupMs() + spec.measureMs()) * spec.ratePerSec() / 1_000;
        final long warmupRecords = spec.warmupMs() * spec.ratePerSec() / 1_000;
        final Map<String, Object> consumerConfig = Map.of(
            "bootstrap.servers", bootstrap,
            "key.deserializer", ByteArrayDeserializer.class.getName(),
            "value.deserializer", ByteArrayDeserializer.class.getName(),
            "enable.auto.commit", "false",
            "fetch.min.bytes", "1",
            "fetch.max.wait.ms", "500",
            "client.id", "bench-e2e-consumer");
        final Map<String, Object> producerConfig = Map.of(
            "bootstrap.servers", bootstrap,
            "key.serializer", ByteArraySerializer.class.getName(),
            "value.serializer", ByteArraySerializer.class.getName(),
            "acks", spec.acks(),
            "linger.ms", "0",
            "client.id", "bench-e2e-producer");

        final Thread consumerThread;
        final long startNs;
        long sent = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig);
            KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig))
        {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            consumer.position(partition);
            // Connect and fetch metadata before the clock starts.
            producer.partitionsFor(topic);

            final AtomicLong expected = new AtomicLong(Long.MAX_VALUE);
            final AtomicLong drainDeadline = new AtomicLong(Long.MAX_VALUE);
            consumerThread = new Thread(() ->
            {
                try
                {
                    long count = 0;
                    while (count < expected.get() && System.nanoTime() < drainDeadline.get() && !Thread.currentThread().isInterrupted())
                    {
                        final var records = consumer.poll(Duration.ofMillis(100));
                        final long arrivedNs = System.nanoTime();
                        for (final ConsumerRecord<byte[], byte[]> record : records)
                        {
                            final long intendedNs = ByteBuffer.wrap(record.value()).getLong(TIME_OFFSET);
                            if (count >= warmupRecords)
                            {
                                histogram.recordValue(Math.min(HIGHEST_TRACKABLE_US, Math.max(0, (arrivedNs - intendedNs) / 1_000)));
                            }
                            count++;
                        }
                        received.set(count);
                    }
                }
                catch (final InterruptException | WakeupException ex)
                {
                    Thread.currentThread().interrupt();
                }
                catch (final RuntimeException ex)
                {
                    firstError.compareAndSet(null, "consumer: " + ex);
                }
            }, "e2e-consumer");
            consumerThread.start();

            final byte[] value = new byte[spec.recordBytes()];
            startNs = System.nanoTime();
            try
            {
                for (; sent < total; sent++)
                {
                    final long intendedNs = startNs + sent * intervalNs;
                    long now = System.nanoTime();
                    while (now < intendedNs)
                    {
                        LockSupport.parkNanos(intendedNs - now);
                        now = System.nanoTime();
                    }
                    final byte[] copy = value.clone();
                    ByteBuffer.wrap(copy).putLong(TIME_OFFSET, intendedNs);
                    producer.send(new ProducerRecord<>(topic, 0, null, copy), (metadata, exception) ->
                    {
                        if (exception != null)
                        {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, exception.toString());
                        }
                    });
                    if (Thread.currentThread().isInterrupted())
                    {
                        throw new InterruptedException("end-to-end probe interrupted");
                    }
                }
                producer.flush();
            }
            finally
            {
                drainDeadline.set(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_TIMEOUT_MS));
                expected.set(sent - errors.get());
                consumerThread.join(DRAIN_TIMEOUT_MS + 2_000);
                if (consumerThread.isAlive())
                {
                    consumer.wakeup();
                    consumerThread.interrupt();
                    consumerThread.join();
                }
            }
        }
        return new Result(spec, broker, histogram, sent, received.get(), errors.get(), firstError.get());
    }
}
