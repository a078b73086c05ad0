package io.robustmq.plugin.api;

/**
 * A configuration value that is missing, malformed, out of range or unknown. The message names the
 * key and, where known, where the value came from; the node prints it as one line and exits.
 */
public final class ConfigurationException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key     the full key, e.g. {@code admin.port} or {@code plugins.mqtt.listeners.tcp.port}.
     * @param message what is wrong with it.
     */
    public ConfigurationException(final String key, final String message)
    {
        super(key + ": " + message);
        this.key = key;
    }

    /**
     * @return the full key the error is about.
     */
    public String key()
    {
        return key;
    }
}
