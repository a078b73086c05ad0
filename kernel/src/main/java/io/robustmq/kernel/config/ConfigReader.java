package io.robustmq.kernel.config;

import io.robustmq.plugin.api.ConfigurationException;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Typed reads over a {@link ConfigSource}, with one error shape for every key:
 * {@code admin.port (from config/server.toml): expected an integer in 0..65535, got 70000}.
 */
public final class ConfigReader
{
    private final ConfigSource source;

    /**
     * @param source the values to read.
     */
    public ConfigReader(final ConfigSource source)
    {
        this.source = source;
    }

    /**
     * @return the values read.
     */
    public ConfigSource source()
    {
        return source;
    }

    /**
     * @param key          dotted key.
     * @param defaultValue used when no source gives the key.
     * @return the value.
     */
    public String getString(final String key, final String defaultValue)
    {
        final Optional<ConfigSource.RawValue> raw = source.raw(key);
        if (raw.isEmpty())
        {
            return defaultValue;
        }
        final Object value = raw.get().value();
        if (!(value instanceof String text))
        {
            throw error(key, raw.get(), "expected a string, got " + value);
        }
        return text;
    }

    /**
     * @param key          dotted key.
     * @param defaultValue used when no source gives the key.
     * @param min          smallest value allowed.
     * @param max          largest value allowed.
     * @return the value.
     */
    public long getLong(final String key, final long defaultValue, final long min, final long max)
    {
        final Optional<ConfigSource.RawValue> raw = source.raw(key);
        if (raw.isEmpty())
        {
            return defaultValue;
        }
        final Object value = raw.get().value();
        final String expected = "expected an integer in " + min + ".." + max;
        final long number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte)
        {
            number = ((Number)value).longValue();
        }
        else if (value instanceof String text)
        {
            try
            {
                number = Long.parseLong(text.trim());
            }
            catch (final NumberFormatException ex)
            {
                throw error(key, raw.get(), expected + ", got '" + text + "'");
            }
        }
        else
        {
            throw error(key, raw.get(), expected + ", got " + value);
        }
        if (number < min || number > max)
        {
            throw error(key, raw.get(), expected + ", got " + number);
        }
        return number;
    }

    /**
     * @param key          dotted key.
     * @param defaultValue used when no source gives the key.
     * @param min          smallest value allowed.
     * @param max          largest value allowed.
     * @return the value.
     */
    public int getInt(final String key, final int defaultValue, final int min, final int max)
    {
        return (int)getLong(key, defaultValue, min, max);
    }

    /**
     * @param key          dotted key.
     * @param defaultValue used when no source gives the key.
     * @return the value.
     */
    public boolean getBoolean(final String key, final boolean defaultValue)
    {
        final Optional<ConfigSource.RawValue> raw = source.raw(key);
        if (raw.isEmpty())
        {
            return defaultValue;
        }
        final Object value = raw.get().value();
        if (value instanceof Boolean flag)
        {
            return flag;
        }
        if (value instanceof String text)
        {
            final String lower = text.trim().toLowerCase(Locale.ROOT);
            if (lower.equals("true") || lower.equals("false"))
            {
                return Boolean.parseBoolean(lower);
            }
        }
        throw error(key, raw.get(), "expected true or false, got " + describe(value));
    }

    /**
     * @param key dotted key.
     * @return a TOML array of strings, or a comma-separated string (from the environment or a
     * property); empty when no source gives the key.
     */
    public List<String> getStringList(final String key)
    {
        final Optional<ConfigSource.RawValue> raw = source.raw(key);
        if (raw.isEmpty())
        {
            return List.of();
        }
        final Object value = raw.get().value();
        final List<String> items = new java.util.ArrayList<>();
        if (value instanceof List<?> list)
        {
            for (final Object item : list)
            {
                if (!(item instanceof String text))
                {
                    throw error(key, raw.get(), "expected an array of strings, got " + describe(item) + " in it");
                }
                items.add(text.trim());
            }
        }
        else if (value instanceof String text)
        {
            for (final String item : text.split(","))
            {
                if (!item.isBlank())
                {
                    items.add(item.trim());
                }
            }
        }
        else
        {
            throw error(key, raw.get(), "expected an array of strings, got " + describe(value));
        }
        return List.copyOf(items);
    }

    /**
     * @param key          dotted key.
     * @param defaultValue used when no source gives the key.
     * @param allowed      the values allowed, lower case.
     * @return the value, lower case.
     */
    public String getChoice(final String key, final String defaultValue, final List<String> allowed)
    {
        final String value = getString(key, defaultValue).trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(value))
        {
            throw error(key, source.raw(key).orElseThrow(), "expected one of " + String.join(", ", allowed) +
                ", got '" + value + "'");
        }
        return value;
    }

    /**
     * @param key          dotted key.
     * @param defaultValue used when no source gives the key.
     * @param parser       turns the text given into the value; the message of an
     *                     {@link IllegalArgumentException} it throws becomes the key's error.
     * @param <T>          the value's type.
     * @return the value.
     */
    public <T> T getParsed(final String key, final T defaultValue, final java.util.function.Function<String, T> parser)
    {
        final Optional<ConfigSource.RawValue> raw = source.raw(key);
        if (raw.isEmpty())
        {
            return defaultValue;
        }
        final String text = getString(key, "");
        try
        {
            return parser.apply(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw error(key, raw.get(), ex.getMessage());
        }
    }

    private static String describe(final Object value)
    {
        return value instanceof String ? "'" + value + "'" : String.valueOf(value);
    }

    private static ConfigurationException error(
        final String key, final ConfigSource.RawValue raw, final String message)
    {
        return new ConfigurationException(key, "(from " + raw.origin() + ") " + message);
    }
}
