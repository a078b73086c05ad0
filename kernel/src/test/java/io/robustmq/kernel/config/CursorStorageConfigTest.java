package io.robustmq.kernel.config;

import io.robustmq.plugin.api.ConfigurationException;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The cursor store's keys ({@code [storage.cursors]}) and the storage of the kernel's own topics.
 */
class CursorStorageConfigTest
{
    private static StorageConfig read(final String... pairs)
    {
        final Properties properties = new Properties();
        for (int i = 0; i < pairs.length; i += 2)
        {
            properties.setProperty(ConfigSource.PROPERTY_PREFIX + pairs[i], pairs[i + 1]);
        }
        return ServerConfig.read(ConfigSource.load(null, Map.of(), properties)).storage();
    }

    @Test
    void defaults()
    {
        final StorageConfig config = read();
        assertEquals(4 * 1024 * 1024, config.cursorsBufferBytes());
        assertEquals(65536, config.cursorsMaxUnacknowledged());
        assertEquals(4096, config.cursorsMaxMetadataBytes());
        assertEquals(64L * 1024 * 1024, config.cursorsCheckpointBytes());
        assertEquals(600_000, config.cursorsCheckpointIntervalMs());
    }

    @Test
    void readsEveryKey()
    {
        final StorageConfig config = read("storage.cursors.buffer_bytes", "262144",
            "storage.cursors.max_unacknowledged", "10", "storage.cursors.max_metadata_bytes", "100",
            "storage.cursors.checkpoint_bytes", "8192", "storage.cursors.checkpoint_interval_ms", "0");
        assertEquals(262144, config.cursorsBufferBytes());
        assertEquals(10, config.cursorsMaxUnacknowledged());
        assertEquals(100, config.cursorsMaxMetadataBytes());
        assertEquals(8192, config.cursorsCheckpointBytes());
        assertEquals(0, config.cursorsCheckpointIntervalMs());
    }

    @Test
    void refusesWhatCannotWork()
    {
        assertEquals("storage.cursors.buffer_bytes",
            assertThrows(ConfigurationException.class, () -> read("storage.cursors.buffer_bytes", "200000")).key());
        assertEquals("storage.cursors.max_metadata_bytes", assertThrows(ConfigurationException.class,
            () -> read("storage.cursors.buffer_bytes", "131072", "storage.cursors.max_metadata_bytes", "16384")).key());
        assertEquals("storage.cursors.max_unacknowledged",
            assertThrows(ConfigurationException.class, () -> read("storage.cursors.max_unacknowledged", "0")).key());
    }

    @Test
    void privateShardsKeepEverythingAndTheKernelsUseSmallSegmentsUnlessOverridden()
    {
        final StorageConfig config = read("storage.retention_ms", "1000", "storage.retention_bytes", "1048576");
        final StorageConfig.TopicStorage cursors = config.forPrivate("$kernel", "cursors-1");
        assertEquals(0, cursors.retentionMs());
        assertEquals(0, cursors.retentionBytes());
        assertEquals(StorageConfig.KERNEL_SEGMENT_BYTES, cursors.segmentBytes());
        assertEquals(config.defaults().durability(), cursors.durability());
        final StorageConfig.TopicStorage sessions = config.forPrivate("mqtt", "$mqtt-sessions-1");
        assertEquals(0, sessions.retentionMs(), "a plugin's private state is not deleted by age");
        assertEquals(0, sessions.retentionBytes());
        assertEquals(config.defaults().segmentBytes(), sessions.segmentBytes());
        assertEquals(1000, config.forTopic("orders").retentionMs(), "topics keep the defaults");

        final StorageConfig overridden = read("storage.private.$kernel/cursors-*.durability", "always");
        assertEquals("always", overridden.forPrivate("$kernel", "cursors-7").durability());
        assertEquals(64 * 1024 * 1024, overridden.forPrivate("$kernel", "cursors-7").segmentBytes(),
            "an override replaces the kernel's rule whole");
    }
}
