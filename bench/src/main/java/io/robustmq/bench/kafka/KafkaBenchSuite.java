package io.robustmq.bench.kafka;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka suite: the same workloads against Apache Kafka (a peer in KRaft combined mode, its own JVM,
 * if its class path is given) and then a RobustMQ node with only the Kafka plugin, one broker at a
 * time, each started before its workloads and stopped after them (also on failure and on Ctrl-C, by a
 * shutdown hook that also stops a running ProducerPerformance). Prints a table and the {@code RATIO}
 * lines.
 * <p>
 * Each broker first takes an unreported ProducerPerformance run ({@link #brokerWarmup}), so that
 * neither is measured while its JIT compiler is still at work. Workloads, each on a topic of its own with one partition, created first (Kafka's Admin
 * CreateTopics, or the Metadata request's auto-creation where CreateTopics is not supported):
 * {@code produce_acks1_100b}, {@code produce_acks1_1kib}, {@code produce_acksall_100b},
 * {@code produce_acksall_1kib}: Kafka's {@code ProducerPerformance} unthrottled, records/s;
 * {@code e2e_p99_10k} (acks=1) and {@code e2e_acksall_p99_10k} (acks=all): {@link EndToEndProbe} at
 * 10,000 records/s, p50/p99/p99.9 from the intended send time.
 * <p>
 * Usage: {@code KafkaBenchSuite quick|full <work dir> <node class path> <kafka plugin jar> <kafka class path or ""> [node JVM flags...]}.
 * <p>
 * Ports: Apache Kafka 29192 (clients) and 29193 (controller); the node's Kafka 29092, Meta Service
 * 29800-29804 (UDP), admin ephemeral.
 */
public final class KafkaBenchSuite
{
    static final int KAFKA_PORT = 29192;
    static final int KAFKA_CONTROLLER_PORT = 29193;
    static final int NODE_KAFKA_PORT = 29092;
    static final int NODE_META_PORT = 29800;
    private static final long START_TIMEOUT_MS = 90_000;
    private static final long TOPIC_TIMEOUT_MS = 30_000;
    /**
     * A quiet second between a workload's topic having a leader (waited for) and the workload: not a
     * wait for a condition, but room for what the last workload and the topic's creation left running
     * in the broker (a new shard's next segment being pre-touched, Kafka's log and flush threads) to
     * finish before anything is measured.
     */
    private static final long SETTLE_MS = 1_000;
    private static final int E2E_RATE = 10_000;
    private static final int E2E_RECORD_BYTES = 100;
    private static final String KAFKA = "kafka";
    private static final String ROBUSTMQ = "robustmq";

    private KafkaBenchSuite()
    {
    }

    static List<ProducerPerformanceRun.Spec> producerWorkloads(final boolean quick)
    {
        final int small = quick ? 1_000_000 : 5_000_000;
        final int large = quick ? 300_000 : 1_500_000;
        return List.of(
            new ProducerPerformanceRun.Spec("produce_acks1_100b", small, 100, "1"),
            new ProducerPerformanceRun.Spec("produce_acks1_1kib", large, 1024, "1"),
            new ProducerPerformanceRun.Spec("produce_acksall_100b", small, 100, "all"),
            new ProducerPerformanceRun.Spec("produce_acksall_1kib", large, 1024, "all"));
    }

    /**
     * A run of ProducerPerformance on a freshly started broker before the measured workloads, not
     * reported: both JVMs compile their hot paths under load before anything is measured.
     */
    static ProducerPerformanceRun.Spec brokerWarmup(final boolean quick)
    {
        return new ProducerPerformanceRun.Spec("warmup_1kib", quick ? 200_000 : 1_000_000, 1024, "1");
    }

    static List<EndToEndProbe.Spec> endToEndWorkloads(final boolean quick)
    {
        final long warmupMs = quick ? 2_000 : 5_000;
        final long measureMs = quick ? 10_000 : 60_000;
        return List.of(
            new EndToEndProbe.Spec("e2e_p99_10k", E2E_RATE, E2E_RECORD_BYTES, warmupMs, measureMs, "1"),
            new EndToEndProbe.Spec("e2e_acksall_p99_10k", E2E_RATE, E2E_RECORD_BYTES, warmupMs, measureMs, "all"));
    }

    /**
     * @param args see the class's description.
     * @throws Exception if the suite cannot run at all.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 5)
        {
            System.err.println("usage: KafkaBenchSuite quick|full <work dir> <node class path> <kafka plugin jar> " +
                "<kafka class path or \"\"> [node JVM flags...]");
            System.exit(2);
        }
        final boolean quick = "quick".equals(args[0]);
        final Path workDir = Path.of(args[1]);
        final String nodeClassPath = args[2];
        final Path kafkaPlugin = Path.of(args[3]);
        final String kafkaClassPath = args[4];
        final List<String> nodeFlags = Arrays.asList(args).subList(5, args.length);
        final String java = ProcessHandle.current().info().command().orElse("java");

        final List<KafkaBrokerProcess> brokers = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        if (kafkaClassPath.isEmpty())
        {
            System.err.println("kafka: no Apache Kafka class path given: skipping the peer (no RATIO lines)");
            notes.add("Apache Kafka was skipped (its class path did not resolve): no ratios");
        }
        else
        {
            brokers.add(KafkaBrokerProcess.apacheKafka(java, kafkaClassPath, workDir.resolve(KAFKA), KAFKA_PORT, KAFKA_CONTROLLER_PORT));
        }
        brokers.add(KafkaBrokerProcess.robustmq(workDir.resolve(ROBUSTMQ), NODE_KAFKA_PORT, NODE_META_PORT, java, nodeFlags,
            nodeClassPath, kafkaPlugin));
        // ProducerPerformance runs from Kafka's class path; without it (no peer), it cannot run at all.
        final boolean toolAvailable = !kafkaClassPath.isEmpty();
        if (!toolAvailable)
        {
            notes.add("ProducerPerformance comes from kafka-tools, which did not resolve: the produce workloads were skipped");
        }

        final AtomicReference<KafkaBrokerProcess> running = new AtomicReference<>();
        final AtomicReference<Process> tool = new AtomicReference<>();
        final Thread stopper = new Thread(() ->
        {
            final Process process = tool.getAndSet(null);
            if (process != null)
            {
                process.destroyForcibly();
            }
            closeQuietly(running.getAndSet(null));
        }, "kafka-bench-stop");
        Runtime.getRuntime().addShutdownHook(stopper);

        final Map<String, Map<String, Row>> rows = new LinkedHashMap<>();
        final List<String> failures = new ArrayList<>();
        for (final KafkaBrokerProcess broker : brokers)
        {
            running.set(broker);
            try
            {
                System.err.printf("kafka: starting %s on %s%n", broker.name(), broker.bootstrap());
                broker.start(START_TIMEOUT_MS);
                if (toolAvailable)
                {
                    // Not reported: its figures land in a map nobody reads; a failure still counts.
                    runProducer(java, kafkaClassPath, broker, brokerWarmup(quick), workDir, tool, new LinkedHashMap<>(), failures);
                    for (final ProducerPerformanceRun.Spec spec : producerWorkloads(quick))
                    {
                        runProducer(java, kafkaClassPath, broker, spec, workDir, tool, rows, failures);
                    }
                }
                for (final EndToEndProbe.Spec spec : endToEndWorkloads(quick))
                {
                    runEndToEnd(broker, spec, rows, failures);
                }
            }
            catch (final Exception ex)
            {
                failures.add(broker.name() + ": " + ex.getMessage());
                System.err.println("kafka: " + broker.name() + " failed: " + ex.getMessage());
            }
            finally
            {
                closeQuietly(running.getAndSet(null));
            }
        }
        report(rows, notes, failures, !kafkaClassPath.isEmpty());
        Runtime.getRuntime().removeShutdownHook(stopper);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    private static void runProducer(
        final String java,
        final String kafkaClassPath,
        final KafkaBrokerProcess broker,
        final ProducerPerformanceRun.Spec spec,
        final Path workDir,
        final AtomicReference<Process> tool,
        final Map<String, Map<String, Row>> rows,
        final List<String> failures) throws InterruptedException
    {
        System.err.printf(Locale.ROOT, "kafka: %s on %s (%,d records of %d B, acks=%s)...%n", spec.name(), broker.name(),
            spec.records(), spec.recordBytes(), spec.acks());
        try
        {
            final String topic = "bench-" + spec.name();
            createTopic(broker, topic);
            Thread.sleep(SETTLE_MS);
            final long timeoutMs = TimeUnit.SECONDS.toMillis(Math.max(120, spec.records() / 2_000L));
            final ProducerPerformanceRun.Result result = ProducerPerformanceRun.run(java, kafkaClassPath, broker.bootstrap(), topic,
                spec, broker.name(), workDir.resolve("tool-" + broker.name()), timeoutMs, tool);
            System.err.printf(Locale.ROOT, "kafka:   %,.0f records/s (%.2f MB/s), send-to-ack p50 %d ms, p99 %d ms (%,d steady-state records)%n",
                result.recordsPerSec(), result.mbPerSec(), result.p50Ms(), result.p99Ms(), result.records());
            put(rows, spec.name(), broker.name(), new Row("records/s", result.recordsPerSec(), true,
                String.format(Locale.ROOT, "%.1f MB/s, ack p50 %d ms p99 %d ms", result.mbPerSec(), result.p50Ms(), result.p99Ms())));
        }
        catch (final InterruptedException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            failures.add(spec.name() + " on " + broker.name() + ": " + ex.getMessage());
            System.err.printf("kafka:   FAILED: %s%nkafka:   broker output ends:%n%s%n", ex.getMessage(), broker.tail(10));
        }
    }

    private static void runEndToEnd(
        final KafkaBrokerProcess broker,
        final EndToEndProbe.Spec spec,
        final Map<String, Map<String, Row>> rows,
        final List<String> failures) throws InterruptedException
    {
        System.err.printf(Locale.ROOT, "kafka: %s on %s (%,d records/s of %d B, acks=%s, %d ms warm-up, %d ms measured)...%n",
            spec.name(), broker.name(), spec.ratePerSec(), spec.recordBytes(), spec.acks(), spec.warmupMs(), spec.measureMs());
        try
        {
            final String topic = "bench-" + spec.name();
            createTopic(broker, topic);
            Thread.sleep(SETTLE_MS);
            final EndToEndProbe.Result result = EndToEndProbe.run(spec, broker.name(), broker.bootstrap(), topic);
            final var latency = result.latencyUs();
            final String detail = String.format(Locale.ROOT, "sent %,d, received %,d, lost %,d, send errors %,d, max %,d us",
                result.sent(), result.received(), result.lost(), result.errors(), latency.getMaxValue());
            System.err.printf(Locale.ROOT, "kafka:   p50 %,d us, p99 %,d us, p99.9 %,d us; %s%n", latency.getValueAtPercentile(50),
                latency.getValueAtPercentile(99), latency.getValueAtPercentile(99.9), detail);
            if (result.firstError() != null)
            {
                System.err.println("kafka:   first error: " + result.firstError());
            }
            if (result.lost() > 0 || result.errors() > 0 || latency.getTotalCount() == 0)
            {
                failures.add(spec.name() + " on " + broker.name() + ": " + detail +
                    (result.firstError() == null ? "" : "; first error: " + result.firstError()));
            }
            if (latency.getTotalCount() > 0)
            {
                put(rows, spec.name() + " p50", broker.name(), new Row("us", latency.getValueAtPercentile(50), false, detail));
                put(rows, spec.name() + " p99", broker.name(), new Row("us", latency.getValueAtPercentile(99), false, detail));
                put(rows, spec.name() + " p99.9", broker.name(), new Row("us", latency.getValueAtPercentile(99.9), false, detail));
            }
        }
        catch (final InterruptedException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            failures.add(spec.name() + " on " + broker.name() + ": " + ex);
            System.err.printf("kafka:   FAILED: %s%nkafka:   broker output ends:%n%s%n", ex, broker.tail(10));
        }
    }

    /**
     * Create a topic of one partition: by Kafka's Admin (CreateTopics), or, where the broker does not
     * support it, by the Metadata request's auto-creation; then wait until its partition has a leader.
     */
    private static void createTopic(final KafkaBrokerProcess broker, final String topic) throws InterruptedException
    {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap(), "client.id", "bench-admin",
            "default.api.timeout.ms", "15000", "request.timeout.ms", "10000")))
        {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short)1))).all().get(15, TimeUnit.SECONDS);
            System.err.printf("kafka:   topic %s created by CreateTopics%n", topic);
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof TopicExistsException))
            {
                System.err.printf("kafka:   CreateTopics: %s; creating %s through Metadata's auto-creation%n", ex.getCause(), topic);
            }
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            System.err.printf("kafka:   CreateTopics timed out; creating %s through Metadata's auto-creation%n", topic);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrap(),
            "key.serializer", ByteArraySerializer.class.getName(), "value.serializer", ByteArraySerializer.class.getName(),
            "max.block.ms", Long.toString(TOPIC_TIMEOUT_MS), "client.id", "bench-topic")))
        {
            final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TOPIC_TIMEOUT_MS);
            while (true)
            {
                final List<PartitionInfo> partitions = producer.partitionsFor(topic);
                if (partitions.size() == 1 && partitions.get(0).leader() != null && !partitions.get(0).leader().isEmpty())
                {
                    return;
                }
                if (System.nanoTime() > deadline)
                {
                    throw new IllegalStateException("topic " + topic + " has no leader after " + TOPIC_TIMEOUT_MS + " ms: " + partitions);
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * One figure of one broker.
     *
     * @param unit           its unit.
     * @param value          the figure.
     * @param higherIsBetter throughput (true) or latency (false).
     * @param detail         what else was measured, for the details.
     */
    private record Row(String unit, double value, boolean higherIsBetter, String detail)
    {
    }

    private static void put(final Map<String, Map<String, Row>> rows, final String workload, final String broker, final Row row)
    {
        rows.computeIfAbsent(workload, key -> new LinkedHashMap<>()).put(broker, row);
    }

    private static void closeQuietly(final KafkaBrokerProcess broker)
    {
        if (broker != null)
        {
            try
            {
                broker.close();
            }
            catch (final Exception ex)
            {
                System.err.println("kafka: stopping " + broker.name() + ": " + ex);
            }
        }
    }

    private static String figure(final Row row)
    {
        return row == null ? "-" : String.format(Locale.ROOT, "%,.0f", row.value());
    }

    private static void report(
        final Map<String, Map<String, Row>> rows,
        final List<String> notes,
        final List<String> failures,
        final boolean peer)
    {
        System.out.println();
        System.out.println("Kafka protocol: produce_*: Kafka's ProducerPerformance, unthrottled, one partition, steady-state records/s");
        System.out.println("(after its first fifth); e2e_*: kafka-clients producer and consumer, 10,000 records/s of 100 B,");
        System.out.println("acks=1 (e2e_p99_10k) or all (e2e_acksall_p99_10k), latency from the intended send time to arrival at");
        System.out.println("the consumer (us). ratio: robustmq / kafka");
        System.out.println(String.format(Locale.ROOT, "%-26s %-10s %14s %14s %8s", "workload", "unit", KAFKA, ROBUSTMQ, "ratio"));
        final List<String> ratioLines = new ArrayList<>();
        for (final Map.Entry<String, Map<String, Row>> entry : rows.entrySet())
        {
            final Row theirs = entry.getValue().get(KAFKA);
            final Row ours = entry.getValue().get(ROBUSTMQ);
            final Row any = ours != null ? ours : theirs;
            String ratio = "-";
            if (theirs != null && ours != null && theirs.value() > 0)
            {
                ratio = String.format(Locale.ROOT, "%.3f", ours.value() / theirs.value());
                final String workload = entry.getKey();
                if (!workload.contains(" "))
                {
                    ratioLines.add(String.format(Locale.ROOT, "RATIO %s_vs_kafka %s (ours/kafka; records/s; higher is better)",
                        workload, ratio));
                }
                else if (workload.endsWith(" p99"))
                {
                    ratioLines.add(String.format(Locale.ROOT, "RATIO %s_vs_kafka %s (ours/kafka; p99 latency; lower is better)",
                        workload.substring(0, workload.indexOf(' ')), ratio));
                }
            }
            System.out.println(String.format(Locale.ROOT, "%-26s %-10s %14s %14s %8s", entry.getKey(), any.unit(), figure(theirs),
                figure(ours), ratio));
        }
        System.out.println();
        for (final Map.Entry<String, Map<String, Row>> entry : rows.entrySet())
        {
            if (entry.getKey().endsWith(" p50") || entry.getKey().endsWith(" p99.9"))
            {
                continue;
            }
            for (final Map.Entry<String, Row> broker : entry.getValue().entrySet())
            {
                System.out.printf("%s on %s: %s%n", entry.getKey().replace(" p99", ""), broker.getKey(), broker.getValue().detail());
            }
        }
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
}
