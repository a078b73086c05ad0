package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.LongString;
import com.rabbitmq.client.impl.ValueReader;
import com.rabbitmq.client.impl.ValueWriter;
import io.netty.buffer.Unpooled;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * AMQP field tables as bytes (for the entities the cluster's metadata keeps) and as values to
 * compare: a table's strings arrive as the client library's {@code LongString}, and two tables that
 * say the same are equal once {@link #normalize normalized}. Stateless.
 */
public final class FieldTables
{
    private FieldTables()
    {
    }

    /**
     * @param table a field table (values of the types AMQP tables hold).
     * @return its encoding, length included.
     */
    public static byte[] encode(final Map<String, Object> table)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes))
        {
            final ValueWriter writer = new ValueWriter(out);
            writer.writeTable(toWire(table));
            writer.flush();
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("a field table that does not encode: " + ex.getMessage(), ex);
        }
        return bytes.toByteArray();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toWire(final Map<String, Object> table)
    {
        final Map<String, Object> wire = new TreeMap<>();
        table.forEach((key, value) -> wire.put(key, toWireValue(value)));
        return wire;
    }

    @SuppressWarnings("unchecked")
    private static Object toWireValue(final Object value)
    {
        if (value instanceof Bytes bytes)
        {
            return bytes.bytes().clone();
        }
        if (value instanceof Map<?, ?> map)
        {
            return toWire((Map<String, Object>)map);
        }
        if (value instanceof List<?> list)
        {
            final List<Object> wire = new ArrayList<>(list.size());
            list.forEach(element -> wire.add(toWireValue(element)));
            return wire;
        }
        return value;
    }

    /**
     * @param bytes a table's encoding, length included, as {@link #encode} makes it.
     * @return the table, normalized.
     * @throws IllegalArgumentException if the bytes are not a table.
     */
    public static Map<String, Object> decode(final byte[] bytes)
    {
        if (ArgumentBounds.check(Unpooled.wrappedBuffer(bytes), 0, bytes.length, "F") != null)
        {
            throw new IllegalArgumentException("not a field table: a length runs past its end");
        }
        try
        {
            return normalizeTable(new ValueReader(new DataInputStream(new ByteArrayInputStream(bytes))).readTable());
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("not a field table: " + ex.getMessage(), ex);
        }
    }

    /**
     * @param table a table as a client's method carries it (null for none).
     * @return the same table with its strings as {@link String}, its byte arrays as lists, its nested
     * tables sorted by key: equal to any other that says the same.
     */
    public static Map<String, Object> normalizeTable(final Map<String, Object> table)
    {
        final Map<String, Object> normalized = new TreeMap<>();
        if (table != null)
        {
            table.forEach((key, value) -> normalized.put(key, normalize(value)));
        }
        return normalized;
    }

    /**
     * @param value a field value.
     * @return it, normalized (see {@link #normalizeTable}).
     */
    @SuppressWarnings("unchecked")
    public static Object normalize(final Object value)
    {
        if (value instanceof LongString string)
        {
            return new String(string.getBytes(), StandardCharsets.UTF_8);
        }
        if (value instanceof Map<?, ?> map)
        {
            return normalizeTable((Map<String, Object>)map);
        }
        if (value instanceof List<?> list)
        {
            final List<Object> normalized = new ArrayList<>(list.size());
            list.forEach(element -> normalized.add(normalize(element)));
            return normalized;
        }
        if (value instanceof Object[] array)
        {
            return normalize(Arrays.asList(array));
        }
        if (value instanceof byte[] bytes)
        {
            return new Bytes(bytes.clone());
        }
        return value;
    }

    /**
     * @param value a field value, normalized.
     * @return it as a whole number, or null if it is none (a string, a decimal with a fraction, ...).
     */
    public static Long wholeNumber(final Object value)
    {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long)
        {
            return ((Number)value).longValue();
        }
        if (value instanceof BigDecimal decimal)
        {
            try
            {
                return decimal.longValueExact();
            }
            catch (final ArithmeticException ex)
            {
                return null;
            }
        }
        return null;
    }

    /**
     * @param value a field value, normalized.
     * @return how RabbitMQ shows it in a reply text: a string as it is, other values by their text.
     */
    public static String show(final Object value)
    {
        if (value instanceof Date date)
        {
            return Long.toString(date.getTime() / 1000);
        }
        return String.valueOf(value);
    }

    /**
     * A byte-array value ({@code x}), equal to another of the same bytes; encoded back as the bytes.
     *
     * @param bytes the bytes.
     */
    public record Bytes(byte[] bytes)
    {
        @Override
        public boolean equals(final Object other)
        {
            return other instanceof Bytes that && Arrays.equals(bytes, that.bytes);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString()
        {
            return "<<" + bytes.length + " bytes>>";
        }
    }
}
