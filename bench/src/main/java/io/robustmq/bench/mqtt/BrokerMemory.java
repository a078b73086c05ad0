package io.robustmq.bench.mqtt;

/**
 * A broker process's memory at one moment. Each figure is -1 when unknown (heap and direct memory
 * for a broker that is not a JVM, or when the broker did not answer).
 *
 * @param rssBytes        its resident set ({@code VmRSS}), heap, direct memory, code and mapped
 *                        files it touched together.
 * @param heapUsedBytes   a JVM's heap in use, garbage not yet collected included (the sum of
 *                        {@code MemoryPoolMXBean} usage of the heap pools, as Micrometer's
 *                        {@code jvm_memory_used_bytes{area="heap"}}).
 * @param directUsedBytes a JVM's direct buffers ({@code BufferPoolMXBean} "direct", as Micrometer's
 *                        {@code jvm_buffer_memory_used_bytes{id="direct"}}); direct memory that
 *                        Netty allocates without a {@code Cleaner} is not in it.
 */
record BrokerMemory(long rssBytes, long heapUsedBytes, long directUsedBytes)
{
    /** Nothing known. */
    static final BrokerMemory UNKNOWN = new BrokerMemory(-1, -1, -1);

    /**
     * @param rssBytes the resident set.
     * @return a copy with the resident set replaced.
     */
    BrokerMemory withRss(final long rssBytes)
    {
        return new BrokerMemory(rssBytes, heapUsedBytes, directUsedBytes);
    }
}
