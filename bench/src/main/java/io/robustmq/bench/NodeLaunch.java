package io.robustmq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A RobustMQ node for a benchmark, in a process of its own: its directory (data, and a plugins
 * directory holding the one plugin measured), its configuration, and its command line.
 *
 * @param command  the command that starts it.
 * @param aeronDir its Meta Service's Aeron directory (under /dev/shm where there is one), for the
 *                 caller to delete once the node has stopped.
 */
public record NodeLaunch(List<String> command, Path aeronDir)
{
    private static final String NODE_MAIN_CLASS = "io.robustmq.kernel.RobustServer";

    /**
     * Write the node's directory and configuration.
     *
     * @param dir           the node's directory, created.
     * @param suite         the suite's name, in the Aeron directory's name.
     * @param plugin        the plugin's jar, copied into the node's plugins directory.
     * @param metaPort      the first of the node's Meta Service ports.
     * @param listenersToml the plugin's listener tables.
     * @param java          the {@code java} executable.
     * @param jvmFlags      the node's JVM flags.
     * @param nodeClassPath the node's class path (e.g. {@code distribution/target/robustmq/lib/*}).
     * @return how to start it.
     * @throws IOException if the directory or configuration cannot be written.
     */
    public static NodeLaunch prepare(
        final Path dir,
        final String suite,
        final Path plugin,
        final int metaPort,
        final String listenersToml,
        final String java,
        final List<String> jvmFlags,
        final String nodeClassPath) throws IOException
    {
        Files.createDirectories(dir);
        final Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Files.copy(plugin, plugins.resolve(plugin.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        final Path shm = Path.of("/dev/shm");
        final Path aeronDir = (Files.isDirectory(shm) ? shm : dir)
            .resolve("robustmq-bench-" + suite + "-" + ProcessHandle.current().pid());
        final Path config = dir.resolve("server.toml");
        Files.writeString(config, """
            node.id = 1
            node.data_dir = "%s"
            node.plugins_dir = "%s"
            admin.port = 0
            meta.port = %d
            meta.aeron_dir = "%s"

            """.formatted(dir.resolve("data"), plugins, metaPort, aeronDir) + listenersToml);
        final List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", nodeClassPath, NODE_MAIN_CLASS, "--config", config.toString()));
        return new NodeLaunch(List.copyOf(command), aeronDir);
    }
}
