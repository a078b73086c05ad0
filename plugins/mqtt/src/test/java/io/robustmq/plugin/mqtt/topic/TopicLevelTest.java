package io.robustmq.plugin.mqtt.topic;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Levels as hash keys: a view and a stored key are equal exactly when their characters are, packed
 * ({@value TopicLevel#PACKED_CHARS} chars or fewer, all below U+0100) or not, and hash as strings do.
 */
class TopicLevelTest
{
    private static final char[] CHARS = {'a', 'b', '\0', '\u00ff', '\u0100', '\u00e9', '\uD83D', '\uDE00'};

    static LongStream seeds()
    {
        return Seeds.stream(10);
    }

    @Test
    void hashAndCompareLikeStrings()
    {
        final TopicLevel view = TopicLevel.view();
        for (final String level : List.of("", "a", "sport", "\u00e9t\u00e9", "\uD83D\uDE00", "$SYS", "x".repeat(8),
            "x".repeat(9), "x".repeat(16), "x".repeat(17), "x".repeat(100), "\u00ff".repeat(16), "\u0100"))
        {
            final String text = "pre/" + level + "/post";
            view.aim(text, 4, 4 + level.length());
            assertEquals(level.hashCode(), view.hashCode(), level);
            assertEquals(level, view.toString());
            assertEquals(4 + level.length(), view.end());
            final TopicLevel stored = TopicLevel.copyOf(view);
            assertEquals(stored, view);
            assertEquals(view, stored);
            assertEquals(level.hashCode(), stored.hashCode());
        }
        final TopicLevel a = TopicLevel.copyOf(TopicLevel.view().aim("ab", 0, 1));
        assertFalse(a.equals(TopicLevel.view().aim("ab", 1, 2)));
        assertFalse(a.equals(TopicLevel.view().aim("ab", 0, 2)));
        assertFalse(a.equals("a"));
        // Same length, a NUL where the other has nothing to pack: still different.
        assertFalse(TopicLevel.view().aim("a\0", 0, 2).equals(TopicLevel.view().aim("a\0\0", 1, 3)));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void equalExactlyWhenTheCharactersAre(final long seed)
    {
        final Random random = new Random(seed);
        for (int i = 0; i < 20_000; i++)
        {
            final String left = random(random);
            final String right = random.nextInt(4) == 0 ? left : random(random);
            final TopicLevel stored = TopicLevel.copyOf(TopicLevel.view().aim("/" + left, 1, 1 + left.length()));
            final TopicLevel view = TopicLevel.view().aim(right + "/x", 0, right.length());
            assertEquals(left.equals(right), stored.equals(view), () -> TopicNamesTest.escape(left) + " " +
                TopicNamesTest.escape(right));
            assertEquals(left.equals(right), view.equals(stored));
            assertEquals(right.hashCode(), view.hashCode());
        }
    }

    private static String random(final Random random)
    {
        final char[] chars = new char[random.nextInt(20)];
        final int alphabet = 1 + random.nextInt(CHARS.length);
        for (int i = 0; i < chars.length; i++)
        {
            chars[i] = CHARS[random.nextInt(alphabet)];
        }
        return new String(chars);
    }
}
