package io.robustmq.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH result files ({@code -rf json}; several are read as one) into a table of payload bytes and records per second,
 * then the targets and ratios, ending with one {@code RATIO <name> <x>} line per ratio and one
 * {@code <name> <x>} line per figure held to a target as it is (e.g. {@code cursor_commits_per_s}).
 * <p>
 * Every benchmark here reports operations per second; a benchmark's bytes and records per
 * operation come from its parameters: {@code records} (or else {@code batch}, or else 1) records of
 * {@code recordSize} bytes, or, for a benchmark that counts batches, {@code batches} batches of
 * {@code batchBytes} bytes (counted as records in the table).
 * <pre>
 *   java -cp bench/target/benchmarks.jar io.robustmq.bench.Report results.json [more-results.json...]
 * </pre>
 * A benchmark with the same parameters in several files (rounds of forks, run in turn with the
 * benchmarks it is compared with, so that a drift of the machine's speed over minutes moves both
 * sides of a ratio alike) is one row: the mean of every measured iteration in every file, with an
 * error of 3.29 standard errors (a 99.9% interval, as JMH reports, by the normal approximation).
 * <p>
 * Exit status: 0 printed (a ratio whose results are missing prints {@code n/a}); 2 bad arguments or
 * an unreadable file.
 */
public final class Report
{
    private static final String JOURNAL = "io.robustmq.bench.journal.";
    /** The two-sided 99.9% quantile of the normal distribution. */
    private static final double Z_999 = 3.29;

    /** What a ratio divides, and the target it is held to ({@code NaN}: reported, held to none). */
    record Ratio(String name, Selector numerator, List<Selector> denominators, double target, String meaning)
    {
    }

    /** One benchmark result: a method, and the parameters that must match (others are ignored). */
    record Selector(String benchmark, Map<String, String> params)
    {
        boolean matches(final Row row)
        {
            if (!row.benchmark().equals(benchmark))
            {
                return false;
            }
            for (final Map.Entry<String, String> entry : params.entrySet())
            {
                if (!entry.getValue().equals(row.params().get(entry.getKey())))
                {
                    return false;
                }
            }
            return true;
        }

        @Override
        public String toString()
        {
            return shortName(benchmark) + params;
        }
    }

    /** One row of the table. */
    record Row(String benchmark, Map<String, String> params, int threads, double opsPerSecond,
        double errorOpsPerSecond, long recordsPerOp, long bytesPerOp, List<Double> samples)
    {
        double bytesPerSecond()
        {
            return opsPerSecond * bytesPerOp;
        }

        double recordsPerSecond()
        {
            return opsPerSecond * recordsPerOp;
        }
    }

    static final List<Ratio> RATIOS = List.of(
        new Ratio("append_nofsync_vs_raw",
            new Selector(JOURNAL + "JournalAppendBenchmark.append",
                Map.of("recordSize", "1024", "batch", "1", "durability", "none")),
            List.of(new Selector(JOURNAL + "RawMappedCopyBenchmark.copy", Map.of("recordSize", "1024", "batch", "1"))),
            0.5, "journal append, durability none, vs a raw copy into a pre-touched mapped file"),
        new Ratio("append_nofsync_vs_chronicle",
            new Selector(JOURNAL + "JournalAppendBenchmark.append",
                Map.of("recordSize", "1024", "batch", "1", "durability", "none")),
            List.of(new Selector(JOURNAL + "ChronicleAppendBenchmark.append", Map.of("recordSize", "1024", "batch", "1"))),
            1.0, "journal append, durability none, vs Chronicle Queue appending the same records"),
        new Ratio("group_commit_vs_fsync_each",
            new Selector(JOURNAL + "GroupCommitBenchmark.groupCommit", Map.of("recordSize", "1024")),
            List.of(
                new Selector(JOURNAL + "GroupCommitBenchmark.fsyncEach", Map.of("recordSize", "1024")),
                new Selector(JOURNAL + "JournalAppendBenchmark.append",
                    Map.of("recordSize", "1024", "batch", "1", "durability", "always"))),
            20.0, "durability always, 64 concurrent producers on 2 event loops with group commit, vs one fsync per record"),
        new Ratio("group_commit_thread_per_producer_vs_fsync_each",
            new Selector(JOURNAL + "GroupCommitBenchmark.groupCommitThreadPerProducer", Map.of("recordSize", "1024")),
            List.of(
                new Selector(JOURNAL + "GroupCommitBenchmark.fsyncEach", Map.of("recordSize", "1024")),
                new Selector(JOURNAL + "JournalAppendBenchmark.append",
                    Map.of("recordSize", "1024", "batch", "1", "durability", "always"))),
            Double.NaN, "the same 64 producers, each a thread that parks until its record is durable: mostly 64 " +
            "thread wake-ups per force"),
        new Ratio("fetch_vs_sendfile",
            new Selector(JOURNAL + "FetchBenchmark.fetch", Map.of()),
            List.of(new Selector(JOURNAL + "FetchBenchmark.sendfile", Map.of())),
            0.8, "a shard's 16 KiB batches read into a loopback socket (retained payloads, gathering writes) vs " +
            "sendfile of the same segment file"));

