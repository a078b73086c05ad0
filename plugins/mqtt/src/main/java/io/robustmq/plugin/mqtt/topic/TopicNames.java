package io.robustmq.plugin.mqtt.topic;

/**
 * The syntax of MQTT topic names (what a PUBLISH names) and topic filters (what a SUBSCRIBE asks
 * for), as MQTT 3.1.1 section 4.7 and MQTT 5.0 section 4.7 define them. Both are UTF-8 strings of
 * levels separated by {@code /}; a level may be empty ({@code "/"} is two empty levels).
 * <ul>
 *   <li>Both are at least one character long [MQTT-4.7.3-1], contain no U+0000 [MQTT-4.7.3-2]
 *       and encode to at most {@value #MAX_BYTES} UTF-8 bytes [MQTT-4.7.3-3]. A Java string that
 *       has no UTF-8 encoding (an unpaired surrogate: code points U+D800 to U+DFFF may not be
 *       encoded [MQTT-1.5.4-1]) is neither.</li>
 *   <li>A name contains no wildcard, {@code +} or {@code #} [MQTT-4.7.0-1].</li>
 *   <li>In a filter, {@code #} is a whole level and the last one [MQTT-4.7.1-2]; {@code +} is a
 *       whole level, anywhere [MQTT-4.7.1-3].</li>
 *   <li>A filter that starts with {@value SharedSubscription#PREFIX} is a shared subscription
 *       (MQTT 5.0 section 4.8.2), valid if {@link SharedSubscription#parse(String)} accepts it.</li>
 * </ul>
 * Characters the specifications say a string SHOULD NOT hold (controls U+0001 to U+001F and U+007F
 * to U+009F, non-characters) are accepted: a server may refuse them but need not
 * [MQTT-1.5.4-1]. Nothing is normalised [MQTT-4.7.3-4]: names and filters compare char by char.
 * <p>
 * Every method is a pure function of its argument, allocates nothing, and may be called from any
 * thread.
 */
public final class TopicNames
{
    /** The most UTF-8 bytes a topic name or filter may take. */
    public static final int MAX_BYTES = 65_535;

    /** Separates the levels of a name or filter. */
    public static final char LEVEL_SEPARATOR = '/';

    /** The single-level wildcard: matches exactly one level, which may be empty. */
    public static final char SINGLE_LEVEL_WILDCARD = '+';

    /** The multi-level wildcard: matches its parent level and any number of levels below it. */
    public static final char MULTI_LEVEL_WILDCARD = '#';

    private TopicNames()
    {
    }

    /**
     * @param name a PUBLISH packet's topic name, or null.
     * @return whether it is a valid topic name: 1 to {@value #MAX_BYTES} UTF-8 bytes, no
     *         wildcard, no U+0000, no unpaired surrogate.
     */
    public static boolean validName(final String name)
    {
        if (name == null || name.isEmpty() || name.length() > MAX_BYTES)
        {
            return false;
        }
        final int length = name.length();
        int bytes = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = name.charAt(i);
            if (c == SINGLE_LEVEL_WILDCARD || c == MULTI_LEVEL_WILDCARD || c == 0)
            {
                return false;
            }
            final int width = utf8Width(name, i, c);
            if (width < 0)
            {
                return false;
            }
            if (width == 4)
            {
                i++;
            }
            bytes += width;
        }
        return bytes <= MAX_BYTES;
    }

    /**
     * @param filter a SUBSCRIBE (or UNSUBSCRIBE) packet's topic filter, or null.
     * @return whether it is a valid topic filter: a plain filter that {@link #validPlainFilter}
     *         accepts, or a shared subscription that {@link SharedSubscription#parse} accepts.
     */
    public static boolean validFilter(final String filter)
    {
        if (filter != null && filter.startsWith(SharedSubscription.PREFIX))
        {
            return SharedSubscription.problem(filter) == null;
        }
        return validPlainFilter(filter);
    }

    /**
     * @param filter a topic filter, or null.
     * @return whether it is a valid topic filter read literally, without treating a
     *         {@value SharedSubscription#PREFIX} prefix as a shared subscription: 1 to
     *         {@value #MAX_BYTES} UTF-8 bytes, no U+0000, no unpaired surrogate, {@code #} only as
     *         the whole last level and {@code +} only as a whole level.
     */
    public static boolean validPlainFilter(final String filter)
    {
        if (filter == null || filter.isEmpty() || filter.length() > MAX_BYTES)
        {
            return false;
        }
        final int length = filter.length();
        int bytes = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = filter.charAt(i);
            if (c == 0)
            {
                return false;
            }
            if (c == SINGLE_LEVEL_WILDCARD || c == MULTI_LEVEL_WILDCARD)
            {
                final boolean startsLevel = i == 0 || filter.charAt(i - 1) == LEVEL_SEPARATOR;
                final boolean last = i == length - 1;
                final boolean endsLevel = last || filter.charAt(i + 1) == LEVEL_SEPARATOR;
                if (!startsLevel || (c == MULTI_LEVEL_WILDCARD ? !last : !endsLevel))
                {
                    return false;
                }
            }
            final int width = utf8Width(filter, i, c);
            if (width < 0)
            {
                return false;
            }
            if (width == 4)
            {
                i++;
            }
            bytes += width;
        }
        return bytes <= MAX_BYTES;
    }

    /**
     * @param filter a valid plain topic filter.
     * @return whether it starts with a wildcard level ({@code #} or {@code +}), and so never matches
     *         a topic name that starts with {@code $} [MQTT-4.7.2-1].
     */
    public static boolean startsWithWildcard(final String filter)
    {
        return !filter.isEmpty() &&
            (filter.charAt(0) == SINGLE_LEVEL_WILDCARD || filter.charAt(0) == MULTI_LEVEL_WILDCARD);
    }

    /**
     * @return the UTF-8 length of the code point starting with {@code c} at {@code index}: 1 to 3,
     *         4 for a surrogate pair (two chars), or -1 for an unpaired surrogate.
     */
    private static int utf8Width(final String text, final int index, final char c)
    {
        if (c < 0x80)
        {
            return 1;
        }
        if (c < 0x800)
        {
            return 2;
        }
        if (!Character.isSurrogate(c))
        {
            return 3;
        }
        if (Character.isHighSurrogate(c) && index + 1 < text.length() &&
            Character.isLowSurrogate(text.charAt(index + 1)))
        {
            return 4;
        }
        return -1;
    }
}
