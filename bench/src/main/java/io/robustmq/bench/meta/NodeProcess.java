package io.robustmq.bench.meta;

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
 * One RobustMQ node run as a child process of the benchmark, as {@code scripts/robust-server}
 * runs it: {@code java <flags> -cp <node class path> io.robustmq.kernel.RobustServer --config FILE},
 * from the distribution's {@code lib/} directory, so the benchmark measures the node as shipped. It
 * can be killed with SIGKILL and started again on the same data directory.
 * <p>
 * Each run's output goes to {@code run-<n>.out} in the node's directory; the ready line there names
 * the admin API's ephemeral port. Not thread-safe: the benchmark's main thread drives it.
 */
final class NodeProcess implements AutoCloseable
{
    private static final String MAIN_CLASS = "io.robustmq.kernel.RobustServer";
    private static final Pattern READY = Pattern.compile("^ready: node \\d+; admin (http://[^;]+);", Pattern.MULTILINE);
    private static final long EXIT_TIMEOUT_MS = 10_000;

    private final int id;
    private final Path dir;
    private final Path config;
    private final Path aeronDir;
    private final List<String> command;
    private Process process;
    private int runs;
    private String adminUrl;

    private NodeProcess(final int id, final Path dir, final Path config, final Path aeronDir, final List<String> command)
    {
        this.id = id;
        this.dir = dir;
        this.config = config;
        this.aeronDir = aeronDir;
        this.command = command;
    }

    /**
     * Write a member's configuration (the defaults but for its id, directories, an ephemeral admin
     * port and the members list); start nothing yet.
     *
     * @param dir           the node's directory (created).
     * @param id            the node's id.
     * @param metaAddrs     every member, {@code id=host:firstPort}, this node included.
     * @param java          the {@code java} executable.
     * @param jvmFlags      the node's JVM flags.
     * @param nodeClassPath the node's class path (e.g. {@code distribution/target/robustmq/lib/*}).
     * @return the node, not running.
     * @throws IOException if the directory or configuration cannot be written.
     */
    static NodeProcess member(
        final Path dir,
        final int id,
        final List<String> metaAddrs,
        final String java,
        final List<String> jvmFlags,
        final String nodeClassPath) throws IOException
    {
        Files.createDirectories(dir);
        final Path plugins = Files.createDirectories(dir.resolve("plugins"));
        final Path shm = Path.of("/dev/shm");
        final Path aeronDir = (Files.isDirectory(shm) ? shm : dir).resolve(
            "robustmq-bench-failover-" + ProcessHandle.current().pid() + "-" + id);
        final List<String> quoted = metaAddrs.stream().map(addr -> "\"" + addr + "\"").toList();
        // An empty plugins directory: the distribution's plugins would bind their default ports.
        Files.writeString(dir.resolve("server.toml"), """
            node.id = %d
            node.data_dir = "%s"
            node.plugins_dir = "%s"
            admin.port = 0
            meta.addrs = [%s]
            meta.aeron_dir = "%s"
            """.formatted(id, dir.resolve("data"), plugins, String.join(", ", quoted), aeronDir));
        final List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", nodeClassPath, MAIN_CLASS, "--config", dir.resolve("server.toml").toString()));
        return new NodeProcess(id, dir, dir.resolve("server.toml"), aeronDir, List.copyOf(command));
    }

    /**
     * Start the node's JVM; return at once.
     *
     * @throws IOException if it cannot be started.
     */
    void start() throws IOException
    {
        runs++;
        adminUrl = null;
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(output(runs).toFile());
        // The node reads every ROBUSTMQ_* variable as configuration: the caller's must not leak in.
        builder.environment().keySet().removeIf(name -> name.startsWith("ROBUSTMQ_"));
        process = builder.start();
    }

    /**
     * Wait for the ready line: the member has joined a cluster with a leader and registered the node.
     *
     * @param timeoutMs how long to wait at most.
     * @throws IOException if the output cannot be read.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if the node exits first or is not ready in time.
     */
    void awaitReady(final long timeoutMs) throws IOException, InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (true)
        {
            final Matcher ready = READY.matcher(Files.readString(output(runs), StandardCharsets.UTF_8));
            if (ready.find())
            {
                adminUrl = ready.group(1);
                return;
            }
            if (!process.isAlive())
            {
                throw new IllegalStateException("node " + id + " exited with status " + process.exitValue() +
                    " before it was ready; its output ends:\n" + tail(20));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException("node " + id + " not ready within " + timeoutMs + " ms; its output ends:\n" +
                    tail(20));
            }
            Thread.sleep(20);
        }
    }

    /**
     * Send SIGKILL ({@link Process#destroyForcibly()} on Linux) and wait for the process to be gone.
     *
     * @return its exit status, 137 (128 + 9) when the signal killed it.
     * @throws InterruptedException if interrupted.
     */
    int kill() throws InterruptedException
    {
        process.destroyForcibly();
        if (!process.waitFor(EXIT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        {
            throw new IllegalStateException("node " + id + " (pid " + process.pid() + ") still alive after SIGKILL");
        }
        adminUrl = null;
        return process.exitValue();
    }

    int id()
    {
        return id;
    }

    /**
     * @return the node's Aeron directory, where its media driver's counters are.
     */
    Path aeronDir()
    {
        return aeronDir;
    }

    /**
     * @return the admin API's base URL, from the current run's ready line.
     */
    String adminUrl()
    {
        if (adminUrl == null)
        {
            throw new IllegalStateException("node " + id + " is not ready");
        }
        return adminUrl;
    }

    private Path output(final int run)
    {
        return dir.resolve("run-" + run + ".out");
    }

    /**
     * @param lines how many lines at most of each run.
     * @return the end of every run's output.
     */
    String tail(final int lines)
    {
        final StringBuilder text = new StringBuilder();
        for (int run = 1; run <= runs; run++)
        {
            text.append("---- node ").append(id).append(", run ").append(run).append(" (").append(config).append(")\n");
            try
            {
                final List<String> all = Files.readAllLines(output(run), StandardCharsets.UTF_8);
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
     * Kill the node if it runs, wait for it, and delete the Aeron directory a killed node leaves.
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
