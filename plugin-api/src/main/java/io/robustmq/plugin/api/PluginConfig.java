package io.robustmq.plugin.api;

/**
 * A plugin's section of the node configuration: the keys under {@code [plugins.<name>]} in the TOML
 * file, each also settable as {@code -Drobustmq.plugins.<name>.<key>} or by the environment variable
 * {@code ROBUSTMQ_PLUGINS_<NAME>_<KEY>} (upper case, dots and dashes as underscores). A system
 * property wins over the environment, which wins over the file.
 * <p>
 * Every getter marks its key as known. Keys are relative to the section: {@code port}, or
 * {@code listeners.tcp.port}. A malformed or out-of-range value throws a
 * {@link ConfigurationException} naming the full key.
 */
public interface PluginConfig
{
    /**
     * @return the full key of this section, e.g. {@code plugins.mqtt}.
     */
    String prefix();

    /**
     * @param key          relative key.
     * @param defaultValue used when the key is not set.
     * @return the value.
     */
    String getString(String key, String defaultValue);

    /**
     * @param key          relative key.
     * @param defaultValue used when the key is not set.
     * @param min          smallest value allowed.
     * @param max          largest value allowed.
     * @return the value.
     */
    int getInt(String key, int defaultValue, int min, int max);

    /**
     * @param key          relative key.
     * @param defaultValue used when the key is not set.
     * @param min          smallest value allowed.
     * @param max          largest value allowed.
     * @return the value.
     */
    long getLong(String key, long defaultValue, long min, long max);

    /**
     * @param key          relative key.
     * @param defaultValue used when the key is not set.
     * @return the value.
     */
    boolean getBoolean(String key, boolean defaultValue);

    /**
     * @param key relative key.
     * @return true if the key is set in the file, the environment or a system property.
     */
    boolean isSet(String key);

    /**
     * A nested section, e.g. {@code section("listeners.tcp")}.
     *
     * @param relativePrefix the nested section's key, relative to this one.
     * @return a view of the nested section.
     */
    PluginConfig section(String relativePrefix);
}
