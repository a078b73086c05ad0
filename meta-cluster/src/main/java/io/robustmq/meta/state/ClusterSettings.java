package io.robustmq.meta.state;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * The cluster-wide settings the state machine keeps, each with its default and the values it
 * accepts. An unknown key or a value out of range is refused; an empty value restores the default.
 * <ul>
 *   <li>{@code replication_factor}: replicas placed for each new shard (1 to 16), fewer while
 *       fewer nodes are up; default 1.</li>
 *   <li>{@code acl.allow_if_no_rule}: whether a request for a resource no ACL rule covers is
 *       allowed ({@code true} or {@code false}); default {@code true}.</li>
 * </ul>
 */
public final class ClusterSettings
{
    public static final String REPLICATION_FACTOR = "replication_factor";
    public static final String ACL_ALLOW_IF_NO_RULE = "acl.allow_if_no_rule";

    private record Setting(String defaultValue, Predicate<String> valid)
    {
    }

    private static final Map<String, Setting> SETTINGS = Map.of(
        REPLICATION_FACTOR, new Setting("1", ClusterSettings::validReplicationFactor),
        ACL_ALLOW_IF_NO_RULE, new Setting("true", value -> value.equals("true") || value.equals("false")));

    private final Map<String, String> values = new TreeMap<>();

    /**
     * @param key a setting's name.
     * @return true if the cluster has a setting of that name.
     */
    public static boolean known(final String key)
    {
        return SETTINGS.containsKey(key);
    }

    /**
     * @param key   a known setting.
     * @param value a value, or empty for the default.
     * @return true if the setting accepts the value.
     */
    public static boolean accepts(final String key, final String value)
    {
        final Setting setting = SETTINGS.get(key);
        return setting != null && (value.isEmpty() || setting.valid().test(value));
    }

    /**
     * @return every setting's name with its default.
     */
    public static Map<String, String> defaults()
    {
        final Map<String, String> defaults = new TreeMap<>();
        SETTINGS.forEach((key, setting) -> defaults.put(key, setting.defaultValue()));
        return defaults;
    }

    private static boolean validReplicationFactor(final String value)
    {
        try
        {
            final int factor = Integer.parseInt(value);
            return factor >= 1 && factor <= 16;
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
    }

    void set(final String key, final String value)
    {
        if (value.isEmpty())
        {
            values.remove(key);
        }
        else
        {
            values.put(key, value);
        }
    }

    /**
     * @param key a known setting.
     * @return its value, or its default if it was never set.
     */
    public String get(final String key)
    {
        final String value = values.get(key);
        return value != null ? value : SETTINGS.get(key).defaultValue();
    }

    /**
     * @return the settings that were set, sorted; the others hold their defaults.
     */
    public Map<String, String> explicit()
    {
        return java.util.Collections.unmodifiableMap(values);
    }

    /**
     * @return every setting with its value, sorted.
     */
    public Map<String, String> effective()
    {
        final Map<String, String> all = defaults();
        all.putAll(values);
        return all;
    }

    int replicationFactor()
    {
        return Integer.parseInt(get(REPLICATION_FACTOR));
    }
}
