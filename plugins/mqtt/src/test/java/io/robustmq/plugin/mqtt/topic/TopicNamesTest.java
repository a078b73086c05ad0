package io.robustmq.plugin.mqtt.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Topic names and filters: the examples of MQTT 5.0 section 4.7, the limits, and random strings
 * checked against {@link Reference}.
 */
class TopicNamesTest
{
    static LongStream seeds()
    {
        return Seeds.stream(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a", "sport/tennis/player1", "/", "//", "/finance", "sport/", "$SYS/broker/load", "with space",
        "UPPER/lower", "\u00e9t\u00e9/\u20ac", "emoji/\uD83D\uDE00", "$share/group/topic", "ctl\u0001\u007f\u0085",
    })
    void validNames(final String name)
    {
        assertTrue(TopicNames.validName(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "+", "#", "sport/+", "sport/#", "sport+", "a#b", "nul\0here", "\0", "lone\uD800", "\uDC00reversed",
        "\uDE00\uD83D",
    })
    void invalidNames(final String name)
    {
        assertFalse(TopicNames.validName(name), name);
    }

    @Test
    void nullIsNeitherNameNorFilter()
    {
        assertFalse(TopicNames.validName(null));
        assertFalse(TopicNames.validFilter(null));
        assertFalse(TopicNames.validPlainFilter(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "#", "+", "+/+", "/+", "sport/#", "sport/tennis/#", "sport/tennis/+", "sport/+/player1", "+/tennis/#",
        "/", "//", "a//b", "+/", "/#", "$SYS/#", "$SYS/+/load", "sport/+/+/#", "\u00e9/\uD83D\uDE00/+",
        "$share", "$shared/a", "$share/g/a", "$share/g/+/b/#", "$share/g//finance", "$share/g/#",
    })
    void validFilters(final String filter)
    {
        assertTrue(TopicNames.validFilter(filter), filter);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "sport/tennis#", "sport/tennis/#/ranking", "sport+", "sport/+tennis", "+sport", "#/", "##", "++",
        "a/#/", "a/b#", "nul\0", "lone\uD800/#", "$share/", "$share/g", "$share//a", "$share/g/", "$share/g+/a",
        "$share/#/a", "$share/+/a", "$share/g/a#", "$share/g/$share/h/a", "$share/g/nul\0",
    })
    void invalidFilters(final String filter)
    {
        assertFalse(TopicNames.validFilter(filter), filter);
    }

    @Test
    void aPlainFilterReadsTheSharePrefixLiterally()
    {
        assertTrue(TopicNames.validPlainFilter("$share/g"));
        assertTrue(TopicNames.validPlainFilter("$share//a"));
        assertFalse(TopicNames.validFilter("$share/g"));
        assertFalse(TopicNames.validFilter("$share//a"));
    }

    @Test
    void atMost65535Utf8Bytes()
    {
        assertTrue(TopicNames.validName("a".repeat(65_535)));
        assertFalse(TopicNames.validName("a".repeat(65_536)));
        assertTrue(TopicNames.validFilter("a".repeat(65_533) + "/#"));
        assertFalse(TopicNames.validFilter("a".repeat(65_534) + "/#"));
        // Two-byte, three-byte and four-byte (surrogate pair) characters count as such.
        assertTrue(TopicNames.validName("\u00e9".repeat(32_767) + "a"));
        assertFalse(TopicNames.validName("\u00e9".repeat(32_768)));
        assertTrue(TopicNames.validName("\u20ac".repeat(21_845)));
        assertFalse(TopicNames.validName("\u20ac".repeat(21_845) + "a"));
        assertTrue(TopicNames.validFilter("\uD83D\uDE00".repeat(16_383) + "/+/"));
        assertFalse(TopicNames.validFilter("\uD83D\uDE00".repeat(16_383) + "/+/#"));
        assertTrue(TopicNames.validName("/".repeat(65_535)));
        assertTrue(TopicNames.validFilter("+/".repeat(32_767) + "#"));
    }

    @Test
    void wildcardAtTheStart()
    {
        assertTrue(TopicNames.startsWithWildcard("#"));
        assertTrue(TopicNames.startsWithWildcard("+/a"));
        assertFalse(TopicNames.startsWithWildcard("a/+"));
        assertFalse(TopicNames.startsWithWildcard("$SYS/#"));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void randomStringsAgreeWithTheReference(final long seed)
    {
        final Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++)
        {
            final String text = (random.nextInt(4) == 0 ? "$share/" : "") + Reference.randomText(random);
            assertEquals(Reference.validName(text), TopicNames.validName(text), () -> "name " + escape(text));
            assertEquals(Reference.validPlainFilter(text), TopicNames.validPlainFilter(text),
                () -> "plain filter " + escape(text));
            assertEquals(Reference.validFilter(text), TopicNames.validFilter(text), () -> "filter " + escape(text));
        }
    }

    static String escape(final String text)
    {
        final StringBuilder escaped = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c >= 0x20 && c < 0x7f)
            {
                escaped.append(c);
            }
            else
            {
                escaped.append(String.format("\\u%04x", (int)c));
            }
        }
        return escaped.append('"').toString();
    }
}
