package io.robustmq.plugin.amqp.codec;

import io.netty.buffer.ByteBuf;

/**
 * Checks that a method's arguments lie within its frame before anything is decoded: every string,
 * table and array declares its length, and a length past the frame's end would otherwise make the
 * decoder allocate what the length claims (up to 4 GiB) before finding the bytes missing. A shape is
 * one character per argument, in the order of the specification's method definition:
 * <pre>
 * o octet     s short     l long      L longlong   T timestamp
 * S shortstr  X longstr   F table     b bit (consecutive bits share an octet)
 * </pre>
 * Field values inside tables and arrays are walked the same way, down to {@link #MAX_DEPTH} levels.
 * Stateless.
 */
final class ArgumentBounds
{
    /** Tables and arrays nested deeper than this are refused. */
    static final int MAX_DEPTH = 64;

    private ArgumentBounds()
    {
    }

    /**
     * @param in    the arguments, from {@code index}.
     * @param index where they start.
     * @param end   where the frame's payload ends.
     * @param shape the method's shape.
     * @return null if every argument lies within the payload, else what is wrong.
     */
    static String check(final ByteBuf in, final int index, final int end, final String shape)
    {
        int at = index;
        boolean inBits = false;
        for (int i = 0; i < shape.length(); i++)
        {
            final char kind = shape.charAt(i);
            if (kind == 'b')
            {
                if (!inBits)
                {
                    at += 1;
                    inBits = true;
                }
            }
            else
            {
                inBits = false;
                at = skip(in, at, end, kind, 0);
            }
            if (at < 0 || at > end)
            {
                return "argument " + (i + 1) + " (" + name(kind) + ") runs past the frame's end";
            }
        }
        return null;
    }

    /**
     * Skip one value.
     *
     * @return the index after it, or -1 if it runs past {@code end} or is malformed.
     */
    private static int skip(final ByteBuf in, final int at, final int end, final char kind, final int depth)
    {
        return switch (kind)
        {
            case 'o' -> at + 1;
            case 's' -> at + 2;
            case 'l' -> at + 4;
            case 'L', 'T' -> at + 8;
            case 'S' -> at + 1 > end ? -1 : at + 1 + in.getUnsignedByte(at);
            case 'X' -> lengthPrefixed(in, at, end);
            case 'F' -> table(in, at, end, depth);
            default -> throw new IllegalArgumentException("unknown argument kind " + kind);
        };
    }

    private static int lengthPrefixed(final ByteBuf in, final int at, final int end)
    {
        if (at + 4 > end)
        {
            return -1;
        }
        final long length = in.getUnsignedInt(at);
        return length > end - at - 4 ? -1 : at + 4 + (int)length;
    }

    private static int table(final ByteBuf in, final int at, final int end, final int depth)
    {
        final int tableEnd = lengthPrefixed(in, at, end);
        if (tableEnd < 0 || depth >= MAX_DEPTH)
        {
            return -1;
        }
        int field = at + 4;
        while (field < tableEnd)
        {
            field = skip(in, field, tableEnd, 'S', depth);
            if (field < 0 || field >= tableEnd)
            {
                return -1;
            }
            field = fieldValue(in, field, tableEnd, depth + 1);
            if (field < 0)
            {
                return -1;
            }
        }
        return field == tableEnd ? tableEnd : -1;
    }

    private static int array(final ByteBuf in, final int at, final int end, final int depth)
    {
        final int arrayEnd = lengthPrefixed(in, at, end);
        if (arrayEnd < 0 || depth >= MAX_DEPTH)
        {
            return -1;
        }
        int value = at + 4;
        while (value < arrayEnd && value >= 0)
        {
            value = fieldValue(in, value, arrayEnd, depth + 1);
        }
        return value == arrayEnd ? arrayEnd : -1;
    }

    /**
     * Skip a field value: its type octet, then the value (the field types RabbitMQ and its clients use).
     */
    private static int fieldValue(final ByteBuf in, final int at, final int end, final int depth)
    {
        if (at + 1 > end)
        {
            return -1;
        }
        final int value = at + 1;
        final int after = switch (in.getByte(at))
        {
            case 't', 'b', 'B' -> value + 1;
            case 's', 'u' -> value + 2;
            case 'I', 'i', 'f' -> value + 4;
            case 'D' -> value + 5;
            case 'l', 'd', 'T' -> value + 8;
            case 'V' -> value;
            case 'S', 'x' -> lengthPrefixed(in, value, end);
            case 'A' -> array(in, value, end, depth);
            case 'F' -> table(in, value, end, depth);
            default -> -1;
        };
        return after > end ? -1 : after;
    }

    private static String name(final char kind)
    {
        return switch (kind)
        {
            case 'o' -> "octet";
            case 's' -> "short";
            case 'l' -> "long";
            case 'L' -> "longlong";
            case 'T' -> "timestamp";
            case 'S' -> "shortstr";
            case 'X' -> "longstr";
            case 'F' -> "table";
            default -> "bit";
        };
    }
}
