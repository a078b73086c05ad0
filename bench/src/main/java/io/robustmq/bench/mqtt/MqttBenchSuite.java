package io.robustmq.bench.mqtt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The MQTT load suite: every workload against each broker, one broker at a time (Mosquitto, HiveMQ CE
 * if given, then a RobustMQ node run from the distribution), each broker started before its workloads and stopped
 * after them (also on failure and on Ctrl-C, by a shutdown hook). The idle-connections workload runs
 * last, on the broker restarted with empty data if another workload ran before it, so that its
 * memory before is that of a broker at rest. Prints a table and the {@code RATIO} lines.
 * <p>
 * The system property {@code robustmq.bench.mqtt.workloads} (comma-separated names) runs a subset;
 * {@code robustmq.bench.mqtt.idle.connections} sets the idle-connections workload's count.
 * <p>
 * Usage: {@code MqttBenchSuite quick|full <work dir> <node class path> <mqtt plugin jar> <mosquitto binary or ""> [node JVM flags...]}.
 * HiveMQ CE runs as a second peer when the system properties {@code robustmq.bench.mqtt.hivemq.classpath}
 * (its class path) and {@code robustmq.bench.mqtt.hivemq.source} ({@code bench/hivemq/HiveMqPeer.java}) are set.
 * <p>
 * Ports: Mosquitto 21884; HiveMQ 21885; the node's MQTT 21883, WebSocket 28083, Meta Service 29700-29704 (UDP).
 */
public final class MqttBenchSuite
{
    static final int MOSQUITTO_PORT = 21884;
    static final int HIVEMQ_PORT = 21885;
    static final int NODE_MQTT_PORT = 21883;
    static final int NODE_WS_PORT = 28083;
    static final int NODE_META_PORT = 29700;
    private static final long START_TIMEOUT_MS = 60_000;
    private static final int CLIENT_THREADS = 2;
    private static final int PAYLOAD_BYTES = 256;
    private static final String IDLE_WORKLOAD = "idle_connections";
    private static final int IDLE_CONNECTIONS_FULL = 20_000;
    private static final int IDLE_CONNECTIONS_QUICK = 5_000;
    private static final int IDLE_KEEP_ALIVE_S = 300;
    private static final long IDLE_SETTLE_MS = 5_000;
    /** Files left free in each process beyond the idle connections (and those open before them). */
    private static final long OPEN_FILES_MARGIN = 100;
    private static final double BYTES_PER_KIB = 1024;
    private static final double BYTES_PER_MIB = 1024 * 1024;
    private static final String MOSQUITTO = "mosquitto";
    private static final String ROBUSTMQ = "robustmq";

    private MqttBenchSuite()
    {
    }

    /** How long a broker's CPU use is watched to tell whether it is quiet. */
    private static final long QUIET_CHECK_MS = 500;
    /**
     * Below this share of a core over {@link #QUIET_CHECK_MS}, a broker is quiet: above what an idle
     * node spends (about 0.1 to 0.2 of a core: the Meta Service's and the journal's idle strategies),
     * well below a broker working off a backlog (a core or more).
     */
    private static final double QUIET_CPU = 0.3;
    private static final long QUIET_TIMEOUT_MS = 60_000;

    /**
     * Wait until the broker is quiet (it may still be working off what the workload before left
     * queued: HiveMQ CE keeps routing a QoS 0 backlog for many seconds after its publishers stop),
     * so that no workload pays for the one before it. Gives up after a minute.
     *
     * @return how long it took, ms.
     */
    private static long awaitQuiet(final BrokerProcess broker) throws InterruptedException
    {
        final long start = System.nanoTime();
        while (true)
        {
            final long before = broker.cpuNs();
            Thread.sleep(QUIET_CHECK_MS);
            final long used = broker.cpuNs() - before;
            final long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            if (used < QUIET_CPU * QUIET_CHECK_MS * 1_000_000 || elapsedMs >= QUIET_TIMEOUT_MS)
            {
                return elapsedMs;
            }
        }
    }

