package io.robustmq.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.robustmq.plugin.api.ConfigurationException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every configuration value a node was given, from three places, highest precedence first:
 * system properties ({@code -Drobustmq.admin.port=58081}), environment variables
 * ({@code ROBUSTMQ_ADMIN_PORT=58081}) and the TOML file ({@code [admin] port = 58081}).
 * <p>
 * Keys are dotted paths ({@code admin.port}). Every typed read marks its key as known;
 * {@link #unknownKeys(String)} then names what was given but never read, which the node reports
 * as an error instead of silently ignoring it. Reads are thread-safe; values never change.
 */
public final class ConfigSource
{
    /** Prefix of system properties that set configuration keys. */
    public static final String PROPERTY_PREFIX = "robustmq.";
    /** Prefix of environment variables that set configuration keys. */
    public static final String ENV_PREFIX = "ROBUSTMQ_";

    /**
     * A value as given, before conversion.
     *
     * @param value  a String, Boolean, Number or List, as the source held it.
     * @param origin where it came from, for error messages.
     */
    public record RawValue(Object value, String origin)
    {
    }

    /**
     * A key some source gives that nothing read.
     *
     * @param key    the dotted key, or the environment variable's name.
     * @param origin where it was given.
     */
    public record UnknownKey(String key, String origin)
    {
    }

    private final String fileName;
    private final Map<String, Object> fileValues;
    private final Map<String, String> environment;
    private final Map<String, String> properties;
    private final Set<String> knownKeys = ConcurrentHashMap.newKeySet();

    private ConfigSource(
        final String fileName,
        final Map<String, Object> fileValues,
        final Map<String, String> environment,
        final Map<String, String> properties)
    {
        this.fileName = fileName;
        this.fileValues = fileValues;
        this.environment = environment;
        this.properties = properties;
    }

    /**
     * @param file        the TOML file, or null for none.
     * @param environment the process environment; only {@code ROBUSTMQ_*} variables are used.
     * @param properties  system properties; only {@code robustmq.*} ones are used.
     * @return the source.
     * @throws ConfigurationException if the file cannot be read or parsed.
     */
    public static ConfigSource load(final Path file, final Map<String, String> environment, final Properties properties)
    {
        final Map<String, Object> fileValues = new TreeMap<>();
        String fileName = "defaults";
        if (file != null)
        {
            fileName = file.toString();
            if (!Files.isReadable(file))
            {
                throw new ConfigurationException("config", "cannot read configuration file " + file);
            }
            try
            {
                flatten("", new TomlMapper().readTree(file.toFile()), fileValues);
            }
            catch (final IOException ex)
            {
                throw new ConfigurationException("config", file + " is not valid TOML: " + firstLine(ex.getMessage()));
            }
        }
        return new ConfigSource(fileName, fileValues, filter(environment), robustProperties(properties));
    }

    /**
     * @param key a dotted key.
     * @return its environment variable, e.g. {@code ROBUSTMQ_ADMIN_PORT} for {@code admin.port}.
     */
    public static String environmentName(final String key)
    {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /**
     * @return the name of the file the values came from, or {@code defaults}.
     */
    public String fileName()
    {
        return fileName;
    }

    /**
     * Look a key up and mark it known.
     *
     * @param key a dotted key.
     * @return the value with the highest precedence, or empty if none is given.
     */
    public Optional<RawValue> raw(final String key)
    {
        knownKeys.add(key);
        final String property = properties.get(key);
        if (property != null)
        {
            return Optional.of(new RawValue(property, "-D" + PROPERTY_PREFIX + key));
        }
        final String envName = environmentName(key);
        final String env = environment.get(envName);
        if (env != null)
        {
            return Optional.of(new RawValue(env, "environment " + envName));
        }
        final Object value = fileValues.get(key);
        return value == null ? Optional.empty() : Optional.of(new RawValue(value, fileName));
    }

    /**
     * @param key a dotted key.
     * @return true if any source gives the key; does not mark it known.
     */
    public boolean isSet(final String key)
    {
        return properties.containsKey(key) || environment.containsKey(environmentName(key)) ||
            fileValues.containsKey(key);
    }

    /**
     * @param prefix a dotted prefix, e.g. {@code storage.topics.}.
     * @return the keys under it that the file or a system property gives (environment variables
     * cannot be enumerated back to keys); does not mark them known.
     */
    public Set<String> keysUnder(final String prefix)
    {
        final Set<String> keys = new TreeSet<>();
        for (final String key : fileValues.keySet())
        {
            if (key.startsWith(prefix))
            {
                keys.add(key);
            }
        }
        for (final String key : properties.keySet())
        {
            if (key.startsWith(prefix))
            {
                keys.add(key);
            }
        }
        return keys;
    }

    /**
     * Name every value given under a prefix whose key was never read: a typo or a key of another
     * version. Environment variables are matched by name, since their names cannot be mapped back.
     *
     * @param prefix a dotted prefix, e.g. {@code plugins.mqtt.}; empty for all keys.
     * @return the unknown keys, empty when all are known.
     */
    public List<UnknownKey> unknownKeys(final String prefix)
    {
        final List<UnknownKey> unknown = new ArrayList<>();
        for (final String key : fileValues.keySet())
        {
            if (key.startsWith(prefix) && !knownKeys.contains(key))
            {
                unknown.add(new UnknownKey(key, fileName));
            }
        }
        for (final String key : properties.keySet())
        {
            if (key.startsWith(prefix) && !knownKeys.contains(key))
            {
                unknown.add(new UnknownKey(key, "-D" + PROPERTY_PREFIX + key));
            }
        }
        final String envPrefix = prefix.isEmpty() ? ENV_PREFIX : environmentName(prefix.substring(0, prefix.length() - 1)) + "_";
        final Set<String> knownEnvNames = new HashSet<>();
        for (final String key : knownKeys)
        {
            knownEnvNames.add(environmentName(key));
        }
        for (final String name : environment.keySet())
        {
            if (name.startsWith(envPrefix) && !knownEnvNames.contains(name))
            {
                unknown.add(new UnknownKey(name, "environment"));
            }
        }
        return unknown;
    }

    private static void flatten(final String prefix, final JsonNode node, final Map<String, Object> into)
    {
        if (node.isObject())
        {
            final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext())
            {
                final Map.Entry<String, JsonNode> field = fields.next();
                flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), into);
            }
        }
        else if (node.isArray())
        {
            final List<Object> values = new ArrayList<>();
            node.forEach(element -> values.add(element.isValueNode() ? scalar(element) : element.toString()));
            into.put(prefix, values);
        }
        else
        {
            into.put(prefix, scalar(node));
        }
    }

    private static Object scalar(final JsonNode node)
    {
        if (node.isBoolean())
        {
            return node.booleanValue();
        }
        if (node.isNumber())
        {
            return node.numberValue();
        }
        return node.asText();
    }

    private static Map<String, String> filter(final Map<String, String> environment)
    {
        final Map<String, String> result = new TreeMap<>();
        environment.forEach((name, value) ->
        {
            if (name.startsWith(ENV_PREFIX))
            {
                result.put(name, value);
            }
        });
        return result;
    }

    private static Map<String, String> robustProperties(final Properties properties)
    {
        final Map<String, String> result = new TreeMap<>();
        for (final String name : properties.stringPropertyNames())
        {
            if (name.startsWith(PROPERTY_PREFIX))
            {
                result.put(name.substring(PROPERTY_PREFIX.length()), properties.getProperty(name));
            }
        }
        return result;
    }

    private static String firstLine(final String message)
    {
        if (message == null)
        {
            return "unknown error";
        }
        final int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
