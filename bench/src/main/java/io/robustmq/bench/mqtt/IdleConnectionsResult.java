package io.robustmq.bench.mqtt;

/**
 * What the idle-connections workload measured against one broker. The counts are taken after the
 * settle that follows the last answer, when the memory is read.
 *
 * @param spec                the workload, with the connection count that was attempted.
 * @param broker              the broker's name.
 * @param sourceAddresses     the local addresses the connections were spread over (127.0.0.2 on).
 * @param attempted           connections attempted (fewer than {@code spec.connections()} if the broker
 *                            stopped answering).
 * @param accepted            connections the broker accepted (CONNACK 0).
 * @param refused             connections it refused (another CONNACK code).
 * @param connectFailed       TCP connections that could not be made.
 * @param closedBeforeConnAck connections it closed before a CONNACK.
 * @param closedAfterConnAck  accepted connections it closed before the memory was read.
 * @param openNs              from the first connection attempt until every one was answered (or
 *                            the wait for answers gave up).
 * @param before              the broker's memory after a settle, before the first connection.
 * @param after               its memory after the settle that followed the last answer.
 * @param idleCpuNs           the broker's CPU time during the settle before the first connection;
 *                            -1 unknown.
 * @param restCpuNs           its CPU time during the settle after the last answer; -1 unknown.
 * @param settleNs            the length of each settle.
 */
record IdleConnectionsResult(
    IdleConnectionSpec spec,
    String broker,
    int sourceAddresses,
    int attempted,
    int accepted,
    int refused,
    int connectFailed,
    int closedBeforeConnAck,
    int closedAfterConnAck,
    long openNs,
    BrokerMemory before,
    BrokerMemory after,
    long idleCpuNs,
    long restCpuNs,
    long settleNs)
{
    /**
     * @return connections accepted and still open when the memory was read.
     */
    int open()
    {
        return accepted - closedAfterConnAck;
    }

    /**
     * @return connections attempted that got no answer at all (neither CONNACK nor close).
     */
    int unanswered()
    {
        return attempted - accepted - refused - connectFailed - closedBeforeConnAck;
    }

    /**
     * @return true if every connection asked for was accepted and stayed open.
     */
    boolean complete()
    {
        return open() == spec.connections();
    }

    /**
     * @return the broker's resident set growth per open connection, bytes; NaN if unknown.
     */
    double rssPerConnection()
    {
        return perConnection(before.rssBytes(), after.rssBytes());
    }

    /**
     * @return its heap-in-use growth per open connection, bytes; NaN if unknown.
     */
    double heapPerConnection()
    {
        return perConnection(before.heapUsedBytes(), after.heapUsedBytes());
    }

    /**
     * @return its direct-buffer growth per open connection, bytes; NaN if unknown.
     */
    double directPerConnection()
    {
        return perConnection(before.directUsedBytes(), after.directUsedBytes());
    }

    /**
     * @return the broker's CPU use at rest before the connections, cores; NaN if unknown.
     */
    double idleCores()
    {
        return idleCpuNs < 0 || settleNs <= 0 ? Double.NaN : (double)idleCpuNs / settleNs;
    }

    /**
     * @return the broker's CPU use at rest with the connections open, cores; NaN if unknown.
     */
    double restCores()
    {
        return restCpuNs < 0 || settleNs <= 0 ? Double.NaN : (double)restCpuNs / settleNs;
    }

    /**
     * @return connections answered per second while opening them.
     */
    double connectsPerSecond()
    {
        return openNs <= 0 ? Double.NaN : (attempted - unanswered()) * 1e9 / openNs;
    }

    private double perConnection(final long from, final long to)
    {
        return from < 0 || to < 0 || open() <= 0 ? Double.NaN : (double)(to - from) / open();
    }
}
