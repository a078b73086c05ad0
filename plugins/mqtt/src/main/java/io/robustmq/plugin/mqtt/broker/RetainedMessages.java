package io.robustmq.plugin.mqtt.broker;

import io.robustmq.plugin.mqtt.persistence.LogRecord;
import io.robustmq.plugin.mqtt.persistence.SessionLog;

import io.robustmq.plugin.mqtt.topic.TopicFilters;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The last retained message of each topic: set by a retained PUBLISH, replaced by the next, cleared
 * by one with an empty payload, and sent to each new subscription whose filter matches.
 */
public final class RetainedMessages
{
    private final Map<String, Message> byTopic = new ConcurrentHashMap<>();

    /**
     * @param message a message published with RETAIN.
     */
    public void retain(final Message message)
    {
        retain(message, null);
    }

    /**
     * @param message a message published with RETAIN.
     * @param log     the session log, told the change while no other change to the topic can come
     *                between; or null.
     */
    public void retain(final Message message, final SessionLog log)
    {
        byTopic.compute(message.topic(), (topic, previous) ->
        {
            if (log != null)
            {
                log.append(new LogRecord.Retained(message));
            }
            return message.payload().length == 0 ? null : message;
        });
    }

    /**
     * Hand a checkpoint a record for each retained message, each with its topic locked.
     *
     * @param sink takes the records.
     */
    public void capture(final Consumer<LogRecord> sink)
    {
        for (final String topic : byTopic.keySet())
        {
            byTopic.computeIfPresent(topic, (key, message) ->
            {
                sink.accept(new LogRecord.Retained(message));
                return message;
            });
        }
    }

    /**
     * @param filter    a topic filter.
     * @param nowMillis wall-clock time now: expired messages are removed, not visited.
     * @param visitor   told each retained message the filter matches.
     */
    public void matching(final String filter, final long nowMillis, final Consumer<Message> visitor)
    {
        for (final Message message : byTopic.values())
        {
            if (message.expired(nowMillis))
            {
                byTopic.remove(message.topic(), message);
            }
            else if (TopicFilters.matches(filter, message.topic()))
            {
                visitor.accept(message);
            }
        }
    }

    /**
     * @return the number of topics with a retained message.
     */
    public int size()
    {
        return byTopic.size();
    }
}
