package io.robustmq.bench.amqp;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The AMQP suite: the same RabbitMQ PerfTest workloads against RabbitMQ (the peer, from the Debian
 * package, if the script found it) and then a RobustMQ node with only the AMQP plugin, one broker at
 * a time, each started before its workloads and stopped after them (also on failure, and on Ctrl-C or
 * SIGTERM by its shutdown hook, {@link SuiteStop}, which also stops a running PerfTest). Prints a table
 * and the {@code RATIO} lines.
 * <p>
 * Workloads ({@link #workloads}), 1 producer and 1 consumer, messages of 1 KiB, each on a queue of its
 * own, deleted after it: {@code persistent_confirms} (persistent messages to a durable queue, publisher
 * confirms with 100 in flight, a consumer that acknowledges each message with a prefetch of 100,
 * unthrottled: confirmed msg/s), {@code latency_10k} (the same at 10,000 msg/s: consumer latency p50,
 * p95, p99) and {@code transient_autoack} (transient messages to a transient queue, no confirms, an
 * auto-ack consumer, unthrottled: received msg/s). See {@link PerfTestRun} for how each is run.
 * <p>
 * Each process it starts has a pid file in {@code <work dir>/pids} while it runs (see
 * {@link ChildProcesses#recordPid}).
 * <p>
 * Usage: {@code AmqpBenchSuite quick|full <work dir> <node class path> <amqp plugin jar> <PerfTest class path>
 * <rabbitmq-server or ""> <epmd or ""> <RabbitMQ dir> [node JVM flags...]}.
 * <p>
 * Ports, on 127.0.0.1: RabbitMQ's AMQP 25673, its Erlang distribution 25680, its port mapper (epmd)
 * 25681; the node's AMQP 25690, Meta Service 29900-29904 (UDP), admin ephemeral.
 */
public final class AmqpBenchSuite
{
    static final int RABBITMQ_PORT = 25673;
    static final int RABBITMQ_DIST_PORT = 25680;
    static final int EPMD_PORT = 25681;
    static final int NODE_AMQP_PORT = 25690;
    static final int NODE_META_PORT = 29900;
    private static final long START_TIMEOUT_MS = 90_000;
    private static final long READY_TIMEOUT_MS = 60_000;
    private static final int MESSAGE_BYTES = 1024;
    private static final int CONFIRMS_IN_FLIGHT = 100;
    private static final int PREFETCH = 100;
    private static final int FIXED_RATE = 10_000;

    private AmqpBenchSuite()
    {
    }

    /**
     * @param quick the short run ({@code --quick}).
     * @return the workloads, in the order they run on each broker, with the targets.
     */
    static List<AmqpWorkload> workloads(final boolean quick)
    {
        final int warmupS = quick ? 5 : 10;
        final int measureS = quick ? 15 : 60;
        return List.of(
            new AmqpWorkload(new PerfTestRun.Spec("persistent_confirms", true, CONFIRMS_IN_FLIGHT, false, PREFETCH, 0, MESSAGE_BYTES,
                warmupS, measureS), AmqpWorkload.Figure.CONFIRMED_RATE, 3.0),
            new AmqpWorkload(new PerfTestRun.Spec("latency_10k", true, CONFIRMS_IN_FLIGHT, false, PREFETCH, FIXED_RATE, MESSAGE_BYTES,
                warmupS, measureS), AmqpWorkload.Figure.LATENCY_P99, 0.5),
            new AmqpWorkload(new PerfTestRun.Spec("transient_autoack", false, 0, true, 0, 0, MESSAGE_BYTES, warmupS, measureS),
                AmqpWorkload.Figure.RECEIVED_RATE, 2.0));
    }

    /**
     * @param args see the class's description.
     * @throws Exception if the suite cannot run at all.
     */
    public static void main(final String[] args) throws Exception
    {
        if (args.length < 8)
        {
            System.err.println("usage: AmqpBenchSuite quick|full <work dir> <node class path> <amqp plugin jar> <PerfTest class path> " +
                "<rabbitmq-server or \"\"> <epmd or \"\"> <RabbitMQ dir> [node JVM flags...]");
            System.exit(2);
        }
        final boolean quick = "quick".equals(args[0]);
        final Path workDir = Path.of(args[1]);
        final String perfTestClassPath = args[4];
        final String java = ProcessHandle.current().info().command().orElse("java");
        final Path pids = workDir.resolve("pids");
        final List<String> notes = new ArrayList<>();
        final List<AmqpBroker> brokers = new ArrayList<>();
        if (args[5].isEmpty() || args[6].isEmpty())
        {
            System.err.println("amqp: RabbitMQ is not installed: skipping the peer (no RATIO lines)");
            notes.add("RabbitMQ was skipped (rabbitmq-server not installed): no ratios");
        }
        else
        {
            brokers.add(new RabbitMqProcess(Path.of(args[5]), Path.of(args[6]), Path.of(args[7]), pids, RABBITMQ_PORT,
                RABBITMQ_DIST_PORT, EPMD_PORT));
        }
        brokers.add(AmqpNodeProcess.prepare(workDir.resolve("robustmq"), pids, NODE_AMQP_PORT, NODE_META_PORT, java,
            Arrays.asList(args).subList(8, args.length), args[2], Path.of(args[3])));

        final SuiteStop stop = new SuiteStop(Thread.currentThread());
        final PerfTestRun.Tool tool = new PerfTestRun.Tool(java, perfTestClassPath, pids, stop);
        final Thread stopper = new Thread(stop, "amqp-bench-stop");
        Runtime.getRuntime().addShutdownHook(stopper);

        final AmqpWorkload first = workloads(quick).get(0);
        final AmqpReport report = new AmqpReport(first.spec().warmupS(), first.spec().measureS());
        final List<String> failures = new ArrayList<>();
        for (final AmqpBroker broker : brokers)
        {
            if (stop.stopping())
            {
                break;
            }
            stop.broker(broker);
            try
            {
                System.err.printf("amqp: starting %s on 127.0.0.1:%d%n", broker.name(), broker.port());
                final long startNs = System.nanoTime();
                broker.start(START_TIMEOUT_MS);
                QueueAdmin.awaitReady(broker.port(), READY_TIMEOUT_MS);
                System.err.printf(Locale.ROOT, "amqp:   %s ready in %.1f s%n", broker.name(), (System.nanoTime() - startNs) / 1e9);
                for (final AmqpWorkload workload : workloads(quick))
                {
                    if (stop.stopping())
                    {
                        break;
                    }
                    runWorkload(tool, broker, workload, workDir, report, failures);
                }
            }
            catch (final Exception ex)
            {
                failures.add(broker.name() + ": " + ex.getMessage());
                System.err.println("amqp: " + broker.name() + " failed: " + ex.getMessage());
            }
            finally
            {
                closeQuietly(broker);
                stop.broker(null);
            }
        }
        report.print(notes, failures, brokers.size() > 1);
        try
        {
            Runtime.getRuntime().removeShutdownHook(stopper);
        }
        catch (final IllegalStateException ex)
        {
            // Stopped by a signal: the JVM is already exiting, with the hook waiting for this thread to end.
            return;
        }
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /**
     * Run one workload on one broker and add its figures to the report; a failure is recorded, and the
     * next workload runs.
     */
    private static void runWorkload(
        final PerfTestRun.Tool tool,
        final AmqpBroker broker,
        final AmqpWorkload workload,
        final Path workDir,
        final AmqpReport report,
        final List<String> failures) throws InterruptedException
    {
        final PerfTestRun.Spec spec = workload.spec();
        System.err.printf(Locale.ROOT, "amqp: %s on %s (%s; %d s warm-up, %d s measured)...%n", spec.name(), broker.name(),
            spec.describe(), spec.warmupS(), spec.measureS());
        try
        {
            final PerfTestRun.Result result = PerfTestRun.run(tool, broker, spec, workDir.resolve("perftest-" + broker.name()));
            System.err.printf(Locale.ROOT, "amqp:   %s%n", AmqpReport.detail(result));
            report.add(workload, result);
        }
        catch (final InterruptedException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            failures.add(spec.name() + " on " + broker.name() + ": " + ex.getMessage());
            System.err.printf("amqp:   FAILED: %s%namqp:   broker output ends:%n%s%n", ex.getMessage(), broker.tail(10));
        }
    }

    /**
     * Close a broker, reporting a failure instead of throwing it.
     */
    private static void closeQuietly(final AmqpBroker broker)
    {
        if (broker != null)
        {
            try
            {
                broker.close();
            }
            catch (final Exception ex)
            {
                System.err.println("amqp: stopping " + broker.name() + ": " + ex);
            }
        }
    }
}
