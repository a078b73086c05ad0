package io.robustmq.journal.engine;

import io.robustmq.journal.IntervalForcer;
import io.robustmq.journal.JournalDirectory;
import io.robustmq.journal.JournalException;
import io.robustmq.journal.SegmentPreparer;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;
import io.robustmq.journal.fs.FileLayer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The journal storage engine: a locked directory of shards, each a {@link ShardLog}, written by a
 * fixed set of writer agents (each on a thread of its own, each the single writer of the shards
 * assigned to it) and read by anyone.
 */
public final class Journal implements AutoCloseable
{
    private static final Pattern SHARD_NAME = Pattern.compile("[A-Za-z0-9._%-]{1,200}");
    private static final long COMMAND_TIMEOUT_S = 30;

    /**
     * How the journal runs.
     */
    public static final class Context
    {
        private Path directory;
        private int writers = 1;
        private int ringBufferBytes = 16 * 1024 * 1024;
        private Supplier<IdleStrategy> idleStrategy = WakeableIdleStrategy::new;
        private ErrorHandler errorHandler = Throwable::printStackTrace;
        private EpochClock clock = SystemEpochClock.INSTANCE;
        private FileLayer fileLayer = FileLayer.SYSTEM;

        /**
         * @param directory the journal's root directory; each shard is a sub-directory.
         * @return this.
         */
        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * @param writers writer agents, each on its own thread.
         * @return this.
         */
        public Context writers(final int writers)
        {
            this.writers = writers;
            return this;
        }

        /**
         * @param ringBufferBytes each writer's request buffer: a power of two; a batch may take
         *                        up to an eighth of it.
         * @return this.
         */
        public Context ringBufferBytes(final int ringBufferBytes)
        {
            this.ringBufferBytes = ringBufferBytes;
            return this;
        }

        /**
         * @param idleStrategy makes the idle strategy of each writer, a new one each call; a
         *                     {@link WakeableIdleStrategy} (the default) is woken by every append and
         *                     command queued for its writer.
         * @return this.
         */
        public Context idleStrategy(final Supplier<IdleStrategy> idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @param errorHandler told of errors on writer threads.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /**
         * @param clock the clock for flush intervals and retention.
         * @return this.
         */
        public Context clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        /**
         * @param fileLayer the file operations to use: the real file system unless a test records
         *                  them, or injects errors.
         * @return this.
         */
        public Context fileLayer(final FileLayer fileLayer)
        {
            this.fileLayer = fileLayer;
            return this;
        }

        void conclude()
        {
            Objects.requireNonNull(fileLayer, "fileLayer");
            Objects.requireNonNull(directory, "directory");
            if (writers < 1 || writers > 64)
            {
                throw new IllegalArgumentException("writers must be 1..64: " + writers);
            }
            if (Integer.bitCount(ringBufferBytes) != 1 || ringBufferBytes < 64 * 1024)
            {
                throw new IllegalArgumentException("ring buffer bytes must be a power of two, at least 64 KiB: " +
                    ringBufferBytes);
            }
        }
    }

    private final Context ctx;
    private final JournalDirectory directory;
    private final JournalWriter[] writers;
    private final AgentRunner[] runners;
    private final IdleStrategy[] idleStrategies;
    private final SegmentPreparer preparer;
    private final IntervalForcer forcer;
    private final Map<String, JournalShard> shards = new TreeMap<>();
    private volatile AppendCompletion[] completions = new AppendCompletion[0];
    private int nextShardId;
    private boolean closed;

    private Journal(final Context ctx, final JournalDirectory directory)
    {
        this.ctx = ctx;
        this.directory = directory;
        this.writers = new JournalWriter[ctx.writers];
        this.runners = new AgentRunner[ctx.writers];
        this.idleStrategies = new IdleStrategy[ctx.writers];
        this.preparer = new SegmentPreparer(ctx.errorHandler);
        this.forcer = new IntervalForcer(ctx.errorHandler);
        final Supplier<AppendCompletion[]> table = () -> completions;
        for (int i = 0; i < ctx.writers; i++)
        {
            final ByteBuffer memory = ByteBuffer.allocateDirect(ctx.ringBufferBytes + RingBufferDescriptor.TRAILER_LENGTH);
            final IdleStrategy idle = ctx.idleStrategy.get();
            idleStrategies[i] = idle;
            writers[i] = new JournalWriter("robustmq-journal-writer-" + i,
                new ManyToOneRingBuffer(new UnsafeBuffer(memory)), table, ctx.clock, ctx.errorHandler, forcer,
                idle instanceof WakeableIdleStrategy wakeable ? wakeable::wake : () -> {});
            runners[i] = new AgentRunner(idle, ctx.errorHandler, null, writers[i]);
        }
    }

