package io.robustmq.bench.mqtt;

import org.HdrHistogram.Histogram;

/**
 * What one workload measured against one broker, over the measured window.
 *
 * @param spec            the workload.
 * @param broker          the broker's name.
 * @param windowNs        the measured window's length.
 * @param sent            messages whose (intended) send time fell in the window and were sent.
 * @param delivered       messages received by subscribers during the window.
 * @param latencyUs       latency in microseconds, from intended send time to receipt, of messages
 *                        intended to be sent in the window.
 * @param brokerCpuNs     CPU time (user and system) the broker's process used in the window; -1 unknown.
 * @param expectedTotal   deliveries due for every message sent in the whole run (warm-up included).
 * @param receivedTotal   deliveries received in the whole run, after the drain.
 * @param closed          connections the broker closed before the run ended.
 */
record MqttLoadResult(
    MqttLoadSpec spec,
    String broker,
    long windowNs,
    long sent,
    long delivered,
    Histogram latencyUs,
    long brokerCpuNs,
    long expectedTotal,
    long receivedTotal,
    int closed)
{
    /**
     * @return the share of due deliveries that never arrived (0 to 1).
     */
    double lostFraction()
    {
        return expectedTotal == 0 ? 0 : Math.max(0, expectedTotal - receivedTotal) / (double)expectedTotal;
    }

    /**
     * @return messages sent per second.
     */
    double sentPerSecond()
    {
        return sent * 1e9 / windowNs;
    }

    /**
     * @return messages delivered to subscribers per second.
     */
    double deliveredPerSecond()
    {
        return delivered * 1e9 / windowNs;
    }

    /**
     * @return the broker's CPU use in cores (1.0: one core busy all window); NaN if unknown.
     */
    double brokerCores()
    {
        return brokerCpuNs < 0 ? Double.NaN : (double)brokerCpuNs / windowNs;
    }

    /**
     * @return deliveries per CPU-second of the broker; NaN if unknown.
     */
    double deliveriesPerCpuSecond()
    {
        return brokerCpuNs <= 0 ? Double.NaN : delivered * 1e9 / brokerCpuNs;
    }
}
