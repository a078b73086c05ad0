import com.hivemq.embedded.EmbeddedHiveMQ;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

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
 */
public final class HiveMqPeer
{
    private HiveMqPeer()
    {
    }

    /**
     * @param args the configuration folder and the data folder.
     * @throws Exception if HiveMQ does not start.
     */
    public static void main(final String[] args) throws Exception
    {
        final Path configFolder = Path.of(args[0]);
        final Path dataFolder = Files.createDirectories(Path.of(args[1]));
        final Path extensionsFolder = Files.createDirectories(dataFolder.resolve("extensions"));
        final EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
            .withConfigurationFolder(configFolder)
            .withDataFolder(dataFolder)
            .withExtensionsFolder(extensionsFolder)
            .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            try
            {
                hivemq.close();
            }
            catch (final Exception ex)
            {
                System.err.println("hivemq-peer: stopping: " + ex);
            }
        }, "hivemq-peer-stop"));
        hivemq.start().join();
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
}
