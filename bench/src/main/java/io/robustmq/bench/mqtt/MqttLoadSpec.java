package io.robustmq.bench.mqtt;

/**
 * One MQTT workload: who publishes, who subscribes, how fast and for how long.
 * <p>
 * Publisher {@code i} publishes on topic {@code <prefix>/i} and subscriber {@code i} subscribes to
 * it (distinct topics per pair), unless {@code sharedTopic}: then every subscriber subscribes to
 * the one topic of publisher 0 (fan-out). Publishing is open-loop at {@code ratePerSecond} in total
 * when it is positive (each message's latency runs from its intended send time, so a stalled broker
 * is charged for every message it held up, not just the first); when it is 0 publishers send as fast
 * as the broker takes: QoS 0 while the connection is writable, QoS 1 while fewer than
 * {@code maxInflight} messages await their PUBACK.
 *
 * @param name          the workload's name in the report.
 * @param publishers    publisher connections.
 * @param subscribers   subscriber connections.
 * @param sharedTopic   every subscriber on publisher 0's topic (needs one publisher).
 * @param qos           0 or 1, for publishing and subscribing.
 * @param payloadBytes  payload size, at least {@link LoadPayloadDescriptor#MIN_LENGTH}.
 * @param ratePerSecond messages per second over all publishers; 0: as fast as possible.
 * @param maxInflight   QoS 1 messages a publisher may have unacknowledged.
 * @param warmupMs      publishing before the measured window.
 * @param measureMs     the measured window.
 */
record MqttLoadSpec(
    String name,
    int publishers,
    int subscribers,
    boolean sharedTopic,
    int qos,
    int payloadBytes,
    long ratePerSecond,
    int maxInflight,
    long warmupMs,
    long measureMs)
{
    /**
     * Validates the arguments.
     */
    MqttLoadSpec
    {
        if (publishers < 1 || subscribers < 1)
        {
            throw new IllegalArgumentException("publishers and subscribers must be at least 1");
        }
        if (sharedTopic ? publishers != 1 : publishers != subscribers)
        {
            throw new IllegalArgumentException("pairs need as many subscribers as publishers; fan-out one publisher");
        }
        if (qos < 0 || qos > 1)
        {
            throw new IllegalArgumentException("qos must be 0 or 1: " + qos);
        }
        if (payloadBytes < LoadPayloadDescriptor.MIN_LENGTH)
        {
            throw new IllegalArgumentException("payload must be at least " + LoadPayloadDescriptor.MIN_LENGTH + " bytes");
        }
        if (ratePerSecond < 0 || maxInflight < 1 || maxInflight > 65_535 || warmupMs < 0 || measureMs < 1)
        {
            throw new IllegalArgumentException("bad rate, in-flight limit or duration");
        }
    }

    /**
     * @return true if publishing is open-loop at a fixed rate.
     */
    boolean fixedRate()
    {
        return ratePerSecond > 0;
    }
}
