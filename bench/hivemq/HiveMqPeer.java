import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import com.codahale.metrics.Counter;
import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedHiveMQ;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;

/**
 * HiveMQ CE, embedded, run as a benchmark peer of its own JVM by the MQTT suite's {@code BrokerProcess}:
 * {@code java -cp <HiveMQ class path> bench/hivemq/HiveMqPeer.java <config folder> <data folder>}
 * (a single-file source program, compiled at launch against HiveMQ's class path). Its listeners and
 * limits are in {@code <config folder>/config.xml}. Prints {@code ready: hivemq} once started; runs
 * until the JVM is stopped (SIGTERM), when a shutdown hook stops the broker.
 * <p>
 * A line {@code memory <n>} on its standard input is answered on its standard output with
 * {@code memory <n>: heap_used=<bytes> direct_used=<bytes>}: the heap pools' usage and the "direct"
 * buffer pool's, the figures Micrometer reports as {@code jvm_memory_used_bytes{area="heap"}} and
 * {@code jvm_buffer_memory_used_bytes{id="direct"}} for a RobustMQ node. Nothing else is done (no GC).
 * <p>
 * What the peer adds to that configuration where it names nothing (the effective configuration is
 * written to {@code <data folder>/conf/config.xml}, with {@code logback.xml} if there is one):
 * <ul>
 * <li>{@code <persistence><mode>in-memory</mode></persistence>}. HiveMQ's default, {@code file},
 * keeps sessions and every queued message in Xodus and RocksDB files; the suite's clients use clean
 * sessions, which the other brokers keep in memory (Mosquitto: {@code persistence false}).</li>
 * </ul>
 * <p>
 * What HiveMQ CE drops by design. None of it is governed by {@code config.xml} but the queue size; the
 * QoS 0 limits are {@code com.hivemq.configuration.service.InternalConfigurations} constants, left as
 * they are:
 * <ul>
 * <li>No back-pressure from subscribers to publishers: the overload protection that throttles
 * publishers is HiveMQ Enterprise's; CE reads every PUBLISH as fast as its clients send, and
 * acknowledges a QoS 1 PUBLISH (PUBACK) once it is in each subscriber's queue or dropped. Every
 * enqueue and every read of a subscriber's queue is a task of the persistence's "single writer", in
 * order: when PUBLISHes arrive faster than it runs them, its backlog grows without bound, the reads
 * that feed subscribers wait behind it, and the subscribers' queues fill.</li>
 * <li>QoS 1/2: a subscriber's queue, online or not, holds at most
 * {@code mqtt/queued-messages/max-queue-size} messages (default 1,000); beyond it {@code strategy}
 * {@code discard} (the default) drops the new message, {@code discard-oldest} the oldest. Counted as
 * "queue full".</li>
 * <li>QoS 0: a subscriber's queue holds at most 5 MiB of QoS 0 messages
 * ({@code QOS_0_MEMORY_LIMIT_PER_CLIENT_BYTES}), all of them at most a quarter of the heap
 * ({@code QOS_0_MEMORY_HARD_LIMIT_DIVISOR}): "QoS 0 memory"; and once 1,000 messages wait for sockets
 * that are not writable, a QoS 0 message for such a socket is dropped ({@code NOT_WRITABLE_QUEUE_SIZE},
 * {@code DROP_MESSAGES_QOS_0_ENABLED}): "socket not writable".</li>
 * </ul>
 * The peer counts every drop by reason (HiveMQ's event log names each, logger
 * {@code event.message-dropped}) and prints {@code hivemq-peer: PUBLISH in <n>, out <n>; dropped <n>
 * {<reason>=<n>, ...}} once a second while the count moves, and at exit.
 */
public final class HiveMqPeer
{
    private static final String DROPPED_LOGGER = "event.message-dropped";
    private static final Map<String, LongAdder> DROPPED = new ConcurrentHashMap<>();
    private static long lastReported = -1;

    private HiveMqPeer()
    {
    }

