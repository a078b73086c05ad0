package io.robustmq.kernel.cursor;

import org.agrona.MutableDirectBuffer;

/**
 * UTF-8 without an intermediate byte array, as {@link String#getBytes} with UTF-8 would encode
 * (an unpaired surrogate becomes {@code ?}), so that a commit's metadata goes straight into the
 * writer's queue.
 */
final class Utf8
{
    private Utf8()
    {
    }

    /**
     * @param text the text.
     * @return its UTF-8 length in bytes.
     */
    static int length(final CharSequence text)
    {
        final int chars = text.length();
        int bytes = 0;
        for (int i = 0; i < chars; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(text.charAt(i + 1)))
                {
                    bytes += 4;
                    i++;
                }
                else
                {
                    bytes++;
                }
            }
            else
            {
                bytes += 3;
            }
        }
        return bytes;
    }

    /**
     * @param text   the text.
     * @param buffer written to.
     * @param index  where its first byte goes.
     * @return bytes written ({@link #length} of the text).
     */
    static int encode(final CharSequence text, final MutableDirectBuffer buffer, final int index)
    {
        final int chars = text.length();
        int at = index;
        for (int i = 0; i < chars; i++)
        {
            final char c = text.charAt(i);
            if (c < 0x80)
            {
                buffer.putByte(at++, (byte)c);
            }
            else if (c < 0x800)
            {
                buffer.putByte(at++, (byte)(0xC0 | (c >> 6)));
                buffer.putByte(at++, (byte)(0x80 | (c & 0x3F)));
            }
            else if (Character.isSurrogate(c))
            {
                if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(text.charAt(i + 1)))
                {
                    final int codePoint = Character.toCodePoint(c, text.charAt(++i));
                    buffer.putByte(at++, (byte)(0xF0 | (codePoint >> 18)));
                    buffer.putByte(at++, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
                    buffer.putByte(at++, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
                    buffer.putByte(at++, (byte)(0x80 | (codePoint & 0x3F)));
                }
                else
                {
                    buffer.putByte(at++, (byte)'?');
                }
            }
            else
            {
                buffer.putByte(at++, (byte)(0xE0 | (c >> 12)));
                buffer.putByte(at++, (byte)(0x80 | ((c >> 6) & 0x3F)));
                buffer.putByte(at++, (byte)(0x80 | (c & 0x3F)));
            }
        }
        return at - index;
    }
}