    /**
     * @param quick true: short windows (--quick).
     * @return the workloads, in the order they run.
     */
    static List<MqttLoadSpec> workloads(final boolean quick)
    {
        final List<String> selected = selected();
        return all(quick).stream().filter(spec -> selected.isEmpty() || selected.contains(spec.name())).toList();
    }

    /**
     * @param quick true: fewer connections (--quick).
     * @return the idle-connections workload, unless a subset without it was selected.
     */
    static Optional<IdleConnectionSpec> idleWorkload(final boolean quick)
    {
        final List<String> selected = selected();
        if (!selected.isEmpty() && !selected.contains(IDLE_WORKLOAD))
        {
            return Optional.empty();
        }
        final int connections = Integer.getInteger("robustmq.bench.mqtt.idle.connections",
            quick ? IDLE_CONNECTIONS_QUICK : IDLE_CONNECTIONS_FULL);
        return Optional.of(new IdleConnectionSpec(IDLE_WORKLOAD, connections, IDLE_KEEP_ALIVE_S, IDLE_SETTLE_MS));
    }

    private static List<String> selected()
    {
        final String only = System.getProperty("robustmq.bench.mqtt.workloads", "");
        return only.isBlank() ? List.of() : List.of(only.split(","));
    }

    private static List<MqttLoadSpec> all(final boolean quick)
    {
        final long warmupMs = quick ? 2_000 : 5_000;
        final long measureMs = quick ? 8_000 : 30_000;
        return List.of(
            new MqttLoadSpec("qos0_throughput", 4, 4, false, 0, PAYLOAD_BYTES, 0, 1, warmupMs, measureMs),
            new MqttLoadSpec("qos1_throughput", 4, 4, false, 1, PAYLOAD_BYTES, 0, 100, warmupMs, measureMs),
            new MqttLoadSpec("p99_latency_10k", 4, 4, false, 1, PAYLOAD_BYTES, 10_000, 1_000, warmupMs, measureMs),
            new MqttLoadSpec("fanout_1000", 1, 1000, true, 1, PAYLOAD_BYTES, 0, 16, warmupMs, measureMs));
    }

