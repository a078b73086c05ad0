package io.robustmq.plugin.amqp.queue;

import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.codec.FieldTables;
import io.robustmq.plugin.amqp.codec.ReplyCode;

import java.util.Map;
import java.util.Set;

/**
 * The {@code x-} arguments of queue.declare that shape a queue, checked as RabbitMQ checks them (406
 * for a value it would refuse): message TTL, expiry of an unused queue, length limits and what happens
 * on overflow, dead-lettering, single active consumer, priorities. An argument this server does not
 * implement yet is refused loudly (540) rather than taken and ignored; arguments RabbitMQ does not
 * know either are kept and ignored, as RabbitMQ does.
 *
 * @param messageTtlMs          {@code x-message-ttl}: a message expires this long after it was
 *                              published; -1 for never.
 * @param expiresMs             {@code x-expires}: the queue is deleted once it has had no consumer, no
 *                              basic.get and no declaration for this long; -1 for never.
 * @param maxLength             {@code x-max-length}: the most ready messages; -1 for no limit.
 * @param maxLengthBytes        {@code x-max-length-bytes}: the most bytes of ready messages' bodies;
 *                              -1 for no limit.
 * @param rejectPublish         {@code x-overflow} {@code reject-publish}: a message over a limit is
 *                              refused (nacked); else ({@code drop-head}) the oldest ready messages go.
 * @param deadLetterExchange    {@code x-dead-letter-exchange}: where rejected, expired and dropped
 *                              messages are republished; null for nowhere.
 * @param deadLetterRoutingKey  {@code x-dead-letter-routing-key}: their routing key there; null for
 *                              their own.
 * @param singleActiveConsumer  {@code x-single-active-consumer}: only the first consumer gets messages,
 *                              the next when it goes.
 * @param maxPriority           {@code x-max-priority}: the highest message priority the queue orders
 *                              by, 1 to {@link #MAX_PRIORITY}; 0 for a queue without priorities.
 */
public record QueueArguments(long messageTtlMs, long expiresMs, long maxLength, long maxLengthBytes,
    boolean rejectPublish, String deadLetterExchange, String deadLetterRoutingKey, boolean singleActiveConsumer,
    int maxPriority)
{
    /** The highest x-max-priority RabbitMQ takes. */
    public static final int MAX_PRIORITY = 255;

    /** Arguments RabbitMQ defines that this server does not implement yet. */
    private static final Set<String> NOT_YET = Set.of(
        "x-queue-mode", "x-queue-master-locator", "x-queue-leader-locator", "x-delivery-limit",
        "x-quorum-initial-group-size", "x-max-age", "x-stream-max-segment-size-bytes", "x-consumer-timeout");

    /** A queue without any of them. */
    public static final QueueArguments NONE = new QueueArguments(-1, -1, -1, -1, false, null, null, false, 0);

    /**
     * @return the queue's priority levels: {@link #maxPriority()} + 1, each a shard of its own.
     */
    public int levels()
    {
        return maxPriority + 1;
    }

    /**
     * @param queue a queue.
     * @return its priority levels (1 if its arguments are not valid: see {@link #of}).
     */
    public static int levelsOf(final io.robustmq.plugin.amqp.topology.QueueDef queue)
    {
        try
        {
            return of(queue.name(), queue.arguments()).levels();
        }
        catch (final AmqpError error)
        {
            return 1;
        }
    }

    /**
     * @return true if a length limit applies.
     */
    public boolean limited()
    {
        return maxLength >= 0 || maxLengthBytes >= 0;
    }

    /**
     * @param queue     the queue's name, for errors.
     * @param arguments the declaration's arguments, normalized.
     * @return the arguments that shape the queue.
     * @throws AmqpError 406 for a value RabbitMQ would refuse, 540 for an argument not implemented.
     */
    public static QueueArguments of(final String queue, final Map<String, Object> arguments) throws AmqpError
    {
        long ttl = -1;
        long expires = -1;
        long maxLength = -1;
        long maxBytes = -1;
        boolean rejectPublish = false;
        String dlx = null;
        String dlrk = null;
        boolean single = false;
        int maxPriority = 0;
        for (final Map.Entry<String, Object> argument : arguments.entrySet())
        {
            final String key = argument.getKey();
            final Object value = argument.getValue();
            switch (key)
            {
                case "x-queue-type" ->
                {
                    if (!"classic".equals(value))
                    {
                        throw invalid(queue, key, "only classic queues are implemented, got '" + value + "'");
                    }
                }
                case "x-message-ttl" -> ttl = whole(queue, key, value, 0);
                case "x-expires" -> expires = whole(queue, key, value, 1);
                case "x-max-length" -> maxLength = whole(queue, key, value, 0);
                case "x-max-length-bytes" -> maxBytes = whole(queue, key, value, 0);
                case "x-overflow" ->
                {
                    if ("reject-publish".equals(value))
                    {
                        rejectPublish = true;
                    }
                    else if ("reject-publish-dlx".equals(value))
                    {
                        throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "x-overflow 'reject-publish-dlx' is not " +
                            "implemented yet", 50, 10);
                    }
                    else if (!"drop-head".equals(value))
                    {
                        throw invalid(queue, key, "must be drop-head or reject-publish, got '" + value + "'");
                    }
                }
                case "x-max-priority" ->
                {
                    final Long number = FieldTables.wholeNumber(value);
                    if (number == null || number < 1 || number > MAX_PRIORITY)
                    {
                        throw invalid(queue, key, "must be an integer from 1 to " + MAX_PRIORITY + ", got '" +
                            FieldTables.show(value) + "'");
                    }
                    maxPriority = number.intValue();
                }
                case "x-dead-letter-exchange" -> dlx = text(queue, key, value);
                case "x-dead-letter-routing-key" -> dlrk = text(queue, key, value);
                case "x-single-active-consumer" ->
                {
                    if (!(value instanceof Boolean flag))
                    {
                        throw invalid(queue, key, "must be a boolean, got '" + value + "'");
                    }
                    single = flag;
                }
                default ->
                {
                    if (NOT_YET.contains(key))
                    {
                        throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "queue argument '" + key +
                            "' is not implemented yet", 50, 10);
                    }
                }
            }
        }
        if (dlrk != null && dlx == null)
        {
            throw new AmqpError(ReplyCode.PRECONDITION_FAILED, "invalid arg 'x-dead-letter-routing-key' for queue '" +
                queue + "' in vhost '/': x-dead-letter-exchange is not set", 50, 10);
        }
        return new QueueArguments(ttl, expires, maxLength, maxBytes, rejectPublish, dlx, dlrk, single, maxPriority);
    }

    private static long whole(final String queue, final String key, final Object value, final long least)
        throws AmqpError
    {
        final Long number = FieldTables.wholeNumber(value);
        if (number == null || number < least)
        {
            throw invalid(queue, key, "must be an integer of at least " + least + ", got '" + FieldTables.show(value) + "'");
        }
        return number;
    }

    private static String text(final String queue, final String key, final Object value) throws AmqpError
    {
        if (!(value instanceof String text))
        {
            throw invalid(queue, key, "must be a string, got '" + FieldTables.show(value) + "'");
        }
        return text;
    }

    private static AmqpError invalid(final String queue, final String key, final String why)
    {
        return new AmqpError(ReplyCode.PRECONDITION_FAILED, "invalid arg '" + key + "' for queue '" + queue +
            "' in vhost '/': " + why, 50, 10);
    }
}
