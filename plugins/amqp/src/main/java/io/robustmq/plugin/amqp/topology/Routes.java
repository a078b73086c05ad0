package io.robustmq.plugin.amqp.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One exchange's bindings, arranged for its type: by key for a direct exchange, all of them for a
 * fanout, patterns for a topic exchange, header matches for a headers exchange. Immutable: a change
 * of bindings builds a new one, so event loops route without a lock while the metadata changes.
 */
final class Routes
{
    private static final String X_MATCH = "x-match";

    private final ExchangeType type;
    private final Map<String, List<BindingDef>> byKey = new HashMap<>();
    private final List<BindingDef> all = new ArrayList<>();
    private final List<TopicPattern> patterns = new ArrayList<>();

    /**
     * @param type     the exchange's type.
     * @param bindings its bindings.
     */
    Routes(final ExchangeType type, final Collection<BindingDef> bindings)
    {
        this.type = type;
        for (final BindingDef binding : bindings)
        {
            all.add(binding);
            if (type == ExchangeType.DIRECT)
            {
                byKey.computeIfAbsent(binding.routingKey(), key -> new ArrayList<>()).add(binding);
            }
            else if (type == ExchangeType.TOPIC)
            {
                patterns.add(new TopicPattern(binding.routingKey()));
            }
        }
    }

    /**
     * @return true if the exchange has no binding.
     */
    boolean isEmpty()
    {
        return all.isEmpty();
    }

    /**
     * @param routingKey the message's routing key.
     * @param headers    the message's headers, normalized (for a headers exchange), or null.
     * @param into       given every binding that matches.
     */
    void match(final String routingKey, final Map<String, Object> headers, final List<BindingDef> into)
    {
        switch (type)
        {
            case DIRECT ->
            {
                final List<BindingDef> matched = byKey.get(routingKey);
                if (matched != null)
                {
                    into.addAll(matched);
                }
            }
            case FANOUT -> into.addAll(all);
            case TOPIC ->
            {
                final String[] words = TopicPattern.words(routingKey);
                for (int i = 0; i < all.size(); i++)
                {
                    if (patterns.get(i).matches(words))
                    {
                        into.add(all.get(i));
                    }
                }
            }
            case HEADERS ->
            {
                for (final BindingDef binding : all)
                {
                    if (headersMatch(binding.arguments(), headers == null ? Map.of() : headers))
                    {
                        into.add(binding);
                    }
                }
            }
            default -> throw new IllegalStateException("exchange type " + type);
        }
    }

    /**
     * A headers binding matches when all (x-match = all, the default) or any (x-match = any) of its
     * arguments are among the message's headers with the same value; a void argument asks only for
     * the header to be there. Arguments starting with {@code x-} are not matched, unless x-match is
     * {@code all-with-x} or {@code any-with-x}.
     */
    static boolean headersMatch(final Map<String, Object> arguments, final Map<String, Object> headers)
    {
        final Object mode = arguments.getOrDefault(X_MATCH, "all");
        final boolean any = "any".equals(mode) || "any-with-x".equals(mode);
        final boolean withX = "all-with-x".equals(mode) || "any-with-x".equals(mode);
        boolean anyMatched = false;
        for (final Map.Entry<String, Object> argument : arguments.entrySet())
        {
            final String key = argument.getKey();
            if (key.equals(X_MATCH) || !withX && key.startsWith("x-"))
            {
                continue;
            }
            final boolean matched = headers.containsKey(key) &&
                (argument.getValue() == null || Objects.equals(argument.getValue(), headers.get(key)));
            if (matched)
            {
                anyMatched = true;
                if (any)
                {
                    return true;
                }
            }
            else if (!any)
            {
                return false;
            }
        }
        return !any || anyMatched;
    }
}
