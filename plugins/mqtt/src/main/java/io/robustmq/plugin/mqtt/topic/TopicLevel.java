package io.robustmq.plugin.mqtt.topic;

/**
 * One level of a topic name or filter, as the key of a {@link TrieNode}'s children. A key the trie
 * stores owns its text ({@link #copyOf}); the key a look-up uses is a view of a level inside a
 * longer string ({@link #view()} then {@link #aim}), aimed again for each look-up, so a look-up
 * allocates no substring. Every key is equal to every other with the same characters, and hashes
 * as {@link String#hashCode()} would hash them, so either kind finds the other in a hash map.
 * <p>
 * A level of at most {@value #PACKED_CHARS} characters below U+0100 (most levels: words, numbers,
 * short identifiers) is also packed, a byte a character, into two longs, and two such levels
 * compare by those longs, without reading the stored key's string: one cache miss fewer for each
 * level a match looks up.
 * <p>
 * A stored key never changes. A view belongs to one thread and must not be changed while a map is
 * using it; it is never stored.
 */
final class TopicLevel
{
    /** The longest level packed into {@link #low} and {@link #high}. */
    static final int PACKED_CHARS = 16;

    private String text;
    private int start;
    private int length;
    private int end;
    private int hash;
    private boolean packed;
    private long low;
    private long high;

    private TopicLevel()
    {
    }

    /**
     * @return an empty view, to be aimed with {@link #aim} before each use.
     */
    static TopicLevel view()
    {
        return new TopicLevel().aim("", 0, 0);
    }

    /**
     * @param level a key or view.
     * @return a key that owns a copy of the level's characters.
     */
    static TopicLevel copyOf(final TopicLevel level)
    {
        final String text = level.toString();
        return new TopicLevel().aim(text, 0, text.length());
    }

    /**
     * Aims this view at the characters {@code [start, end)} of {@code text}.
     *
     * @return this view.
     */
    TopicLevel aim(final String text, final int start, final int end)
    {
        final int length = end - start;
        boolean packed = length <= PACKED_CHARS;
        int hash = 0;
        long low = 0;
        long high = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = text.charAt(start + i);
            hash = 31 * hash + c;
            if (c > 0xFF)
            {
                packed = false;
            }
            else if (i < 8)
            {
                low |= (long)c << (i << 3);
            }
            else if (i < PACKED_CHARS)
            {
                high |= (long)c << ((i - 8) << 3);
            }
        }
        this.text = text;
        this.start = start;
        this.length = length;
        this.end = end;
        this.hash = hash;
        this.packed = packed;
        this.low = low;
        this.high = high;
        return this;
    }

    /**
     * @return where the level ends in the string it was aimed at.
     */
    int end()
    {
        return end;
    }

    /**
     * @return whether this level is the one character {@code c}.
     */
    boolean is(final char c)
    {
        return length == 1 && text.charAt(start) == c;
    }

    @Override
    public boolean equals(final Object other)
    {
        if (!(other instanceof TopicLevel level) || level.hash != hash || level.length != length ||
            level.packed != packed)
        {
            return false;
        }
        return packed ? level.low == low && level.high == high :
            text.regionMatches(start, level.text, level.start, length);
    }

    @Override
    public int hashCode()
    {
        return hash;
    }

    @Override
    public String toString()
    {
        return text.substring(start, end);
    }
}