    /**
     * @param args see the class's description.
     * @throws Exception if the suite cannot run at all.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 5)
        {
            System.err.println("usage: MqttBenchSuite quick|full <work dir> <node class path> <mqtt plugin jar> <mosquitto binary or \"\"> [node JVM flags...]");
            System.exit(2);
        }
        final boolean quick = "quick".equals(args[0]);
        final List<String> unknown = selected().stream()
            .filter(name -> !IDLE_WORKLOAD.equals(name) && all(quick).stream().noneMatch(spec -> spec.name().equals(name)))
            .toList();
        if (!unknown.isEmpty())
        {
            System.err.println("mqtt: unknown workload(s) " + unknown + "; the workloads: " +
                all(quick).stream().map(MqttLoadSpec::name).toList() + " and " + IDLE_WORKLOAD);
            System.exit(2);
        }
        final Path workDir = Path.of(args[1]);
        final String nodeClassPath = args[2];
        final Path mqttPlugin = Path.of(args[3]);
        final String mosquittoBinary = args[4];
        final List<String> nodeFlags = Arrays.asList(args).subList(5, args.length);
        final String java = ProcessHandle.current().info().command().orElse("java");

        final List<BrokerProcess> brokers = new ArrayList<>();
        if (mosquittoBinary.isEmpty())
        {
            System.err.println("mqtt: mosquitto not found: skipping that peer (apt-get install -y mosquitto)");
        }
        else
        {
            brokers.add(BrokerProcess.mosquitto(mosquittoBinary, workDir.resolve(MOSQUITTO), MOSQUITTO_PORT));
        }
        final String hivemqClassPath = System.getProperty("robustmq.bench.mqtt.hivemq.classpath", "");
        final String hivemqSource = System.getProperty("robustmq.bench.mqtt.hivemq.source", "");
        if (hivemqClassPath.isEmpty() || hivemqSource.isEmpty())
        {
            System.err.println("mqtt: no HiveMQ class path given: skipping that peer");
        }
        else
        {
            brokers.add(BrokerProcess.hivemq(java, hivemqClassPath, Path.of(hivemqSource), workDir.resolve("hivemq"), HIVEMQ_PORT));
        }
        brokers.add(BrokerProcess.robustmq(workDir.resolve(ROBUSTMQ), NODE_MQTT_PORT, NODE_WS_PORT, NODE_META_PORT, java,
            nodeFlags, nodeClassPath, mqttPlugin));

        final AtomicReference<BrokerProcess> running = new AtomicReference<>();
        final Thread stopper = new Thread(() -> closeQuietly(running.getAndSet(null)), "mqtt-bench-stop");
        Runtime.getRuntime().addShutdownHook(stopper);

        final List<MqttLoadResult> results = new ArrayList<>();
        final List<IdleConnectionsResult> idleResults = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<String> failures = new ArrayList<>();
        final Optional<IdleConnectionSpec> idle = idleWorkload(quick);
        try (MqttLoadClient client = new MqttLoadClient(CLIENT_THREADS))
        {
            System.err.printf("mqtt: load client on %s, %d event loop threads%n", client.transport(), CLIENT_THREADS);
            for (final BrokerProcess broker : brokers)
            {
                running.set(broker);
                try
                {
                    System.err.printf("mqtt: starting %s on port %d%n", broker.name(), broker.port());
                    broker.start(START_TIMEOUT_MS);
                    for (final MqttLoadSpec spec : workloads(quick))
                    {
                        System.err.printf("mqtt: %s on %s...%n", spec.name(), broker.name());
                        try
                        {
                            final long settledMs = awaitQuiet(broker);
                            if (settledMs > QUIET_CHECK_MS)
                            {
                                notes.add(spec.name() + " on " + broker.name() + " started after " + settledMs +
                                    " ms, once the broker was quiet (busy with what the workload before left)");
                            }
                            final MqttLoadResult result = client.run(spec, broker.name(), "127.0.0.1", broker.port(), broker::cpuNs);
                            results.add(result);
                            System.err.println("mqtt:   " + row(result));
                        }
                        catch (final Exception ex)
                        {
                            failures.add(spec.name() + " on " + broker.name() + ": " + ex);
                            System.err.printf("mqtt:   FAILED: %s%nmqtt:   broker output ends:%n%s%n", ex, broker.tail(10));
                        }
                    }
                    if (idle.isPresent())
                    {
                        runIdle(client, broker, idle.get(), !workloads(quick).isEmpty(), idleResults, notes, failures);
                    }
                }
                catch (final Exception ex)
                {
                    failures.add(broker.name() + ": " + ex.getMessage());
                    System.err.println("mqtt: " + broker.name() + " failed: " + ex.getMessage());
                }
                finally
                {
                    closeQuietly(running.getAndSet(null));
                }
            }
        }
        report(results, idleResults, notes, failures);
        Runtime.getRuntime().removeShutdownHook(stopper);
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /**
     * Run the idle-connections workload on a broker at rest: restarted with empty data if other
     * workloads ran on it, the connection count lowered to what the open-file limits allow.
     */
    private static void runIdle(
        final MqttLoadClient client,
        final BrokerProcess broker,
        final IdleConnectionSpec asked,
        final boolean restart,
        final List<IdleConnectionsResult> idleResults,
        final List<String> notes,
        final List<String> failures)
    {
        try
        {
            if (restart)
            {
                System.err.printf("mqtt: restarting %s with empty data for %s%n", broker.name(), asked.name());
                broker.close();
                broker.deleteData();
                broker.start(START_TIMEOUT_MS);
            }
            final IdleConnectionSpec spec = fitOpenFiles(asked, broker, notes);
            System.err.printf(Locale.ROOT, "mqtt: %s on %s: %,d connections...%n", spec.name(), broker.name(), spec.connections());
            final IdleConnectionsResult result = client.runIdle(spec, broker.name(), "127.0.0.1", broker.port(), broker::memory,
                broker::cpuNs);
            idleResults.add(result);
            System.err.println("mqtt:   " + row(result));
            System.err.println("mqtt:   " + idleDetail(result));
        }
        catch (final Exception ex)
        {
            failures.add(asked.name() + " on " + broker.name() + ": " + ex);
            System.err.printf("mqtt:   FAILED: %s%nmqtt:   broker output ends:%n%s%n", ex, broker.tail(10));
        }
    }

