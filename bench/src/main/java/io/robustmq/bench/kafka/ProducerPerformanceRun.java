package io.robustmq.bench.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kafka's own producer load tool, {@code org.apache.kafka.tools.ProducerPerformance} from
 * {@code kafka-tools}, run in a JVM of its own (Kafka's class path) against one broker, unthrottled
 * ({@code --throughput -1}), with Kafka's producer defaults but for {@code acks}. The first fifth of
 * the records are its warm-up ({@code --warmup-records}); the figure is its steady-state summary.
 */
final class ProducerPerformanceRun
{
    private static final String MAIN_CLASS = "org.apache.kafka.tools.ProducerPerformance";
    /** {@code 800000 steady state records sent, 123456.789 records/sec (12.35 MB/sec), 12.34 ms avg latency, ...}. */
    private static final Pattern SUMMARY = Pattern.compile(
        "^(\\d+)(.*?) records sent, ([0-9.]+) records/sec \\(([0-9.]+) MB/sec\\), ([0-9.]+) ms avg latency, " +
        "([0-9.]+) ms max latency, (\\d+) ms 50th, (\\d+) ms 95th, (\\d+) ms 99th, (\\d+) ms 99.9th");

    /**
     * One workload: its name in the report and the tool's parameters.
     *
     * @param name        the workload's name (as in the RATIO lines, without {@code _vs_kafka}).
     * @param records     records to send, warm-up included.
     * @param recordBytes the size of each record's value.
     * @param acks        the producer's {@code acks}: {@code 1} or {@code all}.
     */
    record Spec(String name, int records, int recordBytes, String acks)
    {
    }

    /**
     * What the tool printed in its steady-state summary.
     *
     * @param spec          the workload.
     * @param broker        the broker's name.
     * @param records       records counted in the summary.
     * @param recordsPerSec records per second.
     * @param mbPerSec      MB per second (the tool's, 2^20 bytes).
     * @param p50Ms         the tool's median send-to-acknowledgement latency.
     * @param p99Ms         its 99th percentile.
     */
    record Result(Spec spec, String broker, long records, double recordsPerSec, double mbPerSec, long p50Ms, long p99Ms)
    {
    }

    private ProducerPerformanceRun()
    {
    }

    /**
     * Run the tool once and parse its summary.
     *
     * @param java      the {@code java} executable.
     * @param classPath Kafka's class path (kafka-tools and what it needs).
     * @param bootstrap the broker's address.
     * @param topic     the topic (created before).
     * @param spec      the workload.
     * @param broker    the broker's name.
     * @param dir       where the tool's output is kept ({@code <name>.out}).
     * @param timeoutMs how long the run may take.
     * @param running   the tool's process while it runs, for a shutdown hook to stop.
     * @return its summary.
     * @throws IOException if it cannot be run.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if it fails, times out, or prints no summary.
     */
    static Result run(
        final String java,
        final String classPath,
        final String bootstrap,
        final String topic,
        final Spec spec,
        final String broker,
        final Path dir,
        final long timeoutMs,
        final AtomicReference<Process> running) throws IOException, InterruptedException
    {
        Files.createDirectories(dir);
        final Path output = dir.resolve(spec.name() + ".out");
        final List<String> command = new ArrayList<>(List.of(java, "-Xmx512M", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", classPath, MAIN_CLASS,
            "--topic", topic,
            "--num-records", Integer.toString(spec.records()),
            "--warmup-records", Integer.toString(spec.records() / 5),
            "--record-size", Integer.toString(spec.recordBytes()),
            "--throughput", "-1",
            "--bootstrap-server", bootstrap,
            "--command-property", "acks=" + spec.acks(), "client.id=bench-" + spec.name()));
        final Process process = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
        running.set(process);
        try
        {
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
            {
                throw new IllegalStateException("ProducerPerformance did not end within " + timeoutMs + " ms; its output ends:\n" +
                    tail(output, 10));
            }
            final List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
            Matcher summary = null;
            for (final String line : lines)
            {
                final Matcher matcher = SUMMARY.matcher(line.trim());
                // The steady-state summary comes last; without one (a run too short), the whole run's.
                if (matcher.find() && (summary == null || matcher.group(2).contains("steady")))
                {
                    summary = matcher;
                }
            }
            if (process.exitValue() != 0 || summary == null)
            {
                throw new IllegalStateException("ProducerPerformance exited with status " + process.exitValue() +
                    (summary == null ? " and no summary" : "") + "; its output ends:\n" + tail(output, 10));
            }
            return new Result(spec, broker, Long.parseLong(summary.group(1)), Double.parseDouble(summary.group(3)),
                Double.parseDouble(summary.group(4)), Long.parseLong(summary.group(7)), Long.parseLong(summary.group(9)));
        }
        finally
        {
            if (process.isAlive())
            {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
            running.set(null);
        }
    }

    private static String tail(final Path file, final int lines)
    {
        try
        {
            final List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex + ")";
        }
    }
}