    /**
     * Open the directory, recover every shard in it, and start the writers.
     *
     * @param ctx how to run.
     * @return the running journal.
     * @throws JournalException if the directory is in use or a shard cannot be opened.
     */
    public static Journal launch(final Context ctx)
    {
        ctx.conclude();
        final JournalDirectory directory = JournalDirectory.open(ctx.directory);
        final Journal journal = new Journal(ctx, directory);
        try
        {
            for (final String name : directory.shardNames())
            {
                final Path dir = directory.path().resolve(name);
                if (ShardConfigFile.exists(ctx.fileLayer, dir))
                {
                    final JournalShard shard = journal.newShard(name,
                        ShardLog.open(dir, ShardConfigFile.read(ctx.fileLayer, dir), journal.preparer, ctx.fileLayer));
                    journal.writerOf(shard).add(shard);
                }
            }
        }
        catch (final RuntimeException ex)
        {
            journal.shards.values().forEach(shard -> shard.log().close());
            journal.preparer.close();
            journal.forcer.close();
            directory.close();
            throw ex;
        }
        for (final AgentRunner runner : journal.runners)
        {
            AgentRunner.startOnThread(runner);
        }
        return journal;
    }

    private JournalShard newShard(final String name, final ShardLog log)
    {
        final int id = nextShardId++;
        final JournalWriter writer = writers[id % writers.length];
        final JournalShard shard = new JournalShard(name, id, log, writer.ring(), () -> completions, writer::execute,
            writer::wake, writer.payloadChecksums(), forcer);
        shards.put(name, shard);
        return shard;
    }

    private JournalWriter writerOf(final JournalShard shard)
    {
        return writers[shard.id() % writers.length];
    }

    /**
     * Register who is told about appends; appends name it by the returned id.
     *
     * @param completion the completion.
     * @return its id.
     */
    public synchronized int registerCompletion(final AppendCompletion completion)
    {
        final AppendCompletion[] current = completions;
        final AppendCompletion[] grown = Arrays.copyOf(current, current.length + 1);
        grown[current.length] = Objects.requireNonNull(completion);
        completions = grown;
        return current.length;
    }

    /**
     * @param name a shard's name.
     * @return the shard, or null if there is none.
     */
    public synchronized JournalShard shard(final String name)
    {
        return shards.get(name);
    }

    /**
     * @return the names of every shard, sorted.
     */
    public synchronized List<String> shardNames()
    {
        return new ArrayList<>(shards.keySet());
    }

    /**
     * Make a shard's new segments {@code bytes} long, from its next roll on (its writer applies the
     * size between two duty cycles, soon after this returns); its segments keep their sizes. The size
     * is kept with the shard's settings, so a restart uses it too. Until then the
     * largest batch is the smaller of what the old and the new size hold; after a restart, the new
     * size's (recovery extends a smaller active segment to it). Nothing happens if the size is the
     * shard's already.
     *
     * @param shard a shard of this journal.
     * @param bytes the new segment size, as {@link ShardConfig} accepts it.
     * @throws IllegalArgumentException if the size is refused or the shard is not this journal's.
     * @throws JournalException if the settings cannot be written.
     */
    public synchronized void segmentBytes(final JournalShard shard, final int bytes)
    {
        checkOpen();
        if (shards.get(shard.name()) != shard)
        {
            throw new IllegalArgumentException("shard '" + shard.name() + "' is not open in this journal");
        }
        if (shard.segmentBytesWanted() == bytes)
        {
            return;
        }
        // Its other settings never change at run time (retention is applied apart, and not kept).
        final ShardConfig current = shard.log().config();
        final ShardConfig resized = new ShardConfig(bytes, current.indexIntervalBytes(), current.durability(),
            current.flushIntervalMs(), current.retentionBytes(), current.retentionMs());
        // Kept first: if the file cannot be written, nothing has changed.
        ShardConfigFile.write(ctx.fileLayer, directory.path().resolve(shard.name()), resized);
        shard.segmentBytesWanted(bytes);
        shard.limitPayload(resized.maxPayloadBytes());
        // The writer alone replaces its log's configuration, between two duty cycles, so that an
        // append and the roll it may cause see one size.
        writerOf(shard).execute(() -> shard.log().segmentBytes(bytes));
    }

