package io.robustmq.bench.mqtt;

import io.robustmq.bench.NodeLaunch;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One MQTT broker run as a child process of the benchmark: Mosquitto with a generated configuration,
 * HiveMQ CE in a JVM of its own, or a RobustMQ node started as {@code scripts/robust-server} starts
 * it, from the distribution's {@code lib/} with only the MQTT plugin in its plugins directory. Each
 * is started directly (no shell between), so the child's pid is the broker's. Knows its process's
 * CPU time (from {@code /proc/<pid>/stat}), resident set and open files (from {@code /proc}), and, for
 * the JVMs, heap and direct memory in use (the node's {@code /metrics} on its admin port; HiveMQ's
 * {@code HiveMqPeer} answers on its standard input). Its output goes to {@code broker.out} in its
 * directory. Not thread-safe: the benchmark's main thread drives it (and a shutdown hook may close it).
 */
final class BrokerProcess implements AutoCloseable
{
    private static final long STOP_TIMEOUT_MS = 15_000;
    private static final long NANOS_PER_TICK = 1_000_000_000L / Long.getLong("robustmq.bench.clktck", 100);
    private static final long JVM_MEMORY_TIMEOUT_MS = 5_000;
    /** The node's ready line: {@code ready: node 1; admin http://127.0.0.1:41267; ...}. */
    private static final Pattern NODE_ADMIN_URL = Pattern.compile("ready: node .*?; admin (http://[^;\\s]+)");
    /** A Prometheus sample line: {@code name{labels} value}. */
    private static final Pattern METRIC_LINE = Pattern.compile("^(\\w+)\\{([^}]*)}\\s+(\\S+)");

    /** How a broker's JVM memory figures are read, if it is a JVM. */
    private enum JvmMemorySource
    {
        /** Not a JVM (Mosquitto). */
        NONE,
        /** The node's Micrometer metrics, {@code /metrics} on its admin port. */
        ADMIN_METRICS,
        /** {@code HiveMqPeer}: a {@code memory <n>} line on its standard input, its answer in its output. */
        PEER_COMMAND
    }

    private final String name;
    private final Path dir;
    private final int port;
    private final List<String> command;
    private final Path aeronDir;
    private final JvmMemorySource jvmMemorySource;
    private Process process;
    private int memoryQueries;

    private BrokerProcess(
        final String name,
        final Path dir,
        final int port,
        final List<String> command,
        final Path aeronDir,
        final JvmMemorySource jvmMemorySource)
    {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.command = command;
        this.aeronDir = aeronDir;
        this.jvmMemorySource = jvmMemorySource;
    }

    /**
     * Write a Mosquitto configuration: a loopback listener, anonymous clients, no persistence, and the
     * same in-flight (64) and queue (1,000) limits per client as the RobustMQ node's defaults.
     *
     * @param binary the {@code mosquitto} executable.
     * @param dir    the broker's directory (created).
     * @param port   the MQTT port.
     * @return the broker, not running.
     * @throws IOException if the configuration cannot be written.
     */
    static BrokerProcess mosquitto(final String binary, final Path dir, final int port) throws IOException
    {
        Files.createDirectories(dir);
        final Path config = dir.resolve("mosquitto.conf");
        Files.writeString(config, """
            listener %d 127.0.0.1
            allow_anonymous true
            persistence false
            max_inflight_messages 64
            max_queued_messages 1000
            log_dest stderr
            log_type error
            log_type warning
            """.formatted(port));
        return new BrokerProcess("mosquitto", dir, port, List.of(binary, "-c", config.toString()), null, JvmMemorySource.NONE);
    }

