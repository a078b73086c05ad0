package io.robustmq.kernel.support;

import io.robustmq.kernel.RobustServer;
import io.robustmq.kernel.config.ConfigSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A node run as a child JVM of the test, the way {@code scripts/robust-server} runs one: its own
 * process ({@link RobustServer}), the test's class path, the project's JVM flags (the
 * {@code test.jvmFlags} property Surefire sets from {@code robustmq.jvm.flags}), its own data
 * directory and configuration file. It can be killed with SIGKILL and started again on the same data.
 * <p>
 * Each run's standard output and error go to {@code run-<n>.out} in the node's directory; the ready
 * line there names the admin API's ephemeral port. The Aeron directory is named by the test's pid and
 * the member's port, in {@code /dev/shm} where it exists, and deleted once the process is gone (a
 * killed node leaves it behind). Not thread-safe: one test thread drives it.
 */
public final class ChildNode implements AutoCloseable
{
    /** How long a child may take to print its ready line. */
    public static final long READY_TIMEOUT_MS = 40_000;

    /**
     * Flags for small, short-lived test nodes sharing two cores: the C1 compiler alone (quicker to
     * start, less compilation competing with the nodes' agents) and the serial collector (no GC
     * threads).
     */
    private static final List<String> TEST_NODE_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m");
    private static final Pattern READY = Pattern.compile("^ready: node \\d+; admin (http://[^;]+);", Pattern.MULTILINE);
    private static final long EXIT_TIMEOUT_MS = 10_000;

    private final int id;
    private final Path dir;
    private final Path config;
    private final Path aeronDir;
    private Process process;
    private Path output;
    private int runs;
    private String adminUrl;

    private ChildNode(final int id, final Path dir, final Path config, final Path aeronDir)
    {
        this.id = id;
        this.dir = dir;
        this.config = config;
        this.aeronDir = aeronDir;
    }

    /**
     * Write the configuration of one member of a cluster; start nothing yet.
     *
     * @param dir       the node's directory (created): its configuration, data, empty plugins
     *                  directory and output files.
     * @param id        the node's id, one of the members' ids.
     * @param metaAddrs every member of the cluster, {@code id=host:firstPort}, this node included.
     * @param metaPort  this node's first Meta Service port, as {@code metaAddrs} lists it.
     * @return the node, not running.
     * @throws IOException if the directory or configuration cannot be written.
     */
    public static ChildNode member(final Path dir, final int id, final List<String> metaAddrs, final int metaPort)
        throws IOException
    {
        Files.createDirectories(dir);
        final Path plugins = Files.createDirectories(dir.resolve("plugins"));
        final Path shm = Path.of("/dev/shm");
        final Path aeronDir = (Files.isDirectory(shm) ? shm : dir).resolve(
            "robustmq-test-" + ProcessHandle.current().pid() + "-" + metaPort);
        final List<String> quoted = metaAddrs.stream().map(addr -> "\"" + addr + "\"").toList();
        final String toml = """
            node.id = %d
            node.data_dir = "%s"
            node.plugins_dir = "%s"
            admin.port = 0
            network.io_threads = 1
            meta.addrs = [%s]
            meta.aeron_dir = "%s"
            """.formatted(id, dir.resolve("data"), plugins, String.join(", ", quoted), aeronDir);
        final Path config = dir.resolve("server.toml");
        Files.writeString(config, toml);
        return new ChildNode(id, dir, config, aeronDir);
    }

    /**
     * Write the configuration of a node of its own (a one-member cluster); start nothing yet.
     *
     * @param dir       the node's directory (created), as for {@link #member}.
     * @param extraToml more configuration (e.g. a plugin's listener ports); it must not set the
     *                  node's directories, admin port or Meta Service keys.
     * @return the node, not running.
     * @throws IOException if the directory or configuration cannot be written.
     */
    public static ChildNode standalone(final Path dir, final String extraToml) throws IOException
    {
        Files.createDirectories(dir);
        final int metaPort = TestNode.freeMetaPorts();
        final Path shm = Path.of("/dev/shm");
        final Path aeronDir = (Files.isDirectory(shm) ? shm : dir).resolve(
            "robustmq-test-" + ProcessHandle.current().pid() + "-" + metaPort);
        final Path config = TestNode.writeConfig(dir, "meta.aeron_dir = \"" + aeronDir + "\"\n" + extraToml);
        return new ChildNode(1, dir, config, aeronDir);
    }

    /**
     * @param count how many members.
     * @return the first Meta Service port of each member: ranges of five UDP ports free on localhost
     *         now, apart from each other.
     */
    public static int[] freeMetaPortRanges(final int count)
    {
        final int[] ports = new int[count];
        for (int i = 0; i < count; i++)
        {
            int candidate;
            boolean overlaps;
            do
            {
                candidate = TestNode.freeMetaPorts();
                overlaps = false;
                for (int j = 0; j < i; j++)
                {
                    overlaps |= Math.abs(candidate - ports[j]) < 5;
                }
            }
            while (overlaps);
            ports[i] = candidate;
        }
        return ports;
    }

