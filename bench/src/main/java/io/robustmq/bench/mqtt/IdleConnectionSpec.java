package io.robustmq.bench.mqtt;

/**
 * The idle-connections workload: open {@code connections} MQTT 3.1.1 connections (clean session,
 * the given keep-alive) that then send nothing but PINGREQ once per half keep-alive, and measure
 * the broker's memory before and after them.
 *
 * @param name        the workload's name in the report.
 * @param connections connections to open (the suite may lower it to fit the open-file limits).
 * @param keepAliveS  keep-alive in CONNECT, seconds.
 * @param settleMs    quiet time before the first memory reading and after the last CONNACK.
 */
record IdleConnectionSpec(String name, int connections, int keepAliveS, long settleMs)
{
    /**
     * Validates the arguments.
     */
    IdleConnectionSpec
    {
        if (connections < 1 || keepAliveS < 2 || keepAliveS > 65_535 || settleMs < 0)
        {
            throw new IllegalArgumentException("bad connection count, keep-alive or settle time");
        }
    }

    /**
     * @param count connections to open instead.
     * @return a copy that opens {@code count}.
     */
    IdleConnectionSpec withConnections(final int count)
    {
        return new IdleConnectionSpec(name, count, keepAliveS, settleMs);
    }
}
