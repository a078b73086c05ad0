package io.robustmq.plugin.mqtt.topic;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class TopicFiltersTest
{
    @ParameterizedTest(name = "{0} ~ {1}: {2}")
    @CsvSource({
        "a/b/c, a/b/c, true",
        "a/b/c, a/b, false",
        "a/b, a/b/c, false",
        "a/+/c, a/b/c, true",
        "a/+/c, a//c, true",
        "a/+, a/b/c, false",
        "+, a, true",
        "+, '', true",
        "+/+, /a, true",
        "a/#, a, true",
        "a/#, a/b/c, true",
        "a/#, ab, false",
        "#, a/b, true",
        "#, $SYS/x, false",
        "+/x, $SYS/x, false",
        "$SYS/#, $SYS/x, true",
        "$SYS/+, $SYS/x, true",
        "a/b/#, a/b/, true",
        "sport/tennis/+, sport/tennis/player1/ranking, false",
    })
    void matchesAsTheSpecificationSays(final String filter, final String name, final boolean matches)
    {
        assertEquals(matches, TopicFilters.matches(filter, name));
    }
}
