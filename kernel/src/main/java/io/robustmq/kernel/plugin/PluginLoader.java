package io.robustmq.kernel.plugin;

import io.robustmq.plugin.api.ProtocolPluginFactory;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.jar.JarFile;
import java.util.regex.Pattern;

/**
 * Finds protocol plugins: {@link ServiceLoader} over the kernel's class path, then over every jar
 * of the plugins directory, each jar in a class loader of its own whose parent exposes only the
 * shared packages. All or nothing: a jar that fails to load, a jar without a plugin, an invalid or
 * duplicate name stops discovery with an error naming the jar.
 */
public final class PluginLoader
{
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");

    private PluginLoader()
    {
    }

    /**
     * @param kernelLoader the kernel's class loader.
     * @param pluginsDir   the plugins directory, or null for none.
     * @return the plugins, class path ones first, then the jars' in file-name order.
     * @throws PluginLoadException naming the jar that is wrong.
     */
    public static List<DiscoveredPlugin> discover(final ClassLoader kernelLoader, final Path pluginsDir)
        throws PluginLoadException
    {
        final Map<String, DiscoveredPlugin> byName = new LinkedHashMap<>();
        final List<DiscoveredPlugin> opened = new ArrayList<>();
        try
        {
            for (final ProtocolPluginFactory factory : load(ServiceLoader.load(ProtocolPluginFactory.class, kernelLoader),
                "the class path"))
            {
                add(byName, new DiscoveredPlugin(
                    name(factory, "the class path"), factory, codeSource(factory), DiscoveredPlugin.CLASSPATH, null));
            }
            if (pluginsDir != null)
            {
                final SharedApiClassLoader parent = new SharedApiClassLoader(kernelLoader);
                for (final Path jar : jars(pluginsDir))
                {
                    checkIsJar(jar);
                    final URLClassLoader loader = new URLClassLoader("plugin:" + jar.getFileName(), new URL[]{url(jar)}, parent);
                    final List<ProtocolPluginFactory> factories =
                        load(ServiceLoader.load(ProtocolPluginFactory.class, loader), "plugin jar " + jar);
                    final DiscoveredPlugin first = factories.isEmpty() ? null :
                        new DiscoveredPlugin(name(factories.get(0), "plugin jar " + jar), factories.get(0),
                            jar.toString(), DiscoveredPlugin.PLUGINS_DIR, loader);
                    if (first == null)
                    {
                        close(loader);
                        throw new PluginLoadException("plugin jar " + jar + ": declares no " +
                            ProtocolPluginFactory.class.getName() + " in META-INF/services", null);
                    }
                    opened.add(first);
                    if (factories.size() > 1)
                    {
                        throw new PluginLoadException("plugin jar " + jar + ": declares " + factories.size() +
                            " plugins; a jar holds exactly one", null);
                    }
                    add(byName, first);
                }
            }
            return List.copyOf(byName.values());
        }
        catch (final PluginLoadException ex)
        {
            opened.forEach(DiscoveredPlugin::closeClassLoader);
            throw ex;
        }
    }

    private static List<ProtocolPluginFactory> load(final ServiceLoader<ProtocolPluginFactory> loader, final String where)
        throws PluginLoadException
    {
        final List<ProtocolPluginFactory> factories = new ArrayList<>();
        try
        {
            final Iterator<ProtocolPluginFactory> iterator = loader.iterator();
            while (iterator.hasNext())
            {
                factories.add(iterator.next());
            }
        }
        catch (final ServiceConfigurationError | LinkageError ex)
        {
            throw new PluginLoadException(where + ": failed to load: " + reason(ex), ex);
        }
        return factories;
    }

    private static String name(final ProtocolPluginFactory factory, final String where) throws PluginLoadException
    {
        final String name;
        try
        {
            name = factory.name();
        }
        catch (final RuntimeException | LinkageError ex)
        {
            throw new PluginLoadException(where + ": " + factory.getClass().getName() + ".name() failed: " + reason(ex), ex);
        }
        if (name == null || !NAME.matcher(name).matches())
        {
            throw new PluginLoadException(where + ": invalid plugin name '" + name +
                "' (lower-case letters, digits and -, at most 32)", null);
        }
        return name;
    }

    private static void add(final Map<String, DiscoveredPlugin> byName, final DiscoveredPlugin plugin)
        throws PluginLoadException
    {
        final DiscoveredPlugin existing = byName.putIfAbsent(plugin.name(), plugin);
        if (existing != null)
        {
            throw new PluginLoadException("two plugins are named '" + plugin.name() + "': " + existing.jar() +
                " and " + plugin.jar(), null);
        }
    }

    private static List<Path> jars(final Path dir) throws PluginLoadException
    {
        if (!Files.isDirectory(dir))
        {
            throw new PluginLoadException("plugins directory " + dir + " does not exist", null);
        }
        final List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, "*.jar"))
        {
            stream.forEach(jars::add);
        }
        catch (final IOException ex)
        {
            throw new PluginLoadException("plugins directory " + dir + ": cannot list: " + ex.getMessage(), ex);
        }
        jars.sort(null);
        for (final Path jar : jars)
        {
            if (!Files.isReadable(jar))
            {
                throw new PluginLoadException("plugin jar " + jar + ": cannot be read", null);
            }
        }
        return jars;
    }

    private static void checkIsJar(final Path jar) throws PluginLoadException
    {
        try (JarFile ignored = new JarFile(jar.toFile()))
        {
            // Opening it reads the central directory: enough to tell a jar from something else.
        }
        catch (final IOException ex)
        {
            throw new PluginLoadException("plugin jar " + jar + ": not a valid jar: " + ex.getMessage(), ex);
        }
    }

    private static URL url(final Path jar) throws PluginLoadException
    {
        try
        {
            return jar.toUri().toURL();
        }
        catch (final MalformedURLException ex)
        {
            throw new PluginLoadException("plugin jar " + jar + ": " + ex.getMessage(), ex);
        }
    }

    private static String codeSource(final ProtocolPluginFactory factory)
    {
        final CodeSource source = factory.getClass().getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null)
        {
            return "";
        }
        try
        {
            return Path.of(source.getLocation().toURI()).toString();
        }
        catch (final Exception ex)
        {
            return source.getLocation().toString();
        }
    }

    private static void close(final URLClassLoader loader)
    {
        try
        {
            loader.close();
        }
        catch (final IOException ignored)
        {
            // Closing a jar we only read: nothing to recover.
        }
    }

    private static String reason(final Throwable ex)
    {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        final String message = root == ex ? String.valueOf(ex.getMessage()) :
            ex.getMessage() + ": " + root.getClass().getSimpleName() + ": " + root.getMessage();
        return message.replace('\n', ' ');
    }
}
