package io.robustmq.kernel.plugin;

import io.micrometer.core.instrument.MeterRegistry;
import io.robustmq.plugin.api.PluginConfig;
import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.cursor.CursorStore;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.storage.Shards;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The kernel's implementation of {@link PluginContext}, one per plugin.
 */
public final class KernelPluginContext implements PluginContext
{
    private final int nodeId;
    private final PluginConfig config;
    private final MeterRegistry meterRegistry;
    private final Shards shards;
    private final CursorStore cursors;
    private final Metadata metadata;
    private final Path dataDirectory;
    private final ScheduledExecutorService scheduler;
    private final String defaultHost;
    private final String advertisedHost;

    /**
     * @param nodeId        the node's id.
     * @param config        the plugin's section.
     * @param meterRegistry the node's registry.
     * @param shards        the Storage Adapter.
     * @param cursors       the cursor store.
     * @param metadata      the Meta Service's client.
     * @param dataDirectory the plugin's directory, created on first use.
     * @param scheduler     the shared event loops.
     * @param defaultHost   {@code network.host}.
     * @param advertisedHost {@code network.advertised_host}, empty when not set.
     */
    public KernelPluginContext(
        final int nodeId,
        final PluginConfig config,
        final MeterRegistry meterRegistry,
        final Shards shards,
        final CursorStore cursors,
        final Metadata metadata,
        final Path dataDirectory,
        final ScheduledExecutorService scheduler,
        final String defaultHost,
        final String advertisedHost)
    {
        this.nodeId = nodeId;
        this.config = config;
        this.meterRegistry = meterRegistry;
        this.shards = shards;
        this.cursors = cursors;
        this.metadata = metadata;
        this.dataDirectory = dataDirectory;
        this.scheduler = scheduler;
        this.defaultHost = defaultHost;
        this.advertisedHost = advertisedHost;
    }

    @Override
    public int nodeId()
    {
        return nodeId;
    }

    @Override
    public PluginConfig config()
    {
        return config;
    }

    @Override
    public MeterRegistry meterRegistry()
    {
        return meterRegistry;
    }

    @Override
    public Shards shards()
    {
        return shards;
    }

    @Override
    public CursorStore cursors()
    {
        return cursors;
    }

    @Override
    public Metadata metadata()
    {
        return metadata;
    }

    @Override
    public Path dataDirectory()
    {
        try
        {
            return Files.createDirectories(dataDirectory);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create plugin data directory " + dataDirectory, ex);
        }
    }

    @Override
    public Clock clock()
    {
        return Clock.systemUTC();
    }

    @Override
    public ScheduledExecutorService scheduler()
    {
        return scheduler;
    }

    @Override
    public String defaultHost()
    {
        return defaultHost;
    }

    @Override
    public String advertisedHost()
    {
        return advertisedHost;
    }
}
