package io.robustmq.bench.amqp;

import io.robustmq.bench.DirectoryTrees;
import io.robustmq.bench.NodeLaunch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A RobustMQ node run as a child process of the suite, as {@code scripts/robust-server} runs it: from
 * the distribution's {@code lib/}, with the AMQP plugin alone in its plugins directory, its AMQP
 * listener on a loopback port of its own, and every other setting the default. Started directly (no
 * shell between); its output goes to {@code broker.out} in its directory.
 */
final class AmqpNodeProcess implements AmqpBroker
{
    private static final long STOP_TIMEOUT_MS = 20_000;

    private final Path dir;
    private final Path pids;
    private final int port;
    private final NodeLaunch launch;
    private volatile Process process;

    /**
     * @param dir    the node's directory.
     * @param pids   where its pid is recorded while it runs.
     * @param port   its AMQP port.
     * @param launch its configuration and command line.
     */
    private AmqpNodeProcess(final Path dir, final Path pids, final int port, final NodeLaunch launch)
    {
        this.dir = dir;
        this.pids = pids;
        this.port = port;
        this.launch = launch;
    }

    /**
     * Write the node's directory and configuration.
     *
     * @param dir           the node's directory (created).
     * @param pids          where the node's pid is recorded while it runs.
     * @param port          its AMQP port.
     * @param metaPort      the first of its Meta Service ports.
     * @param java          the {@code java} executable.
     * @param jvmFlags      the node's JVM flags.
     * @param nodeClassPath the node's class path.
     * @param amqpPlugin    the AMQP plugin's jar.
     * @return the node, not running.
     * @throws IOException if the directory or configuration cannot be written.
     */
    static AmqpNodeProcess prepare(
        final Path dir,
        final Path pids,
        final int port,
        final int metaPort,
        final String java,
        final List<String> jvmFlags,
        final String nodeClassPath,
        final Path amqpPlugin) throws IOException
    {
        final NodeLaunch launch = NodeLaunch.prepare(dir, "amqp", amqpPlugin, metaPort, """
            [plugins.amqp.listeners.tcp]
            port = %d
            host = "127.0.0.1"
            """.formatted(port), java, jvmFlags, nodeClassPath);
        return new AmqpNodeProcess(dir, pids, port, launch);
    }

    /**
     * @return {@code robustmq}.
     */
    @Override
    public String name()
    {
        return "robustmq";
    }

    /**
     * @return the port of its AMQP listener on 127.0.0.1.
     */
    @Override
    public int port()
    {
        return port;
    }

    /**
     * Start the node and wait until its AMQP port accepts connections (its Meta Service may not have
     * a leader yet: see {@link QueueAdmin#awaitReady}).
     *
     * @param timeoutMs how long to wait at most.
     * @throws IOException if it cannot be started.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if the port is taken, or the node exits first or is not listening in time.
     */
    @Override
    public void start(final long timeoutMs) throws IOException, InterruptedException
    {
        if (ChildProcesses.listening(port))
        {
            throw new IllegalStateException("port " + port + " is already in use: another process listens there");
        }
        final ProcessBuilder builder = new ProcessBuilder(launch.command())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("broker.out").toFile());
        // The node reads every ROBUSTMQ_* variable as configuration: none may leak in.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("ROBUSTMQ_"));
        process = builder.start();
        ChildProcesses.recordPid(pids, "robustmq", process.toHandle());
        ChildProcesses.awaitListening(process, port, "robustmq", dir.resolve("broker.out"),
            System.nanoTime() + timeoutMs * 1_000_000L);
    }

    /**
     * @param lines how many lines at most.
     * @return the end of its output ({@code broker.out}).
     */
    @Override
    public String tail(final int lines)
    {
        return ChildProcesses.tail(dir.resolve("broker.out"), lines);
    }

    /**
     * Stop the node (SIGTERM, then SIGKILL after a timeout), wait for it, and delete its data and its
     * Meta Service's Aeron directory.
     */
    @Override
    public synchronized void close() throws IOException, InterruptedException
    {
        ChildProcesses.stop(process, STOP_TIMEOUT_MS);
        process = null;
        ChildProcesses.forgetPid(pids, "robustmq");
        DirectoryTrees.delete(launch.aeronDir());
        DirectoryTrees.delete(dir.resolve("data"));
    }
}