    /** A figure reported as it is (not a ratio), and the target it is held to ({@code NaN}: none). */
    record Figure(String name, Selector selector, double target, String meaning)
    {
    }

    static final List<Figure> FIGURES = List.of(
        new Figure("cursor_commits_per_s",
            new Selector(JOURNAL + "CursorCommitBenchmark.commitDurable", Map.of()),
            200_000, "cursor store, 64 concurrent groups on 2 event-loop threads, each group waiting for its commit " +
            "to be durable before the next, interval durability"),
        new Figure("cursor_commits_per_s_thread_per_group",
            new Selector(JOURNAL + "CursorCommitBenchmark.commitDurableThreadPerGroup", Map.of()),
            Double.NaN, "the same with a parked thread per group: mostly 64 thread wake-ups per batch"));

    private Report()
    {
    }

    public static void main(final String[] args)
    {
        if (args.length < 1)
        {
            System.err.println("usage: java -cp benchmarks.jar io.robustmq.bench.Report <jmh-result.json>...");
            System.exit(2);
        }
        final List<Row> rows = new ArrayList<>();
        for (final String file : args)
        {
            try
            {
                rows.addAll(rows(Json.parse(Files.readString(Path.of(file), StandardCharsets.UTF_8))));
            }
            catch (final IOException | RuntimeException ex)
            {
                System.err.println("report: cannot read " + file + ": " + ex.getMessage());
                System.exit(2);
                return;
            }
        }
        print(merge(rows), System.out);
    }

    /**
     * One row per benchmark and parameters: rows that share them (from several files) become one, over
     * all their samples; a row without samples is kept as it is.
     */
    static List<Row> merge(final List<Row> rows)
    {
        final Map<String, List<Row>> byKey = new LinkedHashMap<>();
        for (final Row row : rows)
        {
            byKey.computeIfAbsent(row.benchmark() + row.params(), key -> new ArrayList<>()).add(row);
        }
        final List<Row> merged = new ArrayList<>();
        for (final List<Row> same : byKey.values())
        {
            final Row first = same.get(0);
            final List<Double> samples = new ArrayList<>();
            for (final Row row : same)
            {
                samples.addAll(row.samples());
            }
            if (same.size() == 1 || samples.size() < 2)
            {
                merged.add(first);
                continue;
            }
            double sum = 0;
            for (final double sample : samples)
            {
                sum += sample;
            }
            final double mean = sum / samples.size();
            double squares = 0;
            for (final double sample : samples)
            {
                squares += (sample - mean) * (sample - mean);
            }
            final double standardError = Math.sqrt(squares / (samples.size() - 1) / samples.size());
            merged.add(new Row(first.benchmark(), first.params(), first.threads(), mean, Z_999 * standardError,
                first.recordsPerOp(), first.bytesPerOp(), samples));
        }
        return merged;
    }

