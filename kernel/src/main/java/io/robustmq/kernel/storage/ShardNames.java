package io.robustmq.kernel.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * The rule that names each shard's directory, for shards created from now on. A name is at most
 * {@link #MAX_LENGTH} characters of {@code [A-Za-z0-9._%-]} (the journal's own limit, well within
 * the 255 bytes of a file name), never {@code .} nor {@code ..}, and no two shards get names that
 * differ only by case:
 * <pre>
 *   topic shard:   t.&lt;readable prefix of the topic&gt;.&lt;topic id&gt;.&lt;partition&gt;
 *                  t.sensors%2F1%2Ftemp.4b1f2c1e-5a7d-3c9e-8f10-2a6b9e3d7c55.0
 *   private shard: p.&lt;escaped owner&gt;.&lt;escaped name&gt;
 *                  p.mqtt.%24mqtt-sessions-3
 * </pre>
 * <ul>
 *   <li><b>Topic shards</b> are told apart by their topic id (a UUID, lowercase, unique to one life
 *       of one topic) and partition (decimal): the two fields after the last two dots, which
 *       neither holds. The prefix is only a hint for people: at most {@link #READABLE_PREFIX_MAX}
 *       characters of the topic's name, ASCII letters, digits, {@code -} and {@code _} as they are,
 *       every other byte of its UTF-8 encoding as {@code %XX}, cut before an escape that would not
 *       fit.</li>
 *   <li><b>Private shards</b> are told apart by (owner, name), both escaped so that the escape is
 *       reversible even after folding case: lowercase ASCII letters, digits, {@code -} and
 *       {@code _} as they are, every other byte (upper case letters and {@code .} included) as
 *       {@code %XX} with upper case hex digits. The dot between the two is thus unambiguous, and a
 *       name that would not fit is refused rather than shortened.</li>
 * </ul>
 * Names are never read back: the identity of a shard is recorded in its directory
 * ({@link ShardIdentityFile}). Directories written before identities existed were named by
 * {@link #legacyDecode}'s inverse; they are recognised by having no identity recorded.
 */
final class ShardNames
{
    /** Longest directory name: the journal's limit on a shard's name. */
    static final int MAX_LENGTH = 200;
    /** Longest readable prefix of a topic shard's name. */
    static final int READABLE_PREFIX_MAX = 120;
    /** Longest escaped private shard name. */
    static final int PRIVATE_NAME_MAX = 160;
    /** Longest escaped owner of private shards (a plugin's name has at most 32 characters). */
    static final int OWNER_MAX = 34;

    static final String TOPIC_KIND = "t.";
    static final String PRIVATE_KIND = "p.";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private ShardNames()
    {
    }

    /**
     * @param topic     the topic's name, any length.
     * @param topicId   the topic's id.
     * @param partition the partition, not negative.
     * @return the directory name of the topic's shard.
     */
    static String topicDirectory(final String topic, final UUID topicId, final int partition)
    {
        if (partition < 0)
        {
            throw new IllegalArgumentException("a partition is not negative: " + partition);
        }
        final StringBuilder out = new StringBuilder(TOPIC_KIND.length() + READABLE_PREFIX_MAX + 48);
        out.append(TOPIC_KIND);
        escape(topic, true, READABLE_PREFIX_MAX, out);
        out.append('.').append(topicId.toString().toLowerCase(Locale.ROOT)).append('.').append(partition);
        return out.toString();
    }

    /**
     * @param owner the owner: a plugin's name, or the kernel's owner.
     * @param name  the shard's name in the owner's namespace.
     * @return the directory name of the private shard.
     * @throws IllegalArgumentException if either is empty or too long once escaped.
     */
    static String privateDirectory(final String owner, final String name)
    {
        if (owner.isEmpty() || name.isEmpty())
        {
            throw new IllegalArgumentException("a private shard's owner and name must not be empty");
        }
        final StringBuilder out = new StringBuilder(PRIVATE_KIND.length() + OWNER_MAX + 1 + PRIVATE_NAME_MAX);
        out.append(PRIVATE_KIND);
        if (!escape(owner, false, OWNER_MAX, out))
        {
            throw new IllegalArgumentException("a private shard's owner is too long once escaped (at most " +
                OWNER_MAX + "): " + owner);
        }
        out.append('.');
        if (!escape(name, false, PRIVATE_NAME_MAX, out))
        {
            throw new IllegalArgumentException("private shard name too long once escaped (at most " + PRIVATE_NAME_MAX +
                " characters; a byte other than a-z, 0-9, - and _ takes three): " + abbreviate(name));
        }
        return out.toString();
    }

    /**
     * Append {@code text}, escaped, to {@code out}, up to {@code max} characters.
     *
     * @param keepUpperCase whether ASCII upper case letters stay as they are (not reversible once
     *                      case is folded).
     * @return false if not all of it fitted.
     */
    private static boolean escape(final String text, final boolean keepUpperCase, final int max, final StringBuilder out)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int written = 0;
        for (final byte value : bytes)
        {
            final int b = value & 0xFF;
            final boolean plain = (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' ||
                (keepUpperCase && b >= 'A' && b <= 'Z');
            final int width = plain ? 1 : 3;
            if (written + width > max)
            {
                return false;
            }
            if (plain)
            {
                out.append((char)b);
            }
            else
            {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xF]);
            }
            written += width;
        }
        return true;
    }

    private static String abbreviate(final String text)
    {
        return text.length() <= 80 ? text : text.substring(0, 80) + "... (" + text.length() + " characters)";
    }

    /**
     * The name a shard had before shards had identities: the previous version encoded names with
     * letters, digits, {@code -}, {@code _} and {@code .} (except first) as they are and every
     * other byte of their UTF-8 encoding as {@code %XX}.
     *
     * @param encoded a directory name written by the previous version.
     * @return the shard's old name.
     */
    static String legacyDecode(final String encoded)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++)
        {
            final char c = encoded.charAt(i);
            if (c == '%' && i + 2 < encoded.length())
            {
                bytes.write(Integer.parseInt(encoded.substring(i + 1, i + 3), 16));
                i += 2;
            }
            else
            {
                bytes.write(c);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
