package io.robustmq.kernel.plugin;

import io.robustmq.plugin.api.ProtocolPluginFactory;

import java.io.IOException;
import java.net.URLClassLoader;

/**
 * A plugin factory found on the class path or in a jar.
 *
 * @param name        the factory's name.
 * @param factory     the factory.
 * @param jar         the jar, or class directory, it was loaded from.
 * @param origin      {@code plugins_dir} or {@code classpath}.
 * @param classLoader the jar's own class loader, or null for the class path.
 */
public record DiscoveredPlugin(
    String name,
    ProtocolPluginFactory factory,
    String jar,
    String origin,
    URLClassLoader classLoader)
{
    /** Origin of a plugin loaded from the plugins directory. */
    public static final String PLUGINS_DIR = "plugins_dir";
    /** Origin of a plugin found on the kernel's class path. */
    public static final String CLASSPATH = "classpath";

    /**
     * @return the class loader the plugin's code runs in.
     */
    public ClassLoader loader()
    {
        return classLoader != null ? classLoader : factory.getClass().getClassLoader();
    }

    /**
     * @return the jar's Implementation-Version, or empty.
     */
    public String version()
    {
        final String version = factory.getClass().getPackage().getImplementationVersion();
        return version == null ? "" : version;
    }

    /**
     * Close the jar's class loader, if it has one of its own.
     */
    public void closeClassLoader()
    {
        if (classLoader != null)
        {
            try
            {
                classLoader.close();
            }
            catch (final IOException ignored)
            {
                // The jar stays open until the process ends: nothing else to do.
            }
        }
    }
}
