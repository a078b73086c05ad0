package io.robustmq.plugin.kafka.partition;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One partition's bytes in and out, on {@code /metrics} as {@code robustmq_kafka_partition_bytes_in_total}
 * and {@code robustmq_kafka_partition_bytes_out_total}, tagged with the topic and partition, while
 * the partition is open on this node: removed from the registry when it is forgotten.
 */
public final class PartitionTraffic implements AutoCloseable
{
    private final MeterRegistry registry;
    private final Counter bytesIn;
    private final Counter bytesOut;

    PartitionTraffic(final MeterRegistry registry, final String topic, final int partition)
    {
        this.registry = registry;
        final String index = Integer.toString(partition);
        this.bytesIn = Counter.builder("robustmq.kafka.partition.bytes.in")
            .description("Bytes of record batches stored by Produce, per partition")
            .tag("topic", topic).tag("partition", index).register(registry);
        this.bytesOut = Counter.builder("robustmq.kafka.partition.bytes.out")
            .description("Bytes of record batches sent to consumers by Fetch, per partition")
            .tag("topic", topic).tag("partition", index).register(registry);
    }

    /**
     * @param bytes a batch's size, once stored.
     */
    public void in(final long bytes)
    {
        bytesIn.increment(bytes);
    }

    /**
     * @param bytes what a Fetch answer carries of the partition.
     */
    public void out(final long bytes)
    {
        bytesOut.increment(bytes);
    }

    @Override
    public void close()
    {
        registry.remove(bytesIn);
        registry.remove(bytesOut);
    }
}
