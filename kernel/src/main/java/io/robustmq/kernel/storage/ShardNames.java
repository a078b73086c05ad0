package io.robustmq.kernel.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Maps shard names, which may hold any character (an MQTT topic holds {@code /}), to the journal's
 * file-safe names and back: letters, digits, {@code -} and {@code _} stay, {@code .} stays except
 * first, every other byte of the UTF-8 encoding becomes {@code %XX}.
 */
final class ShardNames
{
    private ShardNames()
    {
    }

    static String encode(final String name)
    {
        if (name.isEmpty())
        {
            throw new IllegalArgumentException("a shard name must not be empty");
        }
        final StringBuilder out = new StringBuilder(name.length() + 8);
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++)
        {
            final int b = bytes[i] & 0xFF;
            final boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') ||
                b == '-' || b == '_' || (b == '.' && i > 0);
            if (plain)
            {
                out.append((char)b);
            }
            else
            {
                out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        if (out.length() > 200)
        {
            throw new IllegalArgumentException("shard name too long once encoded (" + out.length() + " > 200): " + name);
        }
        return out.toString();
    }

    static String decode(final String encoded)
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
