package io.robustmq.plugin.mqtt.topic;

/**
 * Whether one topic filter matches one topic name (MQTT 5.0 section 4.7), level by level without
 * splitting either string: {@code +} matches one level, {@code #} the level above and everything
 * below it, and a filter starting with a wildcard does not match a name starting with {@code $}.
 * For matching a name against many filters at once, use {@link SubscriptionTrie}.
 */
public final class TopicFilters
{
    private TopicFilters()
    {
    }

    /**
     * @param filter a valid topic filter (no {@code $share/} prefix).
     * @param name   a valid topic name.
     * @return true if the filter matches the name.
     */
    public static boolean matches(final String filter, final String name)
    {
        if (!name.isEmpty() && name.charAt(0) == '$' && !filter.isEmpty() &&
            (filter.charAt(0) == '+' || filter.charAt(0) == '#'))
        {
            return false;
        }
        int f = 0;
        int n = 0;
        while (true)
        {
            final int filterEnd = levelEnd(filter, f);
            final int filterLength = filterEnd - f;
            if (filterLength == 1 && filter.charAt(f) == '#')
            {
                return true;
            }
            if (n > name.length())
            {
                return false;
            }
            final int nameEnd = levelEnd(name, n);
            final boolean levelMatches = (filterLength == 1 && filter.charAt(f) == '+') ||
                (filterLength == nameEnd - n && filter.regionMatches(f, name, n, filterLength));
            if (!levelMatches)
            {
                return false;
            }
            final boolean filterDone = filterEnd == filter.length();
            final boolean nameDone = nameEnd == name.length();
            if (filterDone && nameDone)
            {
                return true;
            }
            if (nameDone)
            {
                // "a/#" matches "a": the filter may have only "/#" left.
                return filterEnd + 2 == filter.length() && filter.charAt(filterEnd + 1) == '#';
            }
            if (filterDone)
            {
                return false;
            }
            f = filterEnd + 1;
            n = nameEnd + 1;
        }
    }

    private static int levelEnd(final String topic, final int from)
    {
        final int slash = topic.indexOf('/', from);
        return slash < 0 ? topic.length() : slash;
    }
}
