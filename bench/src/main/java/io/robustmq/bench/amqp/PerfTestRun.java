package io.robustmq.bench.amqp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * RabbitMQ PerfTest ({@code com.rabbitmq.perf.PerfTest}, {@code com.rabbitmq:perf-test} 2.22.1) run in
 * a JVM of its own against one broker: one producer and one consumer on a queue of the workload's own
 * ({@code --auto-delete false}, durable when the messages are persistent, as PerfTest declares it),
 * bound to PerfTest's {@code direct} exchange with a fixed routing key.
 * <p>
 * PerfTest has no warm-up of its own, so a workload is two runs of it on the same queue: an unreported
 * warm-up run, then, once the queue is purged of what the warm-up left in it, the measured run. The
 * figures are the measured run's: the rates are the means of its per-second samples (its
 * {@code --output-file} CSV, weighted by each sample's length), the consumer latency percentiles its
 * own end-of-run summary ({@code consumer latency min/median/75th/95th/99th}, in microseconds: from the
 * producer's timestamp in the message to its arrival at the consumer, estimated by PerfTest from a
 * sampling reservoir of about 1,000 messages).
 */
final class PerfTestRun
{
    private static final String MAIN_CLASS = "com.rabbitmq.perf.PerfTest";
    private static final long EXTRA_TIMEOUT_S = 60;

    /**
     * One workload: its name in the report and PerfTest's parameters.
     *
     * @param name         the workload's name (as in the RATIO lines, without {@code _vs_rabbitmq}).
     * @param persistent   persistent messages ({@code --flag persistent}; the queue is then durable).
     * @param confirms     publisher confirms: the most unconfirmed messages ({@code --confirm}); 0: none.
     * @param autoAck      an auto-ack consumer ({@code --autoack}); else one that acknowledges each message.
     * @param prefetch     the consumer's prefetch ({@code --qos}); 0: unlimited.
     * @param rate         the producer's rate ({@code --rate}, msg/s); 0: as fast as it can.
     * @param messageBytes the size of each message ({@code --size}).
     * @param warmupS      the unreported warm-up run's length.
     * @param measureS     the measured run's length.
     */
    record Spec(
        String name,
        boolean persistent,
        int confirms,
        boolean autoAck,
        int prefetch,
        int rate,
        int messageBytes,
        int warmupS,
        int measureS)
    {
        /**
         * @return the workload's parameters as the report shows them.
         */
        String describe()
        {
            return String.format("%s, %d B, %s, %s, %s", persistent ? "persistent" : "transient", messageBytes,
                confirms > 0 ? "confirms (" + confirms + " in flight)" : "no confirms",
                autoAck ? "auto-ack" : "ack each, prefetch " + prefetch,
                rate > 0 ? rate + " msg/s" : "unthrottled");
        }
    }

    /**
     * What the measured run gave.
     *
     * @param spec          the workload.
     * @param broker        the broker's name.
     * @param publishedRate messages published per second.
     * @param confirmedRate messages confirmed per second (0 without confirms).
     * @param receivedRate  messages received by the consumer per second.
     * @param nacked        messages the broker nacked.
     * @param latencyUs     consumer latency: min, median, 75th, 95th, 99th percentiles, microseconds.
     * @param p99MinUs      the lowest per-second 99th percentile.
     * @param p99MaxUs      the highest per-second 99th percentile.
     */
    record Result(
        Spec spec,
        String broker,
        double publishedRate,
        double confirmedRate,
        double receivedRate,
        long nacked,
        long[] latencyUs,
        long p99MinUs,
        long p99MaxUs)
    {
        /**
         * @return the median consumer latency, microseconds.
         */
        long p50Us()
        {
            return latencyUs[1];
        }

        /**
         * @return the 95th percentile of the consumer latency, microseconds.
         */
        long p95Us()
        {
            return latencyUs[3];
        }

        /**
         * @return the 99th percentile of the consumer latency, microseconds.
         */
        long p99Us()
        {
            return latencyUs[4];
        }
    }

    /**
     * How PerfTest is started, and where the suite keeps track of it.
     *
     * @param java      the {@code java} executable.
     * @param classPath PerfTest's class path.
     * @param pids      where its pid is recorded while it runs ({@code perftest.pid}).
     * @param stop      the suite's stop, which starts it (unless the suite is stopping) and stops it.
     */
    record Tool(String java, String classPath, Path pids, SuiteStop stop)
    {
    }

    private PerfTestRun()
    {
    }