    /**
     * @param args the configuration folder and the data folder.
     * @throws Exception if HiveMQ does not start.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path dataFolder = Files.createDirectories(Path.of(args[1]));
        final Path configFolder = effectiveConfiguration(Path.of(args[0]), Files.createDirectories(dataFolder.resolve("conf")));
        final Path extensionsFolder = Files.createDirectories(dataFolder.resolve("extensions"));
        final EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
            .withConfigurationFolder(configFolder)
            .withDataFolder(dataFolder)
            .withExtensionsFolder(extensionsFolder)
            .build();
        final ScheduledExecutorService reporter = Executors.newSingleThreadScheduledExecutor(task ->
        {
            final Thread thread = new Thread(task, "hivemq-peer-report");
            thread.setDaemon(true);
            return thread;
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            reporter.shutdownNow();
            try
            {
                report(hivemq, true);
                hivemq.close();
            }
            catch (final Exception ex)
            {
                System.err.println("hivemq-peer: stopping: " + ex);
            }
        }, "hivemq-peer-stop"));
        hivemq.start().join();
        countDrops();
        System.out.printf(Locale.ROOT, "hivemq-peer: heap %d MiB; QoS 0 queued at most %d KiB per client, %d MiB in all; " +
                "QoS 0 dropped for unwritable sockets beyond %d waiting; configuration %s%n",
            Runtime.getRuntime().maxMemory() >> 20, InternalConfigurations.QOS_0_MEMORY_LIMIT_PER_CLIENT_BYTES.get() >> 10,
            (Runtime.getRuntime().maxMemory() / InternalConfigurations.QOS_0_MEMORY_HARD_LIMIT_DIVISOR.get()) >> 20,
            InternalConfigurations.NOT_WRITABLE_QUEUE_SIZE.get(), configFolder.resolve("config.xml"));
        reporter.scheduleAtFixedRate(() -> report(hivemq, false), 1, 1, TimeUnit.SECONDS);
        System.out.println("ready: hivemq");
        answerMemoryQueries();
        new CountDownLatch(1).await();
    }

    /**
     * Answer {@code memory <n>} lines until standard input ends.
     */
    private static void answerMemoryQueries() throws Exception
    {
        final BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = input.readLine()) != null)
        {
            if (line.startsWith("memory "))
            {
                long heap = 0;
                for (final MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans())
                {
                    if (pool.getType() == MemoryType.HEAP)
                    {
                        heap += pool.getUsage().getUsed();
                    }
                }
                long direct = -1;
                for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
                {
                    if ("direct".equals(pool.getName()))
                    {
                        direct = pool.getMemoryUsed();
                    }
                }
                System.out.println(line.trim() + ": heap_used=" + heap + " direct_used=" + direct);
            }
        }
    }

    /**
     * Copy {@code config.xml} into {@code target}, adding the peer's settings where it names none.
     */
    private static Path effectiveConfiguration(final Path source, final Path target) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        final Document document = factory.newDocumentBuilder().parse(source.resolve("config.xml").toFile());
        final Element root = document.getDocumentElement();
        if (root.getElementsByTagName("persistence").getLength() == 0)
        {
            final Element persistence = document.createElement("persistence");
            final Element mode = document.createElement("mode");
            mode.setTextContent("in-memory");
            persistence.appendChild(mode);
            root.appendChild(persistence);
        }
        final var transformer = TransformerFactory.newInstance().newTransformer();
        transformer.transform(new DOMSource(document), new StreamResult(target.resolve("config.xml").toFile()));
        final Path logback = source.resolve("logback.xml");
        if (Files.exists(logback))
        {
            Files.copy(logback, target.resolve("logback.xml"), StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /**
     * Count the messages HiveMQ drops, by reason: its event log (logger {@code event.message-dropped},
     * DEBUG) names each one.
     */
    private static void countDrops()
    {
        final Logger logger = (Logger)LoggerFactory.getLogger(DROPPED_LOGGER);
        final UnsynchronizedAppenderBase<ILoggingEvent> counter = new UnsynchronizedAppenderBase<>()
        {
            @Override
            protected void append(final ILoggingEvent event)
            {
                final Object[] arguments = event.getArgumentArray();
                final Object reason = arguments == null || arguments.length == 0 ? null : arguments[arguments.length - 1];
                DROPPED.computeIfAbsent(reason(String.valueOf(reason)), key -> new LongAdder()).increment();
            }
        };
        counter.setContext(logger.getLoggerContext());
        counter.setName("hivemq-peer-drops");
        counter.start();
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        logger.addAppender(counter);
    }

    private static String reason(final String reason)
    {
        if (reason.startsWith("The QoS 0 memory limit exceeded"))
        {
            return "QoS 0 memory";
        }
        if (reason.startsWith("The client message queue is full") || reason.startsWith("The shared subscription message queue is full"))
        {
            return "queue full";
        }
        if (reason.startsWith("The tcp socket was not writable"))
        {
            return "socket not writable";
        }
        return reason;
    }

    private static synchronized void report(final EmbeddedHiveMQ hivemq, final boolean last)
    {
        final Map<String, Long> dropped = new TreeMap<>();
        DROPPED.forEach((reason, count) -> dropped.put(reason, count.sum()));
        final long total = dropped.values().stream().mapToLong(Long::longValue).sum();
        if (!last && total == lastReported)
        {
            return;
        }
        lastReported = total;
        final Counter in = hivemq.getMetricRegistry().getCounters().get("com.hivemq.messages.incoming.publish.count");
        final Counter out = hivemq.getMetricRegistry().getCounters().get("com.hivemq.messages.outgoing.publish.count");
        System.out.printf(Locale.ROOT, "hivemq-peer: PUBLISH in %d, out %d; dropped %d %s%n", in == null ? -1 : in.getCount(),
            out == null ? -1 : out.getCount(), total, dropped);
    }
}
