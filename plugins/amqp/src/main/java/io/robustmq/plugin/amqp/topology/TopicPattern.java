package io.robustmq.plugin.amqp.topology;

/**
 * A topic exchange's binding key: words separated by dots, where {@code *} stands for exactly one
 * word and {@code #} for zero or more (AMQP 0-9-1 section 3.1.3.3, as RabbitMQ matches). Immutable.
 */
final class TopicPattern
{
    private final String[] words;

    /**
     * @param pattern a binding key.
     */
    TopicPattern(final String pattern)
    {
        this.words = pattern.split("\\.", -1);
    }

    /**
     * @param routingKey a message's routing key, split into its words.
     * @return true if the pattern matches it.
     */
    boolean matches(final String[] routingKey)
    {
        return matches(0, routingKey, 0);
    }

    private boolean matches(final int w, final String[] key, final int k)
    {
        if (w == words.length)
        {
            return k == key.length;
        }
        final String word = words[w];
        if ("#".equals(word))
        {
            for (int skip = k; skip <= key.length; skip++)
            {
                if (matches(w + 1, key, skip))
                {
                    return true;
                }
            }
            return false;
        }
        if (k == key.length)
        {
            return false;
        }
        return ("*".equals(word) || word.equals(key[k])) && matches(w + 1, key, k + 1);
    }

    /**
     * @param routingKey a routing key.
     * @return its words, as {@link #matches} takes them.
     */
    static String[] words(final String routingKey)
    {
        return routingKey.split("\\.", -1);
    }
}