    static void print(final List<Row> rows, final PrintStream out)
    {
        printTable(rows, out);
        out.println();
        final Map<String, Double> values = new LinkedHashMap<>();
        for (final Ratio ratio : RATIOS)
        {
            final Double value = value(ratio, rows);
            values.put(ratio.name(), value);
            if (Double.isNaN(ratio.target()))
            {
                out.printf(Locale.ROOT, "reported %s: %s (%s)%n", ratio.name(), value == null ? "no result" : format(value),
                    ratio.meaning());
            }
            else if (value == null)
            {
                out.printf(Locale.ROOT, "target %s >= %s: no result (%s)%n", ratio.name(), format(ratio.target()),
                    ratio.meaning());
            }
            else
            {
                out.printf(Locale.ROOT, "target %s >= %s: %s, %s (%s)%n", ratio.name(), format(ratio.target()),
                    value >= ratio.target() ? "met" : "MISSED", format(value), ratio.meaning());
            }
        }
        for (final Figure figure : FIGURES)
        {
            final Row row = find(figure.selector(), rows);
            if (Double.isNaN(figure.target()))
            {
                out.printf(Locale.ROOT, "reported %s: %s (%s)%n", figure.name(),
                    row == null ? "no result" : format(row.opsPerSecond()), figure.meaning());
            }
            else if (row == null)
            {
                out.printf(Locale.ROOT, "target %s >= %s: no result (%s)%n", figure.name(), format(figure.target()),
                    figure.meaning());
            }
            else
            {
                out.printf(Locale.ROOT, "target %s >= %s: %s, %s (%s)%n", figure.name(), format(figure.target()),
                    row.opsPerSecond() >= figure.target() ? "met" : "MISSED", format(row.opsPerSecond()), figure.meaning());
            }
        }
        for (final Map.Entry<String, Double> entry : values.entrySet())
        {
            out.println("RATIO " + entry.getKey() + " " + (entry.getValue() == null ? "n/a" : format(entry.getValue())));
        }
        for (final Figure figure : FIGURES)
        {
            final Row row = find(figure.selector(), rows);
            out.println(figure.name() + " " + (row == null ? "n/a" : format(row.opsPerSecond())));
        }
    }

    static Double value(final Ratio ratio, final List<Row> rows)
    {
        final Row numerator = find(ratio.numerator(), rows);
        if (numerator == null)
        {
            return null;
        }
        for (final Selector selector : ratio.denominators())
        {
            final Row denominator = find(selector, rows);
            if (denominator != null && denominator.bytesPerSecond() > 0)
            {
                return numerator.bytesPerSecond() / denominator.bytesPerSecond();
            }
        }
        return null;
    }

    private static Row find(final Selector selector, final List<Row> rows)
    {
        for (final Row row : rows)
        {
            if (selector.matches(row))
            {
                return row;
            }
        }
        return null;
    }

    static String format(final double value)
    {
        return String.format(Locale.ROOT, value >= 100 ? "%.0f" : value >= 10 ? "%.1f" : value >= 1 ? "%.2f" : "%.3f",
            value);
    }

    @SuppressWarnings("unchecked")
    static List<Row> rows(final Object json)
    {
        if (!(json instanceof List))
        {
            throw new IllegalArgumentException("not a JMH result file: the top level is not an array");
        }
        final List<Row> rows = new ArrayList<>();
        for (final Object element : (List<Object>)json)
        {
            final Map<String, Object> result = (Map<String, Object>)element;
            final Map<String, String> params = new LinkedHashMap<>();
            final Object rawParams = result.get("params");
            if (rawParams instanceof Map)
            {
                for (final Map.Entry<String, Object> entry : ((Map<String, Object>)rawParams).entrySet())
                {
                    params.put(entry.getKey(), String.valueOf(entry.getValue()));
                }
            }
            final Map<String, Object> metric = (Map<String, Object>)result.get("primaryMetric");
            final double perSecond = perSecond(String.valueOf(metric.get("scoreUnit")));
            final double score = number(metric.get("score")) * perSecond;
            final double error = number(metric.get("scoreError")) * perSecond;
            final long records = Long.parseLong(params.getOrDefault("batches",
                params.getOrDefault("records", params.getOrDefault("batch", "1"))));
            final long recordSize = Long.parseLong(params.getOrDefault("batchBytes", params.getOrDefault("recordSize", "0")));
            final int threads = (int)number(result.getOrDefault("threads", 1.0));
            final List<Double> samples = new ArrayList<>();
            if (metric.get("rawData") instanceof List<?> forks)
            {
                for (final Object fork : forks)
                {
                    for (final Object iteration : (List<Object>)fork)
                    {
                        samples.add(number(iteration) * perSecond);
                    }
                }
            }
            rows.add(new Row(String.valueOf(result.get("benchmark")), params, threads, score, error, records,
                records * recordSize, samples));
        }
        return rows;
    }

