import com.hivemq.embedded.EmbeddedHiveMQ;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * HiveMQ CE, embedded, run as a benchmark peer of its own JVM by the MQTT suite's {@code BrokerProcess}:
 * {@code java -cp <HiveMQ class path> bench/hivemq/HiveMqPeer.java <config folder> <data folder>}
 * (a single-file source program, compiled at launch against HiveMQ's class path). Its listeners and
 * limits are in {@code <config folder>/config.xml}. Prints {@code ready: hivemq} once started; runs
 * until the JVM is stopped (SIGTERM), when a shutdown hook stops the broker.
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
        new CountDownLatch(1).await();
    }
}