    /**
     * Write a HiveMQ CE configuration: a loopback listener, anonymous clients (the default), a queue of
     * 1,000 messages per client as the node's default, no usage statistics sent; HiveMQ's own JVM runs
     * {@code HiveMqPeer.java} as a single-file source program on HiveMQ's class path.
     *
     * @param java      the {@code java} executable.
     * @param classPath HiveMQ CE embedded and its dependencies.
     * @param source    {@code bench/hivemq/HiveMqPeer.java}.
     * @param dir       the broker's directory (created).
     * @param port      the MQTT port.
     * @return the broker, not running.
     * @throws IOException if the configuration cannot be written.
     */
    static BrokerProcess hivemq(final String java, final String classPath, final Path source, final Path dir, final int port)
        throws IOException
    {
        final Path config = Files.createDirectories(dir.resolve("conf"));
        Files.writeString(config.resolve("config.xml"), """
            <?xml version="1.0"?>
            <hivemq>
                <listeners>
                    <tcp-listener>
                        <port>%d</port>
                        <bind-address>127.0.0.1</bind-address>
                    </tcp-listener>
                </listeners>
                <mqtt>
                    <queued-messages>
                        <max-queue-size>1000</max-queue-size>
                    </queued-messages>
                </mqtt>
                <anonymous-usage-statistics>
                    <enabled>false</enabled>
                </anonymous-usage-statistics>
            </hivemq>
            """.formatted(port));
        // The opens HiveMQ's own start script passes to the JVM.
        final List<String> command = List.of(java,
            "--add-opens", "java.base/java.lang=ALL-UNNAMED",
            "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED",
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", classPath, source.toString(), config.toString(), dir.resolve("data").toString());
        return new BrokerProcess("hivemq", dir, port, command, null, JvmMemorySource.PEER_COMMAND);
    }

    /**
     * Write a RobustMQ node's configuration: the defaults but for its directories, ports (admin
     * ephemeral) and a plugins directory holding the MQTT plugin alone.
     *
     * @param dir           the node's directory (created).
     * @param mqttPort      the MQTT TCP port.
     * @param wsPort        the MQTT WebSocket port.
     * @param metaPort      the first Meta Service port.
     * @param java          the {@code java} executable.
     * @param jvmFlags      the node's JVM flags.
     * @param nodeClassPath the node's class path (e.g. {@code distribution/target/robustmq/lib/*}).
     * @param mqttPlugin    the MQTT plugin's jar.
     * @return the node, not running.
     * @throws IOException if the directory or configuration cannot be written.
     */
    static BrokerProcess robustmq(
        final Path dir,
        final int mqttPort,
        final int wsPort,
        final int metaPort,
        final String java,
        final List<String> jvmFlags,
        final String nodeClassPath,
        final Path mqttPlugin) throws IOException
    {
        final NodeLaunch node = NodeLaunch.prepare(dir, "mqtt", mqttPlugin, metaPort, """
            [plugins.mqtt.listeners.tcp]
            port = %d

            [plugins.mqtt.listeners.ws]
            port = %d
            """.formatted(mqttPort, wsPort), java, jvmFlags, nodeClassPath);
        return new BrokerProcess("robustmq", dir, mqttPort, node.command(), node.aeronDir(),
            JvmMemorySource.ADMIN_METRICS);
    }

    /**
     * @return the broker's name in the report.
     */
    String name()
    {
        return name;
    }

    /**
     * @return the MQTT port.
     */
    int port()
    {
        return port;
    }

    /**
     * Start the process and wait until its MQTT port accepts connections.
     *
     * @param timeoutMs how long to wait at most.
     * @throws IOException if it cannot be started.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if it exits first or is not ready in time.
     */
    void start(final long timeoutMs) throws IOException, InterruptedException
    {
        if (listening())
        {
            throw new IllegalStateException("port " + port + " is already in use: another process listens there");
        }
        final ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("broker.out").toFile());
        // The node reads every ROBUSTMQ_* variable as configuration: the caller's must not leak in.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("ROBUSTMQ_"));
        process = builder.start();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!listening())
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException(name + " exited with status " + process.exitValue() +
                    " before it listened; its output ends:\n" + tail(20));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException(name + " not listening on " + port + " within " + timeoutMs + " ms; its output ends:\n" +
                    tail(20));
            }
            Thread.sleep(50);
        }
    }

    private boolean listening()
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * @return the process's CPU time so far (user and system), nanoseconds; -1 if unknown.
     */
    long cpuNs()
    {
        if (process == null || !process.isAlive())
        {
            return -1;
        }
        try
        {
            final String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"), StandardCharsets.US_ASCII);
            // After "(comm)": state is field 3, utime field 14 and stime field 15 (proc(5)).
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * @return the broker process's id; -1 if it is not running.
     */
    long pid()
    {
        return process == null || !process.isAlive() ? -1 : process.pid();
    }

    /**
     * @return the files the broker has open; -1 if unknown.
     */
    long openFiles()
    {
        final long pid = pid();
        return pid < 0 ? -1 : ProcStatus.openFiles(pid);
    }

    /**
     * @return the broker's soft limit on open files; -1 if unknown.
     */
    long openFileLimit()
    {
        final long pid = pid();
        return pid < 0 ? -1 : ProcStatus.openFileLimit(pid);
    }

    /**
     * Read the broker's memory: its resident set first (from {@code /proc}, undisturbed), then, for a
     * JVM, its heap and direct memory in use, which the broker is asked for. Nothing else is done to
     * it (no GC is forced).
     *
     * @return what could be read; unknown figures are -1.
     */
    BrokerMemory memory()
    {
        final long pid = pid();
        if (pid < 0)
        {
            return BrokerMemory.UNKNOWN;
        }
        final long rss = ProcStatus.rssBytes(pid);
        final BrokerMemory jvm = switch (jvmMemorySource)
        {
            case NONE -> BrokerMemory.UNKNOWN;
            case ADMIN_METRICS -> nodeJvmMemory();
            case PEER_COMMAND -> peerJvmMemory();
        };
        return jvm.withRss(rss);
    }

    /**
     * The node's heap and direct memory from its Micrometer metrics: the sum of
     * {@code jvm_memory_used_bytes{area="heap"}} and {@code jvm_buffer_memory_used_bytes{id="direct"}}.
     */
    private BrokerMemory nodeJvmMemory()
    {
        try
        {
            final Matcher admin = NODE_ADMIN_URL.matcher(Files.readString(dir.resolve("broker.out"), StandardCharsets.UTF_8));
            if (!admin.find())
            {
                return BrokerMemory.UNKNOWN;
            }
            final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(JVM_MEMORY_TIMEOUT_MS)).build();
            final HttpResponse<Stream<String>> response = http.send(
                HttpRequest.newBuilder(URI.create(admin.group(1) + "/metrics")).timeout(Duration.ofMillis(JVM_MEMORY_TIMEOUT_MS)).build(),
                HttpResponse.BodyHandlers.ofLines());
            double heap = -1;
            double direct = -1;
            try (Stream<String> lines = response.body())
            {
                for (final String line : (Iterable<String>)lines::iterator)
                {
                    final Matcher sample = METRIC_LINE.matcher(line);
                    if (!sample.find())
                    {
                        continue;
                    }
                    if ("jvm_memory_used_bytes".equals(sample.group(1)) && sample.group(2).contains("area=\"heap\""))
                    {
                        heap = Math.max(heap, 0) + Double.parseDouble(sample.group(3));
                    }
                    else if ("jvm_buffer_memory_used_bytes".equals(sample.group(1)) && sample.group(2).contains("id=\"direct\""))
                    {
                        direct = Double.parseDouble(sample.group(3));
                    }
                }
            }
            return new BrokerMemory(-1, (long)heap, (long)direct);
        }
        catch (final IOException | RuntimeException ex)
        {
            return BrokerMemory.UNKNOWN;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return BrokerMemory.UNKNOWN;
        }
    }

    /**
     * HiveMQ's heap and direct memory: {@code HiveMqPeer} answers {@code memory <n>} on its standard
     * input with {@code memory <n>: heap_used=<bytes> direct_used=<bytes>} in its output.
     */
    private BrokerMemory peerJvmMemory()
    {
        final String query = "memory " + (++memoryQueries);
        final Pattern answer = Pattern.compile("^" + query + ": heap_used=(-?\\d+) direct_used=(-?\\d+)$", Pattern.MULTILINE);
        try
        {
            final OutputStream input = process.getOutputStream();
            input.write((query + "\n").getBytes(StandardCharsets.US_ASCII));
            input.flush();
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(JVM_MEMORY_TIMEOUT_MS);
            while (System.nanoTime() < deadline)
            {
                final Matcher found = answer.matcher(Files.readString(dir.resolve("broker.out"), StandardCharsets.UTF_8));
                if (found.find())
                {
                    return new BrokerMemory(-1, Long.parseLong(found.group(1)), Long.parseLong(found.group(2)));
                }
                Thread.sleep(20);
            }
            return BrokerMemory.UNKNOWN;
        }
        catch (final IOException | RuntimeException ex)
        {
            return BrokerMemory.UNKNOWN;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return BrokerMemory.UNKNOWN;
        }
    }

    /**
     * Delete the broker's data directory ({@code data/} in its directory, where the node and HiveMQ
     * keep their state), so that its next start is a first one. Only while it is stopped.
     *
     * @throws IOException if it cannot be deleted.
     */
    void deleteData() throws IOException
    {
        if (process != null)
        {
            throw new IllegalStateException(name + " is running");
        }
        io.robustmq.bench.DirectoryTrees.delete(dir.resolve("data"));
    }

    /**
     * @param lines how many lines at most.
     * @return the end of the broker's output.
     */
    String tail(final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(dir.resolve("broker.out"), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex + ")";
        }
    }

    /**
     * Stop the broker (SIGTERM, then SIGKILL after a timeout), wait for it, and delete the Aeron
     * directory a node may leave.
     */
    @Override
    public void close() throws IOException, InterruptedException
    {
        if (process != null)
        {
            process.destroy();
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                process.destroyForcibly();
                process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            process = null;
        }
        if (aeronDir != null)
        {
            io.robustmq.bench.DirectoryTrees.delete(aeronDir);
        }
    }
}
