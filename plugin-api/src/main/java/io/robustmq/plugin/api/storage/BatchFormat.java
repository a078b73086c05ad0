package io.robustmq.plugin.api.storage;

/**
 * Format tags of stored batches: who wrote the payload, and so who can read it as it is. A reader
 * of another format converts on the way out.
 */
public final class BatchFormat
{
    /** Opaque bytes, one record per batch. */
    public static final int RAW = 0;
    /** A Kafka record batch, stored as the client sent it. */
    public static final int KAFKA_RECORD_BATCH = 1;
    /** An MQTT message with its properties. */
    public static final int MQTT_MESSAGE = 2;
    /** An AMQP 0-9-1 message with its properties. */
    public static final int AMQP_MESSAGE = 3;

    private BatchFormat()
    {
    }
}
