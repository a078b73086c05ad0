package io.robustmq.plugin.mqtt.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared subscriptions, MQTT 5.0 section 4.8.2.
 */
class SharedSubscriptionTest
{
    static LongStream seeds()
    {
        return Seeds.stream(10);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "$share/consumer1/sport/tennis/+ | consumer1 | sport/tennis/+",
        "$share/consumer1//finance       | consumer1 | /finance",
        "$share/g/#                      | g         | #",
        "$share/g/+                      | g         | +",
        "$share/$SYS/$SYS/#              | $SYS      | $SYS/#",
        "$share/g/a/                     | g         | a/",
        "$share/a b/c                    | a b       | c",
        "$share/g/$share                 | g         | $share",
    })
    void parsesGroupAndFilter(final String text, final String group, final String filter)
    {
        final SharedSubscription shared = SharedSubscription.parse(text);
        assertEquals(new SharedSubscription(group, filter), shared);
        assertEquals(text, shared.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sport/#", "$share", "$shared/g/a", "$SHARE/g/a", "share/g/a", "#", "/$share/g/a"})
    void anOrdinaryFilterIsNoSharedSubscription(final String filter)
    {
        assertNull(SharedSubscription.parse(filter));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "$share/             | a '/' and a topic filter after its ShareName",
        "$share/g            | a '/' and a topic filter after its ShareName",
        "$share//a           | at least one character long",
        "$share/g+/a         | must not contain '/', '+' or '#'",
        "$share/#/a          | must not contain '/', '+' or '#'",
        "$share/+/a          | must not contain '/', '+' or '#'",
        "$share/g/           | needs a topic filter after its ShareName",
        "$share/g/a/#/b      | must be a valid topic filter",
        "$share/g/a+         | must be a valid topic filter",
        "$share/g/$share/h/a | must not be a shared subscription",
    })
    void refusesMalformedOnesSayingWhy(final String text, final String why)
    {
        final IllegalArgumentException error =
            assertThrows(IllegalArgumentException.class, () -> SharedSubscription.parse(text));
        assertTrue(error.getMessage().contains(why), error.getMessage());
        assertTrue(error.getMessage().contains(text), error.getMessage());
    }

    @Test
    void refusesNulAndTooLong()
    {
        assertThrows(IllegalArgumentException.class, () -> SharedSubscription.parse("$share/g\0/a"));
        assertThrows(IllegalArgumentException.class, () -> SharedSubscription.parse("$share/g/a\0"));
        final String longest = "$share/g/" + "a".repeat(65_535 - 9);
        assertNotNull(SharedSubscription.parse(longest));
        assertThrows(IllegalArgumentException.class, () -> SharedSubscription.parse(longest + "a"));
    }

    @Test
    void theRecordChecksItsParts()
    {
        assertThrows(IllegalArgumentException.class, () -> new SharedSubscription("", "a"));
        assertThrows(IllegalArgumentException.class, () -> new SharedSubscription("g/h", "a"));
        assertThrows(IllegalArgumentException.class, () -> new SharedSubscription("g", ""));
        assertThrows(IllegalArgumentException.class, () -> new SharedSubscription("g", "a/#/b"));
        assertThrows(NullPointerException.class, () -> new SharedSubscription(null, "a"));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void parseAgreesWithValidFilter(final long seed)
    {
        final Random random = new Random(seed);
        for (int i = 0; i < 5_000; i++)
        {
            final String text = "$share/" + Reference.randomText(random);
            boolean parsed;
            try
            {
                parsed = SharedSubscription.parse(text) != null;
            }
            catch (final IllegalArgumentException malformed)
            {
                parsed = false;
            }
            assertEquals(TopicNames.validFilter(text), parsed, () -> TopicNamesTest.escape(text));
            assertEquals(Reference.validFilter(text), parsed, () -> TopicNamesTest.escape(text));
        }
    }
}
