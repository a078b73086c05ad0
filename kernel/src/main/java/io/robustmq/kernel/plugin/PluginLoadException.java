package io.robustmq.kernel.plugin;

/**
 * A plugin that cannot be loaded or does not fit with the others; the message names the jar.
 */
public final class PluginLoadException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the jar and the reason.
     * @param cause   the underlying failure, or null.
     */
    public PluginLoadException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
