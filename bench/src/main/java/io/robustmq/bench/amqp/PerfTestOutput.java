package io.robustmq.bench.amqp;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a measured PerfTest run printed, read into its figures: the consumer latency percentiles of its
 * end-of-run summary, and the rates from its per-second CSV ({@code --output-file}).
 * <pre>
 *   id: x, consumer latency min/median/75th/95th/99th 331/3877/5409/10818/46296 µs
 *
 *   id,time (s),published (msg/s),returned (msg/s),confirmed (msg/s),nacked (msg/s),received (msg/s),
 *   min/median/75th/95th/99th consumer latency (µs),min/median/75th/95th/99th confirm latency (µs)
 * </pre>
 */
final class PerfTestOutput
{
    private static final Pattern LATENCY_SUMMARY = Pattern.compile(
        "consumer latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) ");
    private static final int CSV_TIME = 1;
    private static final int CSV_PUBLISHED = 2;
    private static final int CSV_CONFIRMED = 4;
    private static final int CSV_NACKED = 5;
    private static final int CSV_RECEIVED = 6;
    private static final int CSV_P99 = 11;

    private PerfTestOutput()
    {
    }

    /**
     * Read the measured run's summary and per-second samples.
     *
     * @param spec     the workload.
     * @param broker   the broker's name.
     * @param lines    what PerfTest printed.
     * @param csvLines its CSV ({@code --output-file}), header first.
     * @param output   the file it printed into, for a failure's report.
     * @return the run's figures.
     * @throws IllegalStateException if it printed no latency summary or received nothing.
     */
    static PerfTestRun.Result parse(
        final PerfTestRun.Spec spec,
        final String broker,
        final List<String> lines,
        final List<String> csvLines,
        final Path output)
    {
        long[] latency = null;
        for (final String line : lines)
        {
            final Matcher matcher = LATENCY_SUMMARY.matcher(line);
            if (matcher.find())
            {
                latency = new long[5];
                for (int i = 0; i < latency.length; i++)
                {
                    latency[i] = Long.parseLong(matcher.group(i + 1));
                }
            }
        }
        if (latency == null)
        {
            throw new IllegalStateException("PerfTest printed no consumer latency summary; its output ends:\n" +
                ChildProcesses.tail(output, 10));
        }
        double previousTime = 0;
        double seconds = 0;
        double published = 0;
        double confirmed = 0;
        double received = 0;
        double nacked = 0;
        long p99Min = Long.MAX_VALUE;
        long p99Max = 0;
        for (final String line : csvLines.subList(Math.min(1, csvLines.size()), csvLines.size()))
        {
            final String[] fields = line.split(",", -1);
            if (fields.length <= CSV_P99)
            {
                continue;
            }
            final double time = Double.parseDouble(fields[CSV_TIME]);
            final double length = time - previousTime;
            previousTime = time;
            seconds += length;
            published += number(fields[CSV_PUBLISHED]) * length;
            confirmed += number(fields[CSV_CONFIRMED]) * length;
            nacked += number(fields[CSV_NACKED]) * length;
            received += number(fields[CSV_RECEIVED]) * length;
            if (!fields[CSV_P99].isEmpty())
            {
                final long p99 = Long.parseLong(fields[CSV_P99]);
                p99Min = Math.min(p99Min, p99);
                p99Max = Math.max(p99Max, p99);
            }
        }
        if (seconds <= 0 || received <= 0)
        {
            throw new IllegalStateException("PerfTest's samples show no message received (" + csvLines.size() +
                " lines in its CSV); its output ends:\n" + ChildProcesses.tail(output, 10));
        }
        return new PerfTestRun.Result(spec, broker, published / seconds, confirmed / seconds, received / seconds, Math.round(nacked),
            latency, p99Min == Long.MAX_VALUE ? 0 : p99Min, p99Max);
    }

    /**
     * @return a CSV field as a number, 0 if empty.
     */
    private static double number(final String field)
    {
        return field.isEmpty() ? 0 : Double.parseDouble(field);
    }
}
