package io.robustmq.bench.kafka;

import io.robustmq.bench.NodeLaunch;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;

/**
 * One Kafka-protocol broker run as a child process of the suite: Apache Kafka in KRaft combined mode
 * (broker and controller, one node) from the class path {@code bench/kafka/pom.xml} resolves, or a
 * RobustMQ node from the distribution's {@code lib/} with the Kafka plugin alone in its plugins
 * directory. Each is started directly (no shell between); its output goes to {@code broker.out} in its
 * directory. Not thread-safe: the suite's main thread drives it, and a shutdown hook may close it.
 */
final class KafkaBrokerProcess implements AutoCloseable
{
    private static final String KAFKA_MAIN_CLASS = "kafka.Kafka";
    private static final String KAFKA_STORAGE_TOOL = "kafka.tools.StorageTool";
    private static final long STOP_TIMEOUT_MS = 20_000;
    private static final long FORMAT_TIMEOUT_MS = 60_000;
    /** The heap and collector flags Kafka's own scripts give a broker (kafka-server-start.sh, kafka-run-class.sh). */
    private static final List<String> KAFKA_JVM_FLAGS = List.of("-Xmx1G", "-Xms1G", "-XX:+UseG1GC",
        "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent",
        "-Djava.awt.headless=true", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");

    private final String name;
    private final Path dir;
    private final int port;
    private final List<String> command;
    private final List<String> formatCommand;
    private final Path aeronDir;
    private Process process;

    private KafkaBrokerProcess(
        final String name,
        final Path dir,
        final int port,
        final List<String> command,
        final List<String> formatCommand,
        final Path aeronDir)
    {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.command = command;
        this.formatCommand = formatCommand;
        this.aeronDir = aeronDir;
    }

    /**
     * Write an Apache Kafka configuration: one node that is broker and controller (KRaft combined
     * mode), a standalone controller quorum, loopback listeners, its log directory under {@code dir},
     * replication factors of 1 for its internal topics, otherwise Kafka's shipped defaults.
     *
     * @param java           the {@code java} executable.
     * @param classPath      Kafka's class path.
     * @param dir            the broker's directory (created).
     * @param port           the client port (PLAINTEXT).
     * @param controllerPort the controller port.
     * @return the broker, not running and not formatted.
     * @throws IOException if the configuration cannot be written.
     */
    static KafkaBrokerProcess apacheKafka(
        final String java,
        final String classPath,
        final Path dir,
        final int port,
        final int controllerPort) throws IOException
    {
        Files.createDirectories(dir);
        final Path config = dir.resolve("server.properties");
        Files.writeString(config, """
            process.roles=broker,controller
            node.id=1
            controller.quorum.bootstrap.servers=127.0.0.1:%2$d
            listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
            advertised.listeners=PLAINTEXT://127.0.0.1:%1$d,CONTROLLER://127.0.0.1:%2$d
            inter.broker.listener.name=PLAINTEXT
            controller.listener.names=CONTROLLER
            listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
            log.dirs=%3$s
            num.partitions=1
            auto.create.topics.enable=true
            offsets.topic.replication.factor=1
            share.coordinator.state.topic.replication.factor=1
            share.coordinator.state.topic.min.isr=1
            transaction.state.log.replication.factor=1
            transaction.state.log.min.isr=1
            group.initial.rebalance.delay.ms=0
            """.formatted(port, controllerPort, dir.resolve("kraft-logs")));
        final List<String> base = new ArrayList<>();
        base.add(java);
        base.addAll(KAFKA_JVM_FLAGS);
        base.add("-Dkafka.logs.dir=" + dir.resolve("logs"));
        base.addAll(List.of("-cp", classPath));
        final List<String> run = new ArrayList<>(base);
        run.addAll(List.of(KAFKA_MAIN_CLASS, config.toString()));
        final List<String> format = new ArrayList<>(base);
        format.addAll(List.of(KAFKA_STORAGE_TOOL, "format", "--cluster-id", Uuid.randomUuid().toString(),
            "--config", config.toString(), "--standalone", "--ignore-formatted"));
        return new KafkaBrokerProcess("kafka", dir, port, List.copyOf(run), List.copyOf(format), null);
    }

    /**
     * Write a RobustMQ node's configuration: the defaults but for its directories, ports (admin
     * ephemeral) and a plugins directory holding the Kafka plugin alone (so MQTT and AMQP are not
     * loaded).
     *
     * @param dir           the node's directory (created).
     * @param kafkaPort     the Kafka TCP port.
     * @param metaPort      the first Meta Service port.
     * @param java          the {@code java} executable.
     * @param jvmFlags      the node's JVM flags.
     * @param nodeClassPath the node's class path (e.g. {@code distribution/target/robustmq/lib/*}).
     * @param kafkaPlugin   the Kafka plugin's jar.
     * @return the node, not running.
     * @throws IOException if the directory or configuration cannot be written.
     */
    static KafkaBrokerProcess robustmq(
        final Path dir,
        final int kafkaPort,
        final int metaPort,
        final String java,
        final List<String> jvmFlags,
        final String nodeClassPath,
        final Path kafkaPlugin) throws IOException
    {
        final NodeLaunch node = NodeLaunch.prepare(dir, "kafka", kafkaPlugin, metaPort, """
            [plugins.kafka.listeners.tcp]
            port = %d
            """.formatted(kafkaPort), java, jvmFlags, nodeClassPath);
        return new KafkaBrokerProcess("robustmq", dir, kafkaPort, node.command(), List.of(), node.aeronDir());
    }

    /**
     * @return the broker's name in the report.
     */
    String name()
    {
        return name;
    }

    /**
     * @return the bootstrap address of the broker's Kafka listener.
     */
    String bootstrap()
    {
        return "127.0.0.1:" + port;
    }

    /**
     * Format the storage if the broker needs it (Apache Kafka), start the process, and wait until its
     * Kafka port accepts connections.
     *
     * @param timeoutMs how long to wait at most.
     * @throws IOException if it cannot be started.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if it exits first, is not ready in time, or the format fails.
     */
    void start(final long timeoutMs) throws IOException, InterruptedException
    {
        if (listening())
        {
            throw new IllegalStateException("port " + port + " is already in use: another process listens there");
        }
        if (!formatCommand.isEmpty())
        {
            format();
        }
        process = builder(command, "broker.out").start();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!listening())
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException(name + " exited with status " + process.exitValue() +
                    " before it listened; its output ends:\n" + tail("broker.out", 20));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException(name + " not listening on " + port + " within " + timeoutMs +
                    " ms; its output ends:\n" + tail("broker.out", 20));
            }
            Thread.sleep(50);
        }
    }

    private void format() throws IOException, InterruptedException
    {
        final Process formatter = builder(formatCommand, "format.out").start();
        process = formatter;
        try
        {
            if (!formatter.waitFor(FORMAT_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException(name + ": formatting the storage did not end within " + FORMAT_TIMEOUT_MS + " ms");
            }
            if (formatter.exitValue() != 0)
            {
                throw new IllegalStateException(name + ": formatting the storage failed (status " + formatter.exitValue() +
                    "):\n" + tail("format.out", 20));
            }
        }
        finally
        {
            if (formatter.isAlive())
            {
                formatter.destroyForcibly();
            }
            process = null;
        }
    }

    private ProcessBuilder builder(final List<String> commandLine, final String output)
    {
        final ProcessBuilder builder = new ProcessBuilder(commandLine)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(output).toFile());
        // The node reads every ROBUSTMQ_* variable as configuration, Kafka's scripts KAFKA_*: none may leak in.
        builder.environment().keySet().removeIf(variable -> variable.startsWith("ROBUSTMQ_") || variable.startsWith("KAFKA_"));
        return builder;
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
     * @param lines how many lines at most.
     * @return the end of the broker's output.
     */
    String tail(final int lines)
    {
        return tail("broker.out", lines);
    }

    private String tail(final String file, final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(dir.resolve(file), StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex + ")";
        }
    }

    /**
     * Stop the broker (SIGTERM, then SIGKILL after a timeout), wait for it, and delete its data and the
     * Aeron directory a node may leave.
     */
    @Override
    public void close() throws IOException, InterruptedException
    {
        final Process running = process;
        if (running != null)
        {
            running.destroy();
            if (!running.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS))
            {
                running.destroyForcibly();
                running.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            process = null;
        }
        if (aeronDir != null)
        {
            io.robustmq.bench.DirectoryTrees.delete(aeronDir);
        }
        io.robustmq.bench.DirectoryTrees.delete(dir.resolve("data"));
        io.robustmq.bench.DirectoryTrees.delete(dir.resolve("kraft-logs"));
    }
}