    /**
     * Lower the connection count to what the open-file limits of this JVM and of the broker leave,
     * less the files each has open and a margin, rounded down to a thousand (so that brokers holding
     * a few more files than others still get the same count); say so in a note.
     */
    private static IdleConnectionSpec fitOpenFiles(final IdleConnectionSpec spec, final BrokerProcess broker, final List<String> notes)
    {
        final long self = ProcessHandle.current().pid();
        final long clientLimit = ProcStatus.openFileLimit(self);
        final long clientOpen = ProcStatus.openFiles(self);
        final long brokerLimit = broker.openFileLimit();
        final long brokerOpen = broker.openFiles();
        final long room = Math.min(room(clientLimit, clientOpen), room(brokerLimit, brokerOpen)) - OPEN_FILES_MARGIN;
        if (room >= spec.connections())
        {
            return spec;
        }
        final int fitted = (int)Math.max(1, room >= 1_000 ? room / 1_000 * 1_000 : room);
        final String note = String.format(Locale.ROOT, "note: %s on %s: %,d connections instead of %,d, to fit the open-file " +
            "limits (ulimit -n): the load client's %s with %d open, the broker's %s with %d open", spec.name(), broker.name(),
            fitted, spec.connections(), limit(clientLimit), clientOpen, limit(brokerLimit), brokerOpen);
        notes.add(note);
        System.err.println("mqtt: " + note);
        return spec.withConnections(fitted);
    }

    private static long room(final long limit, final long open)
    {
        return limit < 0 || open < 0 || limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit - open;
    }

    private static String limit(final long limit)
    {
        return limit == Long.MAX_VALUE ? "unlimited" : limit < 0 ? "unknown" : String.format(Locale.ROOT, "%,d", limit);
    }

    private static void closeQuietly(final BrokerProcess broker)
    {
        if (broker != null)
        {
            try
            {
                broker.close();
            }
            catch (final Exception ex)
            {
                System.err.println("mqtt: stopping " + broker.name() + ": " + ex);
            }
        }
    }

    private static final String HEADER = String.format(Locale.ROOT,
        "%-16s %-10s %10s %12s %9s %9s %9s %9s %7s %6s %12s %7s %9s",
        "workload", "broker", "sent/s", "delivered/s", "p50_us", "p99_us", "p99.9_us", "max_us", "lost", "cpu", "deliv/cpu_s",
        "conns", "KiB/conn");

    private static String row(final MqttLoadResult result)
    {
        return String.format(Locale.ROOT, "%-16s %-10s %10.0f %12.0f %9d %9d %9d %9d %6.2f%% %6.2f %12.0f %7d %9s",
            result.spec().name(), result.broker(), result.sentPerSecond(), result.deliveredPerSecond(),
            result.latencyUs().getValueAtPercentile(50), result.latencyUs().getValueAtPercentile(99),
            result.latencyUs().getValueAtPercentile(99.9), result.latencyUs().getMaxValue(),
            100 * result.lostFraction(), result.brokerCores(), result.deliveriesPerCpuSecond(),
            result.spec().publishers() + result.spec().subscribers(), "-");
    }

