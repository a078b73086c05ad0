package io.robustmq.plugin.api;

/**
 * The service a protocol plugin provides, found with {@link java.util.ServiceLoader}: on the
 * kernel's class path, and in every jar of the node's {@code plugins/} directory (declared in
 * the jar's {@code META-INF/services/io.robustmq.plugin.api.ProtocolPluginFactory}).
 * <p>
 * Threading: both methods are called once, on the node's start-up thread.
 */
public interface ProtocolPluginFactory
{
    /**
     * The plugin's name: lower case letters, digits and {@code -}, unique on a node. It names the
     * plugin's configuration section ({@code [plugins.<name>]}) and its metrics.
     *
     * @return the plugin's name.
     */
    String name();

    /**
     * Create the plugin. Read every configuration key the plugin uses here, through
     * {@link PluginContext#config()}: a key in the plugin's section that was not read by the end
     * of this call is reported to the user as unknown and the node does not start.
     *
     * @param context what the kernel lends the plugin.
     * @return the plugin, not yet started.
     * @throws Exception if the plugin cannot be created; the node reports it and does not start.
     */
    ProtocolPlugin create(PluginContext context) throws Exception;
}
