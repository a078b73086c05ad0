package io.robustmq.plugin.mqtt.topic;

import java.util.Objects;

/**
 * A shared subscription (MQTT 5.0 section 4.8.2): the topic filter
 * {@code $share/{ShareName}/{filter}}, whose matching messages go to one of the sessions that
 * share it under the same ShareName instead of to each of them.
 * <ul>
 *   <li>The ShareName is at least one character long [MQTT-4.8.2-1] and contains no {@code /},
 *       {@code +} or {@code #}; a {@code /} and a valid topic filter follow it [MQTT-4.8.2-2].</li>
 *   <li>The filter is a plain one: {@code $share/a/$share/b/c} is refused, since a filter inside a
 *       shared subscription that is itself a shared subscription means nothing (EMQX refuses it
 *       too).</li>
 * </ul>
 * MQTT 3.1.1 has no shared subscriptions; like other brokers, the plugin reads the prefix the same
 * way for every protocol version, so a {@code $share/} filter is never subscribed literally.
 * <p>
 * Subscribing a group puts {@link #filter()} into the {@link SubscriptionTrie} with a subscriber
 * that stands for the group, and choosing the session that gets a message is the group's job.
 *
 * @param group  the ShareName.
 * @param filter the topic filter the group subscribes to, without the prefix and ShareName.
 */
public record SharedSubscription(String group, String filter)
{
    /** What every shared subscription's filter starts with. */
    public static final String PREFIX = "$share/";

    /**
     * @throws IllegalArgumentException if {@code group} is not a valid ShareName or {@code filter}
     *                                  not a valid plain topic filter.
     */
    public SharedSubscription
    {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(filter, "filter");
        final String problem = problem(group, filter);
        if (problem != null)
        {
            throw new IllegalArgumentException(problem + ": " + PREFIX + group + '/' + filter);
        }
    }

    /**
     * @param filter a topic filter from a SUBSCRIBE or UNSUBSCRIBE packet.
     * @return its group and filter if it starts with {@value #PREFIX}, or null if it does not (it
     *         is an ordinary filter then, to be checked with {@link TopicNames#validFilter}).
     * @throws IllegalArgumentException if it starts with {@value #PREFIX} but is malformed; the
     *                                  message says how.
     */
    public static SharedSubscription parse(final String filter)
    {
        if (!filter.startsWith(PREFIX))
        {
            return null;
        }
        final int separator = filter.indexOf(TopicNames.LEVEL_SEPARATOR, PREFIX.length());
        if (separator < 0)
        {
            throw new IllegalArgumentException(
                "a shared subscription needs a '/' and a topic filter after its ShareName: " + filter);
        }
        return new SharedSubscription(filter.substring(PREFIX.length(), separator), filter.substring(separator + 1));
    }

    /**
     * @return the filter as a client sends it: {@code $share/group/filter}.
     */
    public String text()
    {
        return PREFIX + group + TopicNames.LEVEL_SEPARATOR + filter;
    }

    /**
     * @param filter a topic filter that starts with {@value #PREFIX}.
     * @return what is wrong with it as a shared subscription, or null if nothing is.
     */
    static String problem(final String filter)
    {
        final int separator = filter.indexOf(TopicNames.LEVEL_SEPARATOR, PREFIX.length());
        if (separator < 0)
        {
            return "a shared subscription needs a '/' and a topic filter after its ShareName";
        }
        return problem(filter.substring(PREFIX.length(), separator), filter.substring(separator + 1));
    }

    private static String problem(final String group, final String filter)
    {
        if (group.isEmpty())
        {
            return "a shared subscription's ShareName must be at least one character long";
        }
        for (int i = 0; i < group.length(); i++)
        {
            final char c = group.charAt(i);
            if (c == TopicNames.LEVEL_SEPARATOR || c == TopicNames.SINGLE_LEVEL_WILDCARD ||
                c == TopicNames.MULTI_LEVEL_WILDCARD)
            {
                return "a shared subscription's ShareName must not contain '/', '+' or '#'";
            }
        }
        if (filter.isEmpty())
        {
            return "a shared subscription needs a topic filter after its ShareName";
        }
        if (filter.startsWith(PREFIX))
        {
            return "a shared subscription's topic filter must not be a shared subscription";
        }
        if (!TopicNames.validPlainFilter(PREFIX + group + TopicNames.LEVEL_SEPARATOR + filter))
        {
            return "a shared subscription's topic filter must be a valid topic filter (wildcards as whole levels, " +
                "'#' last, no U+0000, at most " + TopicNames.MAX_BYTES + " UTF-8 bytes with the prefix)";
        }
        return null;
    }
}
