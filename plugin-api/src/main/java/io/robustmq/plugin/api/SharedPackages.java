package io.robustmq.plugin.api;

import java.util.List;

/**
 * The packages a plugin shares with the kernel: plugin-api itself and the libraries its types
 * expose (Netty for pipelines and buffers, and the codecs the kernel ships with it: HTTP and MQTT;
 * Micrometer for meters, SLF4J for logging). A plugin's
 * class loader resolves these from the kernel, so that a {@code ByteBuf} or a {@code MeterRegistry}
 * means the same class on both sides; every other class comes from the plugin's own jar, and the
 * kernel's classes are invisible to it.
 */
public final class SharedPackages
{
    /** Package-name prefixes, each ending with a dot. */
    public static final List<String> PREFIXES = List.of(
        "io.robustmq.plugin.api.",
        "io.netty.",
        "io.micrometer.",
        "org.slf4j.");

    private SharedPackages()
    {
    }

    /**
     * @param className a binary class name, e.g. {@code io.netty.buffer.ByteBuf}.
     * @return true if a plugin resolves the class from the kernel.
     */
    public static boolean isShared(final String className)
    {
        for (final String prefix : PREFIXES)
        {
            if (className.startsWith(prefix))
            {
                return true;
            }
        }
        return false;
    }
}
