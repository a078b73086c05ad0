package io.robustmq.plugin.mqtt.topic;

import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The rules of MQTT 5.0 section 4.7 written the obvious way (split into levels, compare level by
 * level), to check the real implementations against. Slow and allocating, on purpose.
 */
final class Reference
{
    /** Characters random names and filters are made of: separators, wildcards, '$', NUL, multi-byte and surrogates. */
    private static final String[] PIECES = {
        "a", "b", "/", "/", "+", "#", "$", "\0", "\u00e9", "\u20ac", "\uD83D\uDE00", "\uD800", "\uDC00", " ",
    };

    private Reference()
    {
    }

    static boolean validName(final String name)
    {
        return wellFormed(name) && !name.contains("+") && !name.contains("#");
    }

    static boolean validPlainFilter(final String filter)
    {
        if (!wellFormed(filter))
        {
            return false;
        }
        final String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++)
        {
            final String level = levels[i];
            if (level.contains("+") && !level.equals("+"))
            {
                return false;
            }
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1))
            {
                return false;
            }
        }
        return true;
    }

    static boolean validFilter(final String filter)
    {
        if (!filter.startsWith("$share/"))
        {
            return validPlainFilter(filter);
        }
        final String rest = filter.substring("$share/".length());
        final int slash = rest.indexOf('/');
        if (slash <= 0)
        {
            return false;
        }
        final String group = rest.substring(0, slash);
        final String inner = rest.substring(slash + 1);
        return !group.contains("+") && !group.contains("#") && !inner.isEmpty() && !inner.startsWith("$share/") &&
            validPlainFilter(filter);
    }

    /**
     * @return whether a valid plain filter matches a valid name.
     */
    static boolean matches(final String filter, final String name)
    {
        if (name.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#")))
        {
            return false;
        }
        final String[] filterLevels = filter.split("/", -1);
        final String[] nameLevels = name.split("/", -1);
        for (int i = 0; i < filterLevels.length; i++)
        {
            if (filterLevels[i].equals("#"))
            {
                return true;
            }
            if (i >= nameLevels.length || (!filterLevels[i].equals("+") && !filterLevels[i].equals(nameLevels[i])))
            {
                return false;
            }
        }
        return filterLevels.length == nameLevels.length;
    }

    private static boolean wellFormed(final String text)
    {
        return !text.isEmpty() && !text.contains("\0") && StandardCharsets.UTF_8.newEncoder().canEncode(text) &&
            text.getBytes(StandardCharsets.UTF_8).length <= 65_535;
    }

    /**
     * @return a short string of {@link #PIECES}, often malformed.
     */
    static String randomText(final Random random)
    {
        final StringBuilder text = new StringBuilder();
        final int pieces = random.nextInt(10);
        for (int i = 0; i < pieces; i++)
        {
            text.append(PIECES[random.nextInt(PIECES.length)]);
        }
        return text.toString();
    }

    /**
     * @return a valid topic name of 1 to 5 levels taken from {@code levels}.
     */
    static String randomName(final Random random, final String[] levels)
    {
        final StringBuilder name = new StringBuilder();
        final int count = 1 + random.nextInt(5);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                name.append('/');
            }
            name.append(levels[random.nextInt(levels.length)]);
        }
        return name.length() == 0 ? "/" : name.toString();
    }

    /**
     * @return a valid plain topic filter of 1 to 5 levels taken from {@code levels}, some of them
     *         wildcards.
     */
    static String randomFilter(final Random random, final String[] levels)
    {
        final StringBuilder filter = new StringBuilder();
        final int count = 1 + random.nextInt(5);
        for (int i = 0; i < count; i++)
        {
            if (i > 0)
            {
                filter.append('/');
            }
            final int kind = random.nextInt(10);
            if (kind == 0 && i == count - 1)
            {
                filter.append('#');
            }
            else if (kind <= 2)
            {
                filter.append('+');
            }
            else
            {
                filter.append(levels[random.nextInt(levels.length)]);
            }
        }
        return filter.length() == 0 ? "/" : filter.toString();
    }
}
