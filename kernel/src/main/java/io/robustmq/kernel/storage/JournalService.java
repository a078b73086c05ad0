package io.robustmq.kernel.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.engine.Journal;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.kernel.cursor.KernelCursorStore;
import io.robustmq.plugin.api.metadata.Metadata;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import io.robustmq.journal.engine.WakeableIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Journal component of a node: the journal engine under {@code <data_dir>/journal}, its shards
 * recovered at start, the Storage Adapter that plugins store through, and the cursor store kept in
 * shards of its own, recovered before the component is ready (so before any plugin starts).
 */
public final class JournalService implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalService.class);

    private final Journal journal;
    private final StorageAdapter adapter;
    private final KernelCursorStore cursors;
    private final int shardsRecoveredWithLoss;

    private JournalService(
        final Journal journal,
        final StorageAdapter adapter,
        final KernelCursorStore cursors,
        final int shardsRecoveredWithLoss)
    {
        this.journal = journal;
        this.adapter = adapter;
        this.cursors = cursors;
        this.shardsRecoveredWithLoss = shardsRecoveredWithLoss;
    }

    /**
     * @param config        the storage settings.
     * @param directory     the journal's directory.
     * @param meterRegistry where the journal's meters go.
     * @param metadata      the Meta Service's client: topics, their shards and leaders.
     * @param nodeId        this node's id.
     * @return the started component.
     * @throws io.robustmq.journal.JournalException if the directory is in use or a shard cannot be opened.
     */
    public static JournalService launch(
        final StorageConfig config,
        final Path directory,
        final MeterRegistry meterRegistry,
        final Metadata metadata,
        final int nodeId)
    {
        final Journal journal = Journal.launch(new Journal.Context()
            .directory(directory)
            .writers(config.journalWriters())
            .ringBufferBytes(config.writerBufferBytes())
            .idleStrategy(idleStrategy(config.writerIdleStrategy()))
            .errorHandler(error -> LOG.error("journal writer error", error)));
        int withLoss = 0;
        for (final String name : journal.shardNames())
        {
            final RecoveryReport report = journal.shard(name).recoveryReport();
            if (!report.isClean())
            {
                withLoss++;
                LOG.warn("shard {} recovered with repairs: {}", name, report);
            }
        }
        final StorageAdapter adapter;
        try
        {
            adapter = new StorageAdapter(config, journal, metadata, nodeId);
        }
        catch (final RuntimeException ex)
        {
            journal.close();
            throw ex;
        }
        final KernelCursorStore cursors;
        try
        {
            cursors = KernelCursorStore.launch(cursorContext(config, adapter));
        }
        catch (final RuntimeException ex)
        {
            adapter.close();
            journal.close();
            throw ex;
        }
        FunctionCounter.builder("robustmq.journal.appends", journal, Journal::appends)
            .description("Batches appended to journal shards").register(meterRegistry);
        FunctionCounter.builder("robustmq.journal.forces", journal, Journal::forces)
            .description("Forces (fsyncs) of always shards; fewer than their appends when shared").register(meterRegistry);
        Gauge.builder("robustmq.storage.shards", adapter, StorageAdapter::size)
            .description("Shards open, every engine").register(meterRegistry);
        Gauge.builder("robustmq.cursors", cursors, KernelCursorStore::size)
            .description("Consumer cursors held (a group on a shard)").register(meterRegistry);
        FunctionCounter.builder("robustmq.cursors.records", cursors, KernelCursorStore::recordsAppended)
            .description("Cursor operations logged").register(meterRegistry);
        FunctionCounter.builder("robustmq.cursors.checkpoints", cursors, KernelCursorStore::checkpoints)
            .description("Cursor checkpoints stored").register(meterRegistry);
        return new JournalService(journal, adapter, cursors, withLoss);
    }

    /**
     * The cursor store's settings: {@code [storage.cursors]}, the writer idle strategy, and the
     * durability of its topic, which says how long a stored checkpoint may still be unforced.
     */
    public static KernelCursorStore.Context cursorContext(final StorageConfig config, final StorageAdapter adapter)
    {
        final StorageConfig.TopicStorage storage =
            config.forPrivate(StorageAdapter.KERNEL_OWNER, KernelCursorStore.SHARD_PREFIX + 0);
        final boolean forcedLater = storage.engine().equals("journal") && storage.durability().equals("interval");
        return new KernelCursorStore.Context()
            .shards(adapter.forKernel())
            .bufferBytes(config.cursorsBufferBytes())
            .maxUnacknowledged(config.cursorsMaxUnacknowledged())
            .maxMetadataBytes(config.cursorsMaxMetadataBytes())
            .checkpointBytes(config.cursorsCheckpointBytes())
            .checkpointIntervalMs(config.cursorsCheckpointIntervalMs())
            .retireDelayMs(forcedLater ? 2 * storage.flushIntervalMs() : 0)
            .idleStrategy(idleStrategy(config.writerIdleStrategy()).get())
            .errorHandler(error -> LOG.error("cursor store error", error));
    }

    private static Supplier<IdleStrategy> idleStrategy(final String name)
    {
        return switch (name)
        {
            case "wakeable" -> WakeableIdleStrategy::new;
            case "busy" -> BusySpinIdleStrategy::new;
            case "yielding" -> YieldingIdleStrategy::new;
            case "sleeping" -> () -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100));
            case "backoff" -> () -> new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MICROSECONDS.toNanos(100));
            default -> throw new IllegalArgumentException("unknown writer idle strategy " + name);
        };
    }

    /**
     * @return the Storage Adapter, for plugins.
     */
    public StorageAdapter shards()
    {
        return adapter;
    }

    /**
     * @return the cursor store, for plugins.
     */
    public KernelCursorStore cursors()
    {
        return cursors;
    }

    /**
     * @return a one-line summary for the admin API.
     */
    public String describeState()
    {
        return "directory " + journal.directory() + "; " + adapter.describe() + "; " + cursors.describe() +
            (shardsRecoveredWithLoss > 0 ? "; " + shardsRecoveredWithLoss + " shards repaired at start (see the log)" : "");
    }

    /**
     * Drain and stop the cursor store, drop the memory shards, then stop the writers: each drains
     * what was submitted, forces and closes its shards.
     */
    @Override
    public void close()
    {
        try
        {
            cursors.close();
        }
        finally
        {
            adapter.close();
            journal.close();
        }
    }
}