    /**
     * Create a shard; its settings are kept with it.
     *
     * @param name   letters, digits, {@code .}, {@code _}, {@code %} and {@code -}, at most 200.
     * @param config how its log is kept.
     * @return the shard, ready for appends.
     * @throws IllegalArgumentException if the name is invalid or taken.
     */
    public synchronized JournalShard createShard(final String name, final ShardConfig config)
    {
        checkOpen();
        if (!SHARD_NAME.matcher(name).matches() || name.equals(".") || name.equals(".."))
        {
            throw new IllegalArgumentException("invalid shard name '" + name + "'");
        }
        if (shards.containsKey(name))
        {
            throw new IllegalArgumentException("shard '" + name + "' exists");
        }
        final Path dir = directory.path().resolve(name);
        try
        {
            ctx.fileLayer.createDirectories(dir);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot create shard directory " + dir + ": " + ex.getMessage(), ex);
        }
        ShardConfigFile.write(ctx.fileLayer, dir, config);
        final JournalShard shard = newShard(name, ShardLog.open(dir, config, preparer, ctx.fileLayer));
        final JournalWriter writer = writerOf(shard);
        onWriter(writer, () -> writer.add(shard));
        return shard;
    }

    /**
     * Delete a shard and its files. Appends still on their way fail with
     * {@link AppendCompletion#SHARD_CLOSED}; views already read stay valid until released.
     *
     * @param name the shard's name.
     * @return true if it existed.
     */
    public synchronized boolean deleteShard(final String name)
    {
        checkOpen();
        final JournalShard shard = shards.remove(name);
        if (shard == null)
        {
            return false;
        }
        shard.markClosed();
        final JournalWriter writer = writerOf(shard);
        onWriter(writer, () -> writer.remove(shard));
        final Path dir = directory.path().resolve(name);
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                ctx.fileLayer.delete(file);
            }
            ctx.fileLayer.syncDirectory(directory.path());
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot delete shard directory " + dir + ": " + ex.getMessage(), ex);
        }
        return true;
    }

    private static void onWriter(final JournalWriter writer, final Runnable command)
    {
        final CompletableFuture<Void> done = new CompletableFuture<>();
        writer.execute(() ->
        {
            try
            {
                command.run();
                done.complete(null);
            }
            catch (final RuntimeException ex)
            {
                done.completeExceptionally(ex);
            }
        });
        try
        {
            done.get(COMMAND_TIMEOUT_S, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new JournalException("interrupted waiting for " + writer.roleName(), ex);
        }
        catch (final Exception ex)
        {
            final Throwable cause = ex.getCause() != null ? ex.getCause() : ex;
            throw new JournalException(writer.roleName() + ": " + cause.getMessage(), cause);
        }
    }

    /**
     * @return batches appended by every writer so far.
     */
    public long appends()
    {
        long total = 0;
        for (final JournalWriter writer : writers)
        {
            total += writer.appends();
        }
        return total;
    }

    /**
     * @return forces done for {@code always} shards by every writer so far: fewer than their
     * appends when group commit shares forces.
     */
    public long forces()
    {
        long total = 0;
        for (final JournalWriter writer : writers)
        {
            total += writer.forces();
        }
        return total;
    }

    /**
     * @return the clock the writers stamp and keep retention by.
     */
    public EpochClock clock()
    {
        return ctx.clock;
    }

    /**
     * @return the journal's root directory.
     */
    public Path directory()
    {
        return directory.path();
    }

    private void checkOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("journal " + directory.path() + " is closed");
        }
    }

    /**
     * Stop the writers, each draining what was submitted and forcing and closing its shards on its
     * own thread, then the forcing and preparing threads, then release the directory.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        for (int i = 0; i < runners.length; i++)
        {
            if (idleStrategies[i] instanceof WakeableIdleStrategy wakeable)
            {
                wakeable.stopParking();
            }
            runners[i].close();
        }
        forcer.close();
        preparer.close();
        directory.close();
    }
}
