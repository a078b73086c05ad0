package io.robustmq.kernel.storage;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.engine.Journal;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.plugin.api.metadata.Metadata;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Journal component of a node: the journal engine under {@code <data_dir>/journal}, its shards
 * recovered at start, and the Storage Adapter that plugins store through.
 */
public final class JournalService implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(JournalService.class);

    private final Journal journal;
    private final StorageAdapter adapter;
    private final int shardsRecoveredWithLoss;

    private JournalService(final Journal journal, final StorageAdapter adapter, final int shardsRecoveredWithLoss)
    {
        this.journal = journal;
        this.adapter = adapter;
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
        FunctionCounter.builder("robustmq.journal.appends", journal, Journal::appends)
            .description("Batches appended to journal shards").register(meterRegistry);
        FunctionCounter.builder("robustmq.journal.forces", journal, Journal::forces)
            .description("Forces (fsyncs) of always shards; fewer than their appends when shared").register(meterRegistry);
        Gauge.builder("robustmq.storage.shards", adapter, StorageAdapter::size)
            .description("Shards open, every engine").register(meterRegistry);
        return new JournalService(journal, adapter, withLoss);
    }

    private static Supplier<IdleStrategy> idleStrategy(final String name)
    {
        return switch (name)
        {
            case "busy" -> BusySpinIdleStrategy::new;
            case "yielding" -> YieldingIdleStrategy::new;
            case "sleeping" -> () -> new SleepingIdleStrategy(TimeUnit.MICROSECONDS.toNanos(100));
            default -> () -> new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MICROSECONDS.toNanos(100));
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
     * @return a one-line summary for the admin API.
     */
    public String describeState()
    {
        return "directory " + journal.directory() + "; " + adapter.describe() +
            (shardsRecoveredWithLoss > 0 ? "; " + shardsRecoveredWithLoss + " shards repaired at start (see the log)" : "");
    }

    /**
     * Drop the memory shards, then stop the writers: each drains what was submitted, forces and
     * closes its shards.
     */
    @Override
    public void close()
    {
        adapter.close();
        journal.close();
    }
}
