package io.robustmq.bench.amqp;

import io.robustmq.bench.DirectoryTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The peer: RabbitMQ from the Debian package {@code rabbitmq-server}, run by the suite as the current
 * user with an environment of its own, not as the system service. Its Erlang port mapper is started
 * first, in the foreground on a port of its own, so that the node does not start a daemon that
 * outlives the run; then {@code /usr/lib/rabbitmq/bin/rabbitmq-server} (the script itself, not the
 * {@code /usr/sbin} wrapper that switches to the {@code rabbitmq} user), with:
 * <pre>
 *   HOME                           &lt;dir&gt;/home (its Erlang cookie)
 *   RABBITMQ_NODENAME              robustbench@localhost
 *   RABBITMQ_NODE_IP_ADDRESS       127.0.0.1
 *   RABBITMQ_NODE_PORT             the AMQP port
 *   RABBITMQ_DIST_PORT             the Erlang distribution port (bound to 127.0.0.1)
 *   ERL_EPMD_PORT                  the port mapper's port
 *   RABBITMQ_MNESIA_BASE           &lt;dir&gt;/mnesia (deleted before the start and after the stop)
 *   RABBITMQ_LOG_BASE              &lt;dir&gt;/log (emptied before the start, kept after the stop)
 *   RABBITMQ_CONFIG_FILE           &lt;dir&gt;/rabbitmq.conf (the listener, otherwise RabbitMQ's defaults)
 *   RABBITMQ_ENABLED_PLUGINS_FILE  &lt;dir&gt;/enabled_plugins (none: no management plugin)
 *   RABBITMQ_CONF_ENV_FILE         &lt;dir&gt;/rabbitmq-env.conf (empty: /etc/rabbitmq is not read)
 * </pre>
 * Every other {@code RABBITMQ_*} and {@code ERL_*} variable of the suite's environment is removed.
 * Stopped by SIGTERM to the script, which passes it to the Erlang VM, where RabbitMQ stops cleanly (as
 * {@code rabbitmqctl stop} stops it); then the port mapper. Their pids are recorded while they run
 * ({@code rabbitmq-beam} and {@code rabbitmq-epmd}; see {@link ChildProcesses#recordPid}); the log of
 * the last run stays in {@code <dir>/log}.
 */
final class RabbitMqProcess implements AmqpBroker
{
    static final String NODE_NAME = "robustbench@localhost";
    private static final long STOP_TIMEOUT_MS = 30_000;
    private static final long EPMD_TIMEOUT_MS = 10_000;

    private final Path server;
    private final Path epmd;
    private final Path dir;
    private final Path pids;
    private final int port;
    private final int distPort;
    private final int epmdPort;
    private volatile Process epmdProcess;
    private volatile Process process;

    /**
     * @param server   {@code /usr/lib/rabbitmq/bin/rabbitmq-server}.
     * @param epmd     Erlang's {@code epmd}.
     * @param dir      RabbitMQ's directory (created).
     * @param pids     where the pids of the processes it starts are recorded.
     * @param port     its AMQP port.
     * @param distPort its Erlang distribution port.
     * @param epmdPort the port mapper's port.
     */
    RabbitMqProcess(
        final Path server,
        final Path epmd,
        final Path dir,
        final Path pids,
        final int port,
        final int distPort,
        final int epmdPort)
    {
        this.server = server;
        this.epmd = epmd;
        this.dir = dir;
        this.pids = pids;
        this.port = port;
        this.distPort = distPort;
        this.epmdPort = epmdPort;
    }

    /**
     * @return {@code rabbitmq}.
     */
    @Override
    public String name()
    {
        return "rabbitmq";
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
     * Write RabbitMQ's configuration (its old data and log deleted), start the port mapper and wait for
     * it, then start RabbitMQ and wait until its AMQP port accepts connections (RabbitMQ opens it last,
     * once it has booted).
     *
     * @param timeoutMs how long to wait at most, in all.
     * @throws IOException if a process cannot be started or a file written.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if a port is taken, or a process exits first or is not listening in time.
     */
    @Override
    public void start(final long timeoutMs) throws IOException, InterruptedException
    {
        for (final int used : List.of(port, distPort, epmdPort))
        {
            if (ChildProcesses.listening(used))
            {
                throw new IllegalStateException("port " + used + " is already in use: another process listens there");
            }
        }
        writeConfiguration();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        epmdProcess = new ProcessBuilder(epmd.toString(), "-port", Integer.toString(epmdPort), "-address", "127.0.0.1")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("epmd.out").toFile())
            .start();
        ChildProcesses.recordPid(pids, "rabbitmq-epmd", epmdProcess.toHandle());
        ChildProcesses.awaitListening(epmdProcess, epmdPort, "epmd", dir.resolve("epmd.out"),
            Math.min(deadline, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EPMD_TIMEOUT_MS)));
        final ProcessBuilder builder = new ProcessBuilder(server.toString())
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("broker.out").toFile());
        builder.environment().keySet().removeIf(variable -> variable.startsWith("RABBITMQ_") || variable.startsWith("ERL_"));
        builder.environment().putAll(environment());
        process = builder.start();
        ChildProcesses.awaitListening(process, port, "RabbitMQ", dir.resolve("broker.out"), deadline);
        final ProcessHandle vm = process.descendants()
            .filter(child -> child.info().command().map(command -> command.endsWith("beam.smp")).orElse(false))
            .findFirst()
            .orElse(null);
        if (vm != null)
        {
            ChildProcesses.recordPid(pids, "rabbitmq-beam", vm);
        }
    }

    /**
     * @return the variables RabbitMQ's script is given (see the class's description).
     */
    private Map<String, String> environment()
    {
        return Map.ofEntries(
            Map.entry("HOME", dir.resolve("home").toString()),
            Map.entry("RABBITMQ_NODENAME", NODE_NAME),
            Map.entry("RABBITMQ_NODE_IP_ADDRESS", "127.0.0.1"),
            Map.entry("RABBITMQ_NODE_PORT", Integer.toString(port)),
            Map.entry("RABBITMQ_DIST_PORT", Integer.toString(distPort)),
            Map.entry("ERL_EPMD_PORT", Integer.toString(epmdPort)),
            Map.entry("RABBITMQ_MNESIA_BASE", dir.resolve("mnesia").toString()),
            Map.entry("RABBITMQ_LOG_BASE", dir.resolve("log").toString()),
            Map.entry("RABBITMQ_CONFIG_FILE", dir.resolve("rabbitmq.conf").toString()),
            Map.entry("RABBITMQ_ADVANCED_CONFIG_FILE", dir.resolve("advanced.config").toString()),
            Map.entry("RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString()),
            Map.entry("RABBITMQ_CONF_ENV_FILE", dir.resolve("rabbitmq-env.conf").toString()),
            // The distribution listener on loopback only (else it binds every address).
            Map.entry("RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS", "-kernel inet_dist_use_interface {127,0,0,1}"));
    }

    /**
     * Create RabbitMQ's directory, empty its data and log, and write its configuration, its (empty)
     * list of plugins and its (empty) environment file.
     */
    private void writeConfiguration() throws IOException
    {
        Files.createDirectories(dir);
        DirectoryTrees.delete(dir.resolve("mnesia"));
        DirectoryTrees.delete(dir.resolve("log"));
        Files.createDirectories(dir.resolve("mnesia"));
        Files.createDirectories(dir.resolve("log"));
        Files.createDirectories(dir.resolve("home"));
        Files.writeString(dir.resolve("rabbitmq.conf"), """
            # Written by the AMQP suite (io.robustmq.bench.amqp.RabbitMqProcess): the listener on loopback,
            # everything else RabbitMQ's defaults.
            listeners.tcp.1 = 127.0.0.1:%d
            """.formatted(port), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n", StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("rabbitmq-env.conf"), "", StandardCharsets.UTF_8);
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
     * Stop the node (SIGTERM to its script, which stops it cleanly; SIGKILL to all of it after 30 s),
     * then the port mapper, and delete the node's data (its log stays).
     */
    @Override
    public synchronized void close() throws IOException, InterruptedException
    {
        ChildProcesses.stop(process, STOP_TIMEOUT_MS);
        process = null;
        ChildProcesses.stop(epmdProcess, STOP_TIMEOUT_MS);
        epmdProcess = null;
        ChildProcesses.forgetPid(pids, "rabbitmq-beam");
        ChildProcesses.forgetPid(pids, "rabbitmq-epmd");
        DirectoryTrees.delete(dir.resolve("mnesia"));
    }
}
