package io.robustmq.kernel.plugin;

import io.robustmq.plugin.api.SharedPackages;

import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;

/**
 * The parent of every plugin jar's class loader: the Java platform, plus the kernel's copy of the
 * packages in {@link SharedPackages} (plugin-api, Netty, Micrometer, SLF4J). Nothing else of the
 * kernel is visible through it, neither classes nor resources, so a plugin cannot reach the kernel's
 * internals and a jar's {@code ServiceLoader} finds only the jar's own services.
 */
final class SharedApiClassLoader extends ClassLoader
{
    static
    {
        registerAsParallelCapable();
    }

    private final ClassLoader kernelLoader;

    SharedApiClassLoader(final ClassLoader kernelLoader)
    {
        super("robustmq-plugin-api", ClassLoader.getPlatformClassLoader());
        this.kernelLoader = kernelLoader;
    }

    @Override
    protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException
    {
        if (SharedPackages.isShared(name))
        {
            return kernelLoader.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    protected URL findResource(final String name)
    {
        return null;
    }

    @Override
    protected Enumeration<URL> findResources(final String name)
    {
        return Collections.emptyEnumeration();
    }
}