    private static String row(final IdleConnectionsResult result)
    {
        return String.format(Locale.ROOT, "%-16s %-10s %10s %12s %9s %9s %9s %9s %7s %6.2f %12s %7d %9.2f",
            result.spec().name(), result.broker(), "-", "-", "-", "-", "-", "-", "-", result.restCores(), "-", result.open(),
            result.rssPerConnection() / BYTES_PER_KIB);
    }

    /**
     * @return one line with everything the idle-connections workload counted and read.
     */
    private static String idleDetail(final IdleConnectionsResult result)
    {
        return String.format(Locale.ROOT, "%s on %s: %,d asked, %,d attempted from %d source addresses, %,d open (accepted and " +
            "not closed); refused %d, connect failed %d, closed before CONNACK %d, unanswered %d, closed after CONNACK %d; " +
            "answered in %.1f s (%,.0f/s); RSS %s; heap used %s; direct %s; cpu at rest %.3f cores before, %.3f with them",
            result.spec().name(), result.broker(), result.spec().connections(), result.attempted(), result.sourceAddresses(),
            result.open(), result.refused(), result.connectFailed(), result.closedBeforeConnAck(), result.unanswered(),
            result.closedAfterConnAck(), result.openNs() / 1e9, result.connectsPerSecond(),
            growth(result.before().rssBytes(), result.after().rssBytes(), result.rssPerConnection()),
            growth(result.before().heapUsedBytes(), result.after().heapUsedBytes(), result.heapPerConnection()),
            growth(result.before().directUsedBytes(), result.after().directUsedBytes(), result.directPerConnection()),
            result.idleCores(), result.restCores());
    }

    private static String growth(final long before, final long after, final double perConnection)
    {
        if (before < 0 || after < 0)
        {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f -> %.1f MiB (%+.2f KiB/conn)", before / BYTES_PER_MIB, after / BYTES_PER_MIB,
            perConnection / BYTES_PER_KIB);
    }

