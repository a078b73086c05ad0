package io.robustmq.kernel.cursor;

import io.robustmq.journal.engine.Journal;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.kernel.storage.JournalService;
import io.robustmq.kernel.storage.NoTopicsMetadata;
import io.robustmq.kernel.storage.StorageAdapter;
import io.robustmq.kernel.support.Clients;
import io.robustmq.plugin.api.cursor.CursorCallback;
import org.agrona.concurrent.CachedEpochClock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;


/**
 * A journal, its Storage Adapter behind {@link ScriptedShards}, and a cursor store on them, launched
 * as the Journal component launches them ({@link JournalService#cursorContext}), with a clock the
 * test moves and a callback that records what it is told.
 */
final class CursorFixture implements AutoCloseable
{
    final Path directory;
    final StorageConfig config;
    final CachedEpochClock clock = new CachedEpochClock();
    final ConcurrentLinkedQueue<Long> durable = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> failed = new ConcurrentLinkedQueue<>();
    final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    Journal journal;
    StorageAdapter adapter;
    ScriptedShards shards;
    KernelCursorStore store;
    int callbackId;

    CursorFixture(final Path directory, final String storageToml) throws Exception
    {
        this.directory = directory;
        final Path file = Files.writeString(directory.resolve("server.toml"), storageToml);
        this.config = ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage();
        clock.update(1_000_000);
    }

    /**
     * Launch the journal and the store on the directory (again, after {@link #close()} or {@link #crash()}).
     */
    CursorFixture launch(final Consumer<KernelCursorStore.Context> tune)
    {
        journal = Journal.launch(new Journal.Context().directory(directory.resolve("journal"))
            .ringBufferBytes(config.writerBufferBytes()).errorHandler(errors::add));
        adapter = new StorageAdapter(config, journal, NoTopicsMetadata.create(), 1);
        shards = new ScriptedShards(adapter.forKernel());
        final KernelCursorStore.Context ctx = JournalService.cursorContext(config, adapter).shards(shards).clock(clock)
            .errorHandler(errors::add);
        tune.accept(ctx);
        store = KernelCursorStore.launch(ctx);
        callbackId = store.register(new CursorCallback()
        {
            @Override
            public void onDurable(final long correlationId)
            {
                durable.add(correlationId);
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                failed.add(correlationId);
            }
        });
        return this;
    }

    CursorFixture launch()
    {
        return launch(ctx -> { });
    }

    /**
     * Stop as a killed node would: the store's writer stopped without waiting for what the scripted
     * shards dropped, then the journal closed with what it was given.
     */
    void crash()
    {
        store.close();
        adapter.close();
        journal.close();
        store = null;
    }

    @Override
    public void close()
    {
        if (store != null)
        {
            store.close();
            adapter.close();
            journal.close();
            store = null;
        }
    }

    /**
     * @return the generations of the cursor log there are shards of.
     */
    long[] generations()
    {
        return new CursorGenerations(adapter.forKernel()).list();
    }

    static void await(final BooleanSupplier condition, final String what)
    {
        try
        {
            Clients.await(what, 20_000, condition);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted waiting for " + what, ex);
        }
    }
}
