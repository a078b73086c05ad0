package io.robustmq.kernel.config;

import io.robustmq.plugin.api.PluginConfig;

/**
 * A plugin's section of the node configuration, {@code plugins.<name>}, as {@link PluginConfig}.
 */
public final class PluginConfigView implements PluginConfig
{
    private final ConfigReader reader;
    private final String prefix;

    /**
     * @param reader the node's configuration.
     * @param prefix the section's full key, e.g. {@code plugins.mqtt}.
     */
    public PluginConfigView(final ConfigReader reader, final String prefix)
    {
        this.reader = reader;
        this.prefix = prefix;
    }

    @Override
    public String prefix()
    {
        return prefix;
    }

    @Override
    public String getString(final String key, final String defaultValue)
    {
        return reader.getString(full(key), defaultValue);
    }

    @Override
    public int getInt(final String key, final int defaultValue, final int min, final int max)
    {
        return reader.getInt(full(key), defaultValue, min, max);
    }

    @Override
    public long getLong(final String key, final long defaultValue, final long min, final long max)
    {
        return reader.getLong(full(key), defaultValue, min, max);
    }

    @Override
    public boolean getBoolean(final String key, final boolean defaultValue)
    {
        return reader.getBoolean(full(key), defaultValue);
    }

    @Override
    public boolean isSet(final String key)
    {
        return reader.source().isSet(full(key));
    }

    @Override
    public PluginConfig section(final String relativePrefix)
    {
        return new PluginConfigView(reader, full(relativePrefix));
    }

    private String full(final String key)
    {
        return prefix + "." + key;
    }
}