    private static double perSecond(final String unit)
    {
        return switch (unit)
        {
            case "ops/s" -> 1;
            case "ops/ms" -> 1e3;
            case "ops/us" -> 1e6;
            case "ops/ns" -> 1e9;
            default -> throw new IllegalArgumentException("unit " + unit + ": run the benchmarks in throughput mode");
        };
    }

    private static double number(final Object value)
    {
        if (value instanceof Number number)
        {
            return number.doubleValue();
        }
        return Double.NaN;
    }

    private static void printTable(final List<Row> rows, final PrintStream out)
    {
        final List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"benchmark", "params", "threads", "ops/s", "MB/s", "records/s", "error"});
        for (final Row row : rows)
        {
            final double relativeError = row.errorOpsPerSecond() / row.opsPerSecond();
            lines.add(new String[] {
                shortName(row.benchmark()),
                params(row.params()),
                Integer.toString(row.threads()),
                String.format(Locale.ROOT, "%,.0f", row.opsPerSecond()),
                String.format(Locale.ROOT, "%,.1f", row.bytesPerSecond() / 1e6),
                String.format(Locale.ROOT, "%,.0f", row.recordsPerSecond()),
                Double.isNaN(relativeError) ? "n/a" : String.format(Locale.ROOT, "±%.0f%%", relativeError * 100)});
        }
        final int[] widths = new int[lines.get(0).length];
        for (final String[] line : lines)
        {
            for (int i = 0; i < line.length; i++)
            {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        for (final String[] line : lines)
        {
            final StringBuilder text = new StringBuilder();
            for (int i = 0; i < line.length; i++)
            {
                final boolean left = i < 2;
                final String cell = left ? pad(line[i], widths[i], false) : pad(line[i], widths[i], true);
                text.append(cell).append(i == line.length - 1 ? "" : "  ");
            }
            out.println(text.toString().stripTrailing());
        }
        out.println("MB = 10^6 bytes of payload (records x recordSize; frame headers not counted); error = JMH's "
            + "99.9% confidence half-width, relative to the score.");
    }

    private static String pad(final String text, final int width, final boolean right)
    {
        final String spaces = " ".repeat(width - text.length());
        return right ? spaces + text : text + spaces;
    }

    static String shortName(final String benchmark)
    {
        final String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? benchmark : parts[parts.length - 2].replace("Benchmark", "") + "." +
            parts[parts.length - 1];
    }

    private static String params(final Map<String, String> params)
    {
        final Map<String, String> ordered = new TreeMap<>((a, b) -> rank(a) != rank(b) ? rank(a) - rank(b) :
            a.compareTo(b));
        ordered.putAll(params);
        final StringBuilder text = new StringBuilder();
        for (final Map.Entry<String, String> entry : ordered.entrySet())
        {
            text.append(text.length() == 0 ? "" : " ").append(entry.getKey()).append('=').append(entry.getValue());
        }
        return text.toString();
    }

    private static int rank(final String param)
    {
        return switch (param)
        {
            case "recordSize" -> 0;
            case "batch" -> 1;
            case "durability" -> 2;
            default -> 3;
        };
    }
}
