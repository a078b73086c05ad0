package io.robustmq.kernel.status;

import java.util.List;

/**
 * A discovered plugin as the admin API reports it.
 *
 * @param name      the plugin's name.
 * @param jar       the jar (or class directory) its factory was loaded from.
 * @param origin    {@code plugins_dir} or {@code classpath}.
 * @param version   the jar's Implementation-Version, or empty.
 * @param enabled   false when {@code plugins.<name>.enabled = false}.
 * @param listeners names of its bound listeners.
 */
public record PluginStatus(
    String name,
    String jar,
    String origin,
    String version,
    boolean enabled,
    List<String> listeners)
{
}
