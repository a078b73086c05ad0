package io.robustmq.bench.amqp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The AMQP suite's report: what each broker measured, as a table with the ratio (ours / RabbitMQ's) and
 * the target of each row a {@code RATIO} line is printed for, then each run's details, the notes and
 * failures, and the {@code RATIO} lines. Rows, per workload: its rate (confirmed msg/s with confirms,
 * else received msg/s) and its consumer latency p99, or, for the fixed-rate workload, its latency p50,
 * p95 and p99. Not thread-safe: the suite's main thread fills and prints it.
 */
final class AmqpReport
{
    private static final String RABBITMQ = "rabbitmq";
    private static final String ROBUSTMQ = "robustmq";
    private static final String ROW_FORMAT = "%-26s %-6s %12s %12s %8s  %s";

    /**
     * One figure of one broker.
     *
     * @param unit  its unit.
     * @param value the figure.
     */
    private record Figure(String unit, double value)
    {
    }

    /**
     * A row of the table: its figures by broker, and the workload whose ratio it carries, or null.
     */
    private static final class Row
    {
        private final Map<String, Figure> figures = new LinkedHashMap<>();
        private AmqpWorkload ratioOf;
    }

    private final int warmupS;
    private final int measureS;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final List<String> details = new ArrayList<>();

    /**
     * @param warmupS  each workload's warm-up, seconds, for the heading.
     * @param measureS each workload's measured run, seconds, for the heading.
     */
    AmqpReport(final int warmupS, final int measureS)
    {
        this.warmupS = warmupS;
        this.measureS = measureS;
    }

    /**
     * @param result a measured run.
     * @return its figures in one line, for the progress output and the details.
     */
    static String detail(final PerfTestRun.Result result)
    {
        final long[] latency = result.latencyUs();
        return String.format(Locale.ROOT, "published %,.0f msg/s, confirmed %,.0f msg/s, nacked %,d, received %,.0f msg/s; " +
            "consumer latency min/p50/p75/p95/p99 %,d/%,d/%,d/%,d/%,d us (p99 of each second %,d to %,d us)",
            result.publishedRate(), result.confirmedRate(), result.nacked(), result.receivedRate(),
            latency[0], latency[1], latency[2], latency[3], latency[4], result.p99MinUs(), result.p99MaxUs());
    }

    /**
     * Add a workload's measured run on one broker.
     *
     * @param workload the workload.
     * @param result   what its measured run gave.
     */
    void add(final AmqpWorkload workload, final PerfTestRun.Result result)
    {
        final String name = workload.name();
        switch (workload.figure())
        {
            case CONFIRMED_RATE ->
            {
                put(name, result.broker(), new Figure("msg/s", result.confirmedRate()), workload);
                put(name + " p99", result.broker(), new Figure("us", result.p99Us()), null);
            }
            case RECEIVED_RATE ->
            {
                put(name, result.broker(), new Figure("msg/s", result.receivedRate()), workload);
                put(name + " p99", result.broker(), new Figure("us", result.p99Us()), null);
            }
            case LATENCY_P99 ->
            {
                put(name + " p50", result.broker(), new Figure("us", result.p50Us()), null);
                put(name + " p95", result.broker(), new Figure("us", result.p95Us()), null);
                put(name + " p99", result.broker(), new Figure("us", result.p99Us()), workload);
                put(name + " msg/s", result.broker(), new Figure("msg/s", result.receivedRate()), null);
            }
            default -> throw new IllegalArgumentException("unknown figure " + workload.figure());
        }
        details.add(String.format("%s on %s: %s", name, result.broker(), detail(result)));
    }

    /**
     * Set a broker's figure in a row, and the workload whose ratio the row carries, if it does.
     */
    private void put(final String row, final String broker, final Figure figure, final AmqpWorkload ratioOf)
    {
        final Row target = rows.computeIfAbsent(row, key -> new Row());
        target.figures.put(broker, figure);
        if (ratioOf != null)
        {
            target.ratioOf = ratioOf;
        }
    }

    /**
     * Print the report on standard output.
     *
     * @param notes    what was skipped, and why.
     * @param failures what failed.
     * @param peer     whether RabbitMQ ran (else no ratios and no {@code RATIO} lines).
     */
    void print(final List<String> notes, final List<String> failures, final boolean peer)
    {
        System.out.println();
        System.out.printf("AMQP 0-9-1: RabbitMQ PerfTest 2.22.1, 1 producer and 1 consumer, messages of 1 KiB, %d s warm-up and %d s%n",
            warmupS, measureS);
        System.out.println("measured per workload; persistent_confirms: persistent, confirms (100 in flight), consumer acks each");
        System.out.println("(prefetch 100), unthrottled, confirmed msg/s; latency_10k: the same at 10,000 msg/s, consumer latency");
        System.out.println("(PerfTest's, producer's timestamp to the consumer, us); transient_autoack: transient, no confirms,");
        System.out.println("auto-ack, unthrottled, received msg/s. ratio: robustmq / rabbitmq");
        System.out.println(String.format(Locale.ROOT, ROW_FORMAT, "workload", "unit", RABBITMQ, ROBUSTMQ, "ratio", "target"));
        final List<String> ratioLines = new ArrayList<>();
        for (final Map.Entry<String, Row> entry : rows.entrySet())
        {
            final Figure theirs = entry.getValue().figures.get(RABBITMQ);
            final Figure ours = entry.getValue().figures.get(ROBUSTMQ);
            final Figure any = ours != null ? ours : theirs;
            final AmqpWorkload workload = entry.getValue().ratioOf;
            String ratio = "-";
            String target = workload == null ? "" : workload.targetText();
            if (theirs != null && ours != null && theirs.value() > 0)
            {
                final double value = ours.value() / theirs.value();
                ratio = String.format(Locale.ROOT, "%.3f", value);
                if (workload != null)
                {
                    target += workload.met(value) ? ": met" : ": missed";
                    ratioLines.add(String.format(Locale.ROOT, "RATIO %s%s %s (ours/rabbitmq; %s; %s is better; target %s)",
                        workload.name(), workload.figure().ratioSuffix(), ratio, ratioUnit(workload),
                        workload.figure().higherIsBetter() ? "higher" : "lower", workload.targetText()));
                }
            }
            System.out.println(String.format(Locale.ROOT, ROW_FORMAT, entry.getKey(), any.unit(), figure(theirs), figure(ours), ratio,
                target).stripTrailing());
        }
        System.out.println();
        details.forEach(System.out::println);
        for (final String note : notes)
        {
            System.out.println("note: " + note);
        }
        for (final String failure : failures)
        {
            System.out.println("FAILED: " + failure);
        }
        if (peer)
        {
            System.out.println();
            ratioLines.forEach(System.out::println);
        }
    }

    /**
     * @return what a workload's {@code RATIO} line divides.
     */
    private static String ratioUnit(final AmqpWorkload workload)
    {
        return switch (workload.figure())
        {
            case CONFIRMED_RATE -> "confirmed msg/s";
            case RECEIVED_RATE -> "received msg/s";
            case LATENCY_P99 -> "consumer latency p99";
        };
    }

    /**
     * @return a figure as the table shows it, {@code -} if the broker has none.
     */
    private static String figure(final Figure figure)
    {
        return figure == null ? "-" : String.format(Locale.ROOT, "%,.0f", figure.value());
    }
}