    /**
     * Run the workload's warm-up, purge its queue, run it measured, delete its queue, and parse what the
     * measured run printed.
     *
     * @param tool   how PerfTest is started.
     * @param broker the broker (running).
     * @param spec   the workload.
     * @param dir    where PerfTest's output is kept ({@code <workload>-warmup.out}, {@code <workload>.out},
     *               {@code <workload>.csv}).
     * @return the measured run's figures.
     * @throws IOException if PerfTest cannot be run or the queue cannot be purged.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if a run fails, times out, or the measured run prints no summary.
     */
    static Result run(final Tool tool, final AmqpBroker broker, final Spec spec, final Path dir)
        throws IOException, InterruptedException
    {
        Files.createDirectories(dir);
        final String queue = "bench-" + spec.name();
        final Path warmupOutput = dir.resolve(spec.name() + "-warmup.out");
        final Path output = dir.resolve(spec.name() + ".out");
        final Path csv = dir.resolve(spec.name() + ".csv");
        Files.deleteIfExists(csv);
        try
        {
            perfTest(tool, command(tool, broker.port(), spec, spec.warmupS(), spec.name() + "-warmup", null), warmupOutput);
            QueueAdmin.purge(broker.port(), queue);
            final List<String> measured = command(tool, broker.port(), spec, spec.measureS(), spec.name(), csv);
            System.err.println("amqp:   PerfTest " + String.join(" ", measured.subList(measured.indexOf(MAIN_CLASS) + 1, measured.size())));
            final List<String> lines = perfTest(tool, measured, output);
            return PerfTestOutput.parse(spec, broker.name(), lines, ChildProcesses.lines(csv), output);
        }
        catch (final TimeoutException ex)
        {
            throw new IOException("connecting to purge " + queue + ": " + ex, ex);
        }
        finally
        {
            deleteQueue(broker, queue);
        }
    }

    /**
     * Run PerfTest once, to its end (its {@code --time}, and a minute more at most).
     *
     * @param tool    how PerfTest is started.
     * @param command its command line ({@link #command}).
     * @param output  where its output goes.
     * @return the lines it printed.
     */
    private static List<String> perfTest(final Tool tool, final List<String> command, final Path output)
        throws IOException, InterruptedException
    {
        final String id = command.get(command.indexOf("--id") + 1);
        final long timeoutS = Long.parseLong(command.get(command.indexOf("--time") + 1)) + EXTRA_TIMEOUT_S;
        final Process process = tool.stop().startTool(new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile()));
        ChildProcesses.recordPid(tool.pids(), "perftest", process.toHandle());
        try
        {
            if (!process.waitFor(timeoutS, TimeUnit.SECONDS))
            {
                throw new IllegalStateException("PerfTest (" + id + ") did not end within " + timeoutS + " s; its output ends:\n" +
                    ChildProcesses.tail(output, 10));
            }
            final List<String> lines = ChildProcesses.lines(output);
            int errorLine = -1;
            for (int i = 0; i < lines.size() && errorLine < 0; i++)
            {
                if (lines.get(i).contains("Exception") || lines.get(i).contains("ERROR"))
                {
                    errorLine = i;
                }
            }
            if (process.exitValue() != 0 || errorLine >= 0)
            {
                // The error with what follows it (a stack trace names the cause), then the end.
                final String reported = errorLine < 0 ? "" : ", reporting:\n" +
                    String.join("\n", lines.subList(errorLine, Math.min(lines.size(), errorLine + 25)));
                throw new IllegalStateException("PerfTest (" + id + ") exited with status " + process.exitValue() +
                    reported + "\nits output ends:\n" + ChildProcesses.tail(output, 10));
            }
            return lines;
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            tool.stop().toolEnded(process);
            ChildProcesses.forgetPid(tool.pids(), "perftest");
        }
    }

    /**
     * PerfTest's command line for one run of a workload, on the workload's queue ({@code bench-<name>},
     * also the routing key).
     *
     * @param tool    how PerfTest is started.
     * @param port    the broker's AMQP port.
     * @param spec    the workload.
     * @param seconds how long it runs ({@code --time}).
     * @param id      its test id ({@code --id}).
     * @param csv     where it writes its per-second samples ({@code --output-file}), or null.
     * @return the command line.
     */
    static List<String> command(final Tool tool, final int port, final Spec spec, final int seconds, final String id, final Path csv)
    {
        final String queue = "bench-" + spec.name();
        final List<String> command = new ArrayList<>(List.of(tool.java(), "-Xmx512M", "-cp", tool.classPath(), MAIN_CLASS,
            "--uri", "amqp://guest:guest@127.0.0.1:" + port,
            "--id", id,
            "--producers", "1",
            "--consumers", "1",
            "--size", Integer.toString(spec.messageBytes()),
            "--queue", queue,
            "--routing-key", queue,
            "--auto-delete", "false",
            "--time", Integer.toString(seconds),
            "--interval", "1",
            "--disable-connection-recovery"));
        if (spec.persistent())
        {
            command.addAll(List.of("--flag", "persistent"));
        }
        if (spec.confirms() > 0)
        {
            command.addAll(List.of("--confirm", Integer.toString(spec.confirms())));
        }
        if (spec.autoAck())
        {
            command.add("--autoack");
        }
        if (spec.prefetch() > 0)
        {
            command.addAll(List.of("--qos", Integer.toString(spec.prefetch())));
        }
        if (spec.rate() > 0)
        {
            command.addAll(List.of("--rate", Integer.toString(spec.rate())));
        }
        if (csv != null)
        {
            command.addAll(List.of("--output-file", csv.toString()));
        }
        return command;
    }

    /**
     * Delete the workload's queue, so that the next workload starts on a broker with nothing left in it;
     * a failure is reported, not thrown (the workload's own failure, if any, is the one to see).
     */
    private static void deleteQueue(final AmqpBroker broker, final String queue)
    {
        try
        {
            QueueAdmin.delete(broker.port(), queue);
        }
        catch (final Exception ex)
        {
            System.err.println("amqp:   deleting " + queue + " on " + broker.name() + ": " + ex);
        }
    }
}
