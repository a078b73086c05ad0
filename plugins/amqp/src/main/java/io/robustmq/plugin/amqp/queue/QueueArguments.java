package io.robustmq.plugin.amqp.queue;

import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.codec.ReplyCode;

import java.util.Map;
import java.util.Set;

/**
 * The {@code x-} arguments of queue.declare: each one this server knows is checked, and one it does
 * not implement yet is refused loudly (540) rather than taken and ignored. Arguments RabbitMQ does
 * not know either (without the {@code x-} prefix, or unknown) are kept and ignored, as RabbitMQ does.
 */
public final class QueueArguments
{
    /** The queue types there are; only {@code classic} is this server's. */
    private static final String QUEUE_TYPE = "x-queue-type";
    /** Arguments RabbitMQ defines that this server does not implement yet. */
    private static final Set<String> NOT_YET = Set.of(
        "x-message-ttl", "x-expires", "x-max-length", "x-max-length-bytes", "x-overflow", "x-dead-letter-exchange",
        "x-dead-letter-routing-key", "x-max-priority", "x-single-active-consumer", "x-queue-mode",
        "x-queue-master-locator", "x-queue-leader-locator", "x-delivery-limit", "x-quorum-initial-group-size",
        "x-max-age", "x-stream-max-segment-size-bytes", "x-consumer-timeout");

    private QueueArguments()
    {
    }

    /**
     * @param queue     the queue's name, for errors.
     * @param arguments the declaration's arguments, normalized.
     * @throws AmqpError 406 for a value RabbitMQ would refuse, 540 for an argument not implemented.
     */
    public static void check(final String queue, final Map<String, Object> arguments) throws AmqpError
    {
        for (final Map.Entry<String, Object> argument : arguments.entrySet())
        {
            final String key = argument.getKey();
            if (QUEUE_TYPE.equals(key))
            {
                if (!"classic".equals(argument.getValue()))
                {
                    throw new AmqpError(ReplyCode.PRECONDITION_FAILED, "invalid arg '" + QUEUE_TYPE + "' for queue '" +
                        queue + "' in vhost '/': only classic queues are implemented, got '" + argument.getValue() +
                        "'", 50, 10);
                }
            }
            else if (NOT_YET.contains(key))
            {
                throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "queue argument '" + key + "' is not implemented yet",
                    50, 10);
            }
        }
    }
}
