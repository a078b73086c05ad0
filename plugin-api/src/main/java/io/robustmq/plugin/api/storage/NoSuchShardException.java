package io.robustmq.plugin.api.storage;

/**
 * The Meta Service has no such shard: the topic does not exist, or has fewer partitions. Checked,
 * because a client can name any topic and partition: the caller answers with its protocol's own
 * error (Kafka's {@code UNKNOWN_TOPIC_OR_PARTITION}, an AMQP {@code NOT_FOUND}).
 */
public final class NoSuchShardException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final int partition;

    /**
     * @param topic     the topic asked for.
     * @param partition the partition asked for.
     * @param message   what is missing.
     */
    public NoSuchShardException(final String topic, final int partition, final String message)
    {
        super(message);
        this.topic = topic;
        this.partition = partition;
    }

    /**
     * @return the topic asked for.
     */
    public String topic()
    {
        return topic;
    }

    /**
     * @return the partition asked for.
     */
    public int partition()
    {
        return partition;
    }
}
