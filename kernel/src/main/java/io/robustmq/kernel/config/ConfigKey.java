package io.robustmq.kernel.config;

/**
 * A documented kernel configuration key: {@code config/server.toml} holds each with its default,
 * and {@code docs/configuration.md} describes each (a test checks both).
 *
 * @param name         dotted key, e.g. {@code admin.port}.
 * @param defaultValue its default as written in TOML.
 * @param description  one line for the documentation.
 */
public record ConfigKey(String name, String defaultValue, String description)
{
    /**
     * @return the environment variable that sets this key.
     */
    public String environmentName()
    {
        return ConfigSource.environmentName(name);
    }

    /**
     * @return the system property that sets this key.
     */
    public String propertyName()
    {
        return ConfigSource.PROPERTY_PREFIX + name;
    }
}