    /**
     * Start the node's JVM; return at once (see {@link #awaitReady(long)}).
     *
     * @throws IOException if the process cannot be started.
     * @throws IllegalStateException if it is already running.
     */
    public void start() throws IOException
    {
        if (isRunning())
        {
            throw new IllegalStateException("node " + id + " is already running (pid " + process.pid() + ")");
        }
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("test.jvmFlags", "").split("\\s+"))
        {
            if (!flag.isBlank())
            {
                command.add(flag);
            }
        }
        command.addAll(TEST_NODE_FLAGS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RobustServer.class.getName(),
            "--config", config.toString()));
        runs++;
        output = dir.resolve("run-" + runs + ".out");
        adminUrl = null;
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
        // The node reads every ROBUSTMQ_* variable as configuration: the test's own must not leak in.
        builder.environment().keySet().removeIf(name -> name.startsWith(ConfigSource.ENV_PREFIX));
        process = builder.start();
    }

    /**
     * Wait for the ready line, which the node prints once its member has joined a cluster with a
     * leader and registered the node.
     *
     * @param timeoutMs how long to wait at most.
     * @throws IOException if the output cannot be read.
     * @throws InterruptedException if interrupted.
     * @throws AssertionError if the node exits first or is not ready in time.
     */
    public void awaitReady(final long timeoutMs) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final Matcher ready = READY.matcher(Files.readString(output, StandardCharsets.UTF_8));
            if (ready.find())
            {
                adminUrl = ready.group(1);
                return;
            }
            if (!process.isAlive())
            {
                throw new AssertionError("node " + id + " exited with status " + process.exitValue() +
                    " before it was ready; its output ends:\n" + tail(20));
            }
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("node " + id + " not ready within " + timeoutMs + " ms; its output ends:\n" +
                    tail(20));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Kill the node with SIGKILL ({@link Process#destroyForcibly()} on Linux) and wait for it to be
     * gone. Its Aeron directory is left as a killed node leaves it.
     *
     * @return the process's exit status: 137 (128 + SIGKILL) for a process the signal killed.
     * @throws InterruptedException if interrupted.
     * @throws AssertionError if it is still alive after the wait.
     */
    public int kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("node " + id + " (pid " + process.pid() + ") still alive after SIGKILL");
        }
        adminUrl = null;
        return process.exitValue();
    }

    /**
     * Stop the node's JVM where it stands (SIGSTOP): it neither runs nor answers until {@link #resume}.
     *
     * @throws IOException if {@code kill} cannot be run.
     * @throws InterruptedException if interrupted.
     */
    public void pause() throws IOException, InterruptedException
    {
        signal("STOP");
    }

    /**
     * Let a paused node's JVM run again (SIGCONT).
     *
     * @throws IOException if {@code kill} cannot be run.
     * @throws InterruptedException if interrupted.
     */
    public void resume() throws IOException, InterruptedException
    {
        signal("CONT");
    }

    private void signal(final String name) throws IOException, InterruptedException
    {
        final Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
            .redirectErrorStream(true).start();
        if (!kill.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS) || kill.exitValue() != 0)
        {
            throw new AssertionError("kill -" + name + " " + process.pid() + " failed: " +
                new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * @return true if the node's JVM runs.
     */
    public boolean isRunning()
    {
        return process != null && process.isAlive();
    }

    /**
     * @return the node's id.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the running JVM's pid.
     */
    public long pid()
    {
        return process.pid();
    }

    /**
     * @return the admin API's base URL, from the ready line of the current run.
     * @throws IllegalStateException if the current run has not printed it.
     */
    public String adminUrl()
    {
        if (adminUrl == null)
        {
            throw new IllegalStateException("node " + id + " is not ready");
        }
        return adminUrl;
    }

    /**
     * @param lines how many lines at most.
     * @return the last lines of every run's output, each run under a heading.
     */
    public String tail(final int lines)
    {
        final StringBuilder text = new StringBuilder();
        for (int run = 1; run <= runs; run++)
        {
            final Path file = dir.resolve("run-" + run + ".out");
            text.append("---- node ").append(id).append(", run ").append(run).append(" (").append(file).append(")\n");
            try
            {
                final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
                all.subList(Math.max(0, all.size() - lines), all.size()).forEach(line -> text.append(line).append('\n'));
            }
            catch (final IOException ex)
            {
                text.append("(unreadable: ").append(ex).append(")\n");
            }
        }
        return text.toString();
    }

    /**
     * Kill the node if it runs, wait for it, and delete the Aeron directory it leaves.
     */
    @Override
    public void close() throws IOException, InterruptedException
    {
        if (process != null)
        {
            process.destroyForcibly();
            process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
        if (Files.exists(aeronDir))
        {
            try (Stream<Path> files = Files.walk(aeronDir))
            {
                for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
                {
                    Files.deleteIfExists(file);
                }
            }
        }
    }
}