    private static void report(
        final List<MqttLoadResult> results,
        final List<IdleConnectionsResult> idleResults,
        final List<String> notes,
        final List<String> failures)
    {
        System.out.println();
        System.out.println("MQTT load: 256 B payloads; latency from the intended send time to receipt (microseconds);");
        System.out.println("lost: due deliveries never received (whole run); cpu: the broker's CPU use in cores over the window;");
        System.out.println("deliv/cpu_s: deliveries per broker CPU-second; conns: connections open; KiB/conn (" + IDLE_WORKLOAD + "):");
        System.out.println("the broker's resident set growth per idle connection, heap and direct together; its cpu: at rest with them");
        System.out.println(HEADER);
        for (final MqttLoadResult result : results)
        {
            System.out.println(row(result));
        }
        for (final IdleConnectionsResult result : idleResults)
        {
            System.out.println(row(result));
        }
        for (final IdleConnectionsResult result : idleResults)
        {
            System.out.println("idle: " + idleDetail(result));
        }
        notes.forEach(System.out::println);
        for (final IdleConnectionsResult result : idleResults)
        {
            if (!result.complete())
            {
                System.out.printf(Locale.ROOT, "note: %s on %s: %,d of the %,d connections were open when the memory was read " +
                    "(refused %d, connect failed %d, closed before CONNACK %d, unanswered %d, closed after CONNACK %d): its " +
                    "KiB/conn is over those %,d%n", result.spec().name(), result.broker(), result.open(), result.spec().connections(),
                    result.refused(), result.connectFailed(), result.closedBeforeConnAck(), result.unanswered(),
                    result.closedAfterConnAck(), result.open());
            }
        }
        for (final MqttLoadResult result : results)
        {
            final MqttLoadSpec spec = result.spec();
            if (spec.fixedRate() && result.deliveredPerSecond() < 0.95 * spec.ratePerSecond() * spec.subscribers() / spec.publishers())
            {
                System.out.printf(Locale.ROOT, "note: %s on %s delivered %.0f/s, below its fixed rate%n", spec.name(), result.broker(),
                    result.deliveredPerSecond());
            }
            if (result.closed() > 0)
            {
                System.out.printf(Locale.ROOT, "note: %s on %s: the broker closed %d of the %d connections during the run%n",
                    spec.name(), result.broker(), result.closed(), spec.publishers() + spec.subscribers());
            }
            if (result.spec().qos() > 0 && result.lostFraction() > 0.001)
            {
                System.out.printf(Locale.ROOT, "note: %s on %s lost %.2f%% of the QoS 1 deliveries due (acknowledged to the " +
                    "publisher, never delivered): its delivered/s is not a lossless rate%n", result.spec().name(), result.broker(),
                    100 * result.lostFraction());
            }
        }
        final Map<String, MqttLoadResult> ours = new LinkedHashMap<>();
        final Map<String, Map<String, MqttLoadResult>> peers = new LinkedHashMap<>();
        for (final MqttLoadResult result : results)
        {
            if (ROBUSTMQ.equals(result.broker()))
            {
                ours.put(result.spec().name(), result);
            }
            else
            {
                peers.computeIfAbsent(result.broker(), broker -> new LinkedHashMap<>()).put(result.spec().name(), result);
            }
        }
        final IdleConnectionsResult ourIdle = idleResults.stream().filter(result -> ROBUSTMQ.equals(result.broker())).findFirst()
            .orElse(null);
        final Map<String, IdleConnectionsResult> peerIdle = new LinkedHashMap<>();
        idleResults.stream().filter(result -> !ROBUSTMQ.equals(result.broker())).forEach(result -> peerIdle.put(result.broker(), result));
        final List<String> peerNames = new ArrayList<>(peers.keySet());
        peerIdle.keySet().stream().filter(name -> !peerNames.contains(name)).forEach(peerNames::add);
        for (final String peer : peerNames)
        {
            System.out.println();
            ratios(ours, peer, peers.getOrDefault(peer, Map.of()));
            if (ourIdle != null && peerIdle.containsKey(peer))
            {
                ratio("idle_memory", peer, ourIdle.rssPerConnection(), peerIdle.get(peer).rssPerConnection(),
                    "resident set growth per idle connection; lower is better");
            }
        }
        if (!failures.isEmpty())
        {
            System.out.println();
            failures.forEach(failure -> System.out.println("FAILED " + failure));
        }
    }

    private static void ratios(final Map<String, MqttLoadResult> ours, final String peer, final Map<String, MqttLoadResult> peerResults)
    {
        for (final Map.Entry<String, MqttLoadResult> entry : ours.entrySet())
        {
            final MqttLoadResult mine = entry.getValue();
            final MqttLoadResult theirs = peerResults.get(entry.getKey());
            if (theirs == null)
            {
                continue;
            }
            if (mine.spec().fixedRate())
            {
                ratio(entry.getKey(), peer, mine.latencyUs().getValueAtPercentile(99), theirs.latencyUs().getValueAtPercentile(99),
                    "p99 latency; lower is better");
                ratio(entry.getKey() + "_p50", peer, mine.latencyUs().getValueAtPercentile(50),
                    theirs.latencyUs().getValueAtPercentile(50), "p50 latency; lower is better");
            }
            else
            {
                ratio(entry.getKey(), peer, mine.deliveredPerSecond(), theirs.deliveredPerSecond(),
                    "delivered msg/s; higher is better");
                ratio(entry.getKey() + "_per_cpu", peer, mine.deliveriesPerCpuSecond(), theirs.deliveriesPerCpuSecond(),
                    "deliveries per broker CPU-second; higher is better");
            }
        }
    }

    private static void ratio(final String name, final String peer, final double ours, final double theirs, final String meaning)
    {
        System.out.printf(Locale.ROOT, "RATIO %s_vs_%s %.3g (ours/%s; %s)%n", name, peer, theirs == 0 ? Double.NaN : ours / theirs,
            peer, meaning);
    }
}
