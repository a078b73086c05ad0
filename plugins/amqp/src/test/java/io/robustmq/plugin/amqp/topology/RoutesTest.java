package io.robustmq.plugin.amqp.topology;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How each exchange type matches a message against its bindings.
 */
class RoutesTest
{
    @Test
    void topicPatternsMatchWordsAsRabbitMqDoes()
    {
        assertTrue(matches("a.b.c", "a.b.c"));
        assertFalse(matches("a.b.c", "a.b"));
        assertTrue(matches("a.*.c", "a.x.c"));
        assertFalse(matches("a.*.c", "a.c"));
        assertFalse(matches("a.*.c", "a.x.y.c"));
        assertTrue(matches("a.#", "a"));
        assertTrue(matches("a.#", "a.b.c"));
        assertTrue(matches("#", ""));
        assertTrue(matches("#", "anything.at.all"));
        assertTrue(matches("#.c", "c"));
        assertTrue(matches("a.#.c", "a.c"));
        assertTrue(matches("a.#.c", "a.b.b.c"));
        assertFalse(matches("a.#.c", "a.b.b.d"));
        assertTrue(matches("*.#.*", "a.b"));
        assertFalse(matches("*.#.*", "a"));
        assertTrue(matches("", ""));
    }

    private static boolean matches(final String pattern, final String key)
    {
        return new TopicPattern(pattern).matches(TopicPattern.words(key));
    }

    @Test
    void directFanoutAndTopicExchangesPickTheirBindings()
    {
        final BindingDef red = binding("red", Map.of());
        final BindingDef blue = binding("blue", Map.of());
        final BindingDef anyColour = binding("colour.*", Map.of());
        assertEquals(List.of(red), match(ExchangeType.DIRECT, List.of(red, blue), "red", null));
        assertEquals(List.of(red, blue), match(ExchangeType.FANOUT, List.of(red, blue), "ignored", null));
        assertEquals(List.of(anyColour), match(ExchangeType.TOPIC, List.of(red, anyColour), "colour.red", null));
    }

    @Test
    void headersExchangesMatchAllOrAnyIgnoringXArguments()
    {
        final Map<String, Object> all = Map.of("format", "pdf", "type", "report");
        final Map<String, Object> any = Map.of("x-match", "any", "format", "pdf", "type", "report");
        final Map<String, Object> presence = new HashMap<>();
        presence.put("format", null);
        assertTrue(Routes.headersMatch(all, Map.of("format", "pdf", "type", "report", "extra", 1)));
        assertFalse(Routes.headersMatch(all, Map.of("format", "pdf")));
        assertTrue(Routes.headersMatch(any, Map.of("format", "pdf")));
        assertFalse(Routes.headersMatch(any, Map.of("format", "zip")));
        assertTrue(Routes.headersMatch(presence, Map.of("format", "anything")));
        assertTrue(Routes.headersMatch(Map.of("x-custom", "v"), Map.of()), "x- arguments are not matched");
        assertFalse(Routes.headersMatch(Map.of("x-match", "all-with-x", "x-custom", "v"), Map.of()));
        final BindingDef pdf = binding("", all);
        assertEquals(List.of(pdf), match(ExchangeType.HEADERS, List.of(pdf), "", Map.of("format", "pdf", "type",
            "report")));
        assertEquals(List.of(), match(ExchangeType.HEADERS, List.of(pdf), "", null));
    }

    private static BindingDef binding(final String key, final Map<String, Object> arguments)
    {
        return new BindingDef("x", true, "q-" + key, key, arguments);
    }

    private static List<BindingDef> match(final ExchangeType type, final List<BindingDef> bindings, final String key,
        final Map<String, Object> headers)
    {
        final List<BindingDef> matched = new ArrayList<>();
        new Routes(type, bindings).match(key, headers, matched);
        return matched;
    }
}
