package io.robustmq.kernel.cursor;

import io.netty.buffer.ByteBuf;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorCallback;
import io.robustmq.plugin.api.cursor.CursorStore;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.Shards;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import io.robustmq.journal.engine.WakeableIdleStrategy;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.robustmq.kernel.cursor.CursorDescriptor.DELETED;
import static io.robustmq.kernel.cursor.CursorDescriptor.GROUP_DELETED;
import static io.robustmq.kernel.cursor.CursorDescriptor.SHARD_DELETED;

/**
 * The kernel's {@link CursorStore}: live cursors in memory, their operations logged as records (see
 * {@link CursorDescriptor}) into shards of the Storage Adapter by one writer thread
 * ({@link CursorWriterAgent}), compacted by checkpoints into a new generation.
 * <p>
 * <b>Recovery</b> ({@link #launch}) reads the newest generation whose checkpoint is whole (from
 * CHECKPOINT_BEGIN to CHECKPOINT_END) and replays it: the checkpoint, then every record after it.
 * Why that is every operation reported durable, whatever moment a crash stopped the node:
 * <ul>
 *   <li>A generation is written in order and the engine keeps a prefix of what was appended to a
 *       shard (a torn tail is cut), so a generation without its CHECKPOINT_END holds part of a
 *       checkpoint and no operation's record: ignoring it loses nothing.</li>
 *   <li>A callback is told only when its batch and every batch before it, in both generations, is
 *       stored ({@link BatchCompletions}): an operation reported durable after the switch implies a
 *       whole checkpoint in the new generation; one reported before is in the old generation, and in
 *       the new one's checkpoint, which is taken from exactly the records before the switch.</li>
 *   <li>Older generations are deleted only once the new checkpoint is stored (and, for
 *       {@code interval} durability, forced): until then a crash in the middle of a checkpoint
 *       recovers from the previous generation, which holds everything up to the switch.</li>
 * </ul>
 * Every launch starts a new generation with a checkpoint of what it recovered, so the generations a
 * stop mid-checkpoint left behind are deleted once that checkpoint is stored. The shard of the
 * generation after the current one is created ahead of time, empty: recovery ignores it like any
 * generation without a whole checkpoint.
 * <p>
 * Threading: see {@link CursorStore}. {@link #launch} and {@link #close} on one thread, once each.
 */
public final class KernelCursorStore implements CursorStore, AutoCloseable
{
    /** The names of the store's shards in the kernel's private namespace: this, then the generation. */
    public static final String SHARD_PREFIX = CursorGenerations.SHARD_PREFIX;
    /** The longest group or shard name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 1024;
    /** The largest batch the writer appends, if the shards take one so large. */
    static final int MAX_BATCH_BYTES = 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(KernelCursorStore.class);

    /**
     * What a store is launched with.
     */
    public static final class Context
    {
        private Shards shards;
        private int bufferBytes = 4 * 1024 * 1024;
        private int maxUnacknowledged = 65536;
        private int maxMetadataBytes = 4096;
        private long checkpointBytes = 64L * 1024 * 1024;
        private long checkpointIntervalMs = 600_000;
        private long retireDelayMs;
        private IdleStrategy idleStrategy = new WakeableIdleStrategy();
        private ErrorHandler errorHandler = error -> LOG.error("cursor store error", error);
        private long closeTimeoutMs = 10_000;
        private EpochClock clock = SystemEpochClock.INSTANCE;

        /** @param shards where the generations are kept. @return this. */
        public Context shards(final Shards shards)
        {
            this.shards = shards;
            return this;
        }

        /** @param bufferBytes the writer's queue, a power of two; full means back-pressure. @return this. */
        public Context bufferBytes(final int bufferBytes)
        {
            this.bufferBytes = bufferBytes;
            return this;
        }

        /** @param maxUnacknowledged unacknowledged offsets a cursor may hold. @return this. */
        public Context maxUnacknowledged(final int maxUnacknowledged)
        {
            this.maxUnacknowledged = maxUnacknowledged;
            return this;
        }

        /** @param maxMetadataBytes the longest commit metadata, UTF-8 bytes. @return this. */
        public Context maxMetadataBytes(final int maxMetadataBytes)
        {
            this.maxMetadataBytes = maxMetadataBytes;
            return this;
        }

        /** @param checkpointBytes record bytes appended after which a checkpoint is taken. @return this. */
        public Context checkpointBytes(final long checkpointBytes)
        {
            this.checkpointBytes = checkpointBytes;
            return this;
        }

        /** @param checkpointIntervalMs a checkpoint at least this often if anything changed; 0: by bytes only. @return this. */
        public Context checkpointIntervalMs(final long checkpointIntervalMs)
        {
            this.checkpointIntervalMs = checkpointIntervalMs;
            return this;
        }

        /** @param retireDelayMs how long after a checkpoint is stored the older generations are deleted. @return this. */
        public Context retireDelayMs(final long retireDelayMs)
        {
            this.retireDelayMs = retireDelayMs;
            return this;
        }

        /** @param idleStrategy how the idle writer waits: its own instance, not shared. @return this. */
        public Context idleStrategy(final IdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /** @param errorHandler told errors of the writer and of callbacks. @return this. */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        /** @param closeTimeoutMs how long {@link #close()} waits for queued records to be stored. @return this. */
        public Context closeTimeoutMs(final long closeTimeoutMs)
        {
            this.closeTimeoutMs = closeTimeoutMs;
            return this;
        }

        /** @param clock the writer's clock, for checkpoint intervals. @return this. */
        public Context clock(final EpochClock clock)
        {
            this.clock = clock;
            return this;
        }

        void conclude()
        {
            Objects.requireNonNull(shards, "shards");
            Objects.requireNonNull(idleStrategy, "idleStrategy");
            Objects.requireNonNull(errorHandler, "errorHandler");
            Objects.requireNonNull(clock, "clock");
            if (Integer.bitCount(bufferBytes) != 1)
            {
                throw new IllegalArgumentException("the cursor writer's buffer must be a power of two: " + bufferBytes);
            }
            if (maxUnacknowledged < 1 || maxMetadataBytes < 0 || checkpointBytes < 1 || checkpointIntervalMs < 0 ||
                retireDelayMs < 0)
            {
                throw new IllegalArgumentException("cursor store limits out of range");
            }
            if (largestOperationRecord() + CursorDescriptor.QUEUE_HEADER_LENGTH > bufferBytes / 8)
            {
                throw new IllegalArgumentException("a commit with " + maxMetadataBytes + " bytes of metadata does not " +
                    "fit the cursor writer's buffer of " + bufferBytes + " bytes (a record may take an eighth)");
            }
        }

        int largestOperationRecord()
        {
            return Math.max(CursorRecords.openedLength(MAX_NAME_BYTES, MAX_NAME_BYTES),
                CursorRecords.committedLength(maxMetadataBytes));
        }

        int largestRecord()
        {
            return Math.max(largestOperationRecord(),
                CursorRecords.cursorStateLength(MAX_NAME_BYTES, MAX_NAME_BYTES, maxMetadataBytes));
        }
    }

    private final Context ctx;
    private final CursorCallbacks callbacks;
    private final CursorLogProxy proxy;
    private final Map<String, Map<String, KernelCursor>> groups = new ConcurrentHashMap<>();
    private CursorWriterAgent writer;
    private AgentRunner runner;
    private ExecutorService preparer;
    private int nextId;
    private volatile boolean closed;
    private final Runnable wakeWriter;

    private KernelCursorStore(final Context ctx, final CursorCallbacks callbacks, final ManyToOneRingBuffer ring)
    {
        this.ctx = ctx;
        this.callbacks = callbacks;
        this.wakeWriter = ctx.idleStrategy instanceof WakeableIdleStrategy wakeable ? wakeable::wake : () -> {};
        this.proxy = new CursorLogProxy(ring, wakeWriter);
    }

    /**
     * Recover the cursors from their shards, write a checkpoint into a new generation and start the
     * writer.
     *
     * @param ctx the settings.
     * @return the store, ready.
     * @throws IllegalStateException if a generation cannot be read, or a record breaks the rules.
     */
    public static KernelCursorStore launch(final Context ctx)
    {
        ctx.conclude();
        final CursorGenerations generations = new CursorGenerations(ctx.shards);
        final long[] existing = generations.list();
        final CursorTable table = recover(generations, existing);
        final long lastGeneration = existing.length == 0 ? 0 : existing[existing.length - 1];

        final ManyToOneRingBuffer ring = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(ctx.bufferBytes + RingBufferDescriptor.TRAILER_LENGTH)));
        final CursorCallbacks callbacks = new CursorCallbacks();
        final KernelCursorStore store = new KernelCursorStore(ctx, callbacks, ring);
        store.publish(table);

        final Shard first = generations.open(lastGeneration + 1);
        final int batchCapacity = Math.min(first.maxBatchBytes(), MAX_BATCH_BYTES);
        if (batchCapacity < ctx.largestRecord())
        {
            throw new IllegalStateException("the cursor shards take batches of at most " + first.maxBatchBytes() +
                " bytes; the cursor store needs " + ctx.largestRecord() + " (raise segment_bytes or " +
                "writer_buffer_bytes, or [storage.private.\"" + CursorGenerations.STORAGE_OVERRIDE + "\"])");
        }
        final BatchCompletions completions = new BatchCompletions(callbacks, ctx.errorHandler, store.wakeWriter);
        final int appendCallbackId = ctx.shards.register(completions);
        store.preparer = Executors.newSingleThreadExecutor(runnable ->
        {
            final Thread thread = new Thread(runnable, CursorWriterAgent.PREPARER_NAME);
            thread.setDaemon(true);
            return thread;
        });
        store.writer = new CursorWriterAgent(ring, generations, table, completions, appendCallbackId, ctx.clock,
            ctx.errorHandler, store.preparer, ctx.checkpointBytes, ctx.checkpointIntervalMs, ctx.retireDelayMs,
            batchCapacity, lastGeneration);
        try
        {
            store.writer.checkpoint(ctx.clock.time());
        }
        catch (final RuntimeException ex)
        {
            store.preparer.shutdownNow();
            store.writer.onClose();
            throw ex;
        }
        store.runner = new AgentRunner(ctx.idleStrategy, ctx.errorHandler, null, store.writer);
        AgentRunner.startOnThread(store.runner, runnable ->
        {
            final Thread thread = new Thread(runnable, CursorWriterAgent.ROLE_NAME);
            thread.setDaemon(true);
            return thread;
        });
        LOG.info("cursor store: {} cursors recovered; writing generation {}", table.size(), store.writer.generation());
        return store;
    }

    private static CursorTable recover(final CursorGenerations generations, final long[] existing)
    {
        for (int i = existing.length - 1; i >= 0; i--)
        {
            final long generation = existing[i];
            final CursorTable table = new CursorTable();
            replay(generations.existing(generation), table);
            if (table.completeGeneration() == generation)
            {
                LOG.info("cursor store: generation {} replayed, {} records, {} cursors", generation, table.records(),
                    table.size());
                return table;
            }
            if (table.records() == 0)
            {
                LOG.debug("cursor store: generation {} is empty (created ahead of its checkpoint): ignored", generation);
            }
            else
            {
                LOG.warn("cursor store: generation {} holds no whole checkpoint (a stop in the middle of one): " +
                    "ignored, and deleted once the next checkpoint is stored", generation);
            }
        }
        return new CursorTable();
    }

    private static void replay(final Shard shard, final CursorTable table)
    {
        final CursorLogAdapter adapter = new CursorLogAdapter(table);
        final ShardView view = shard.newView();
        final UnsafeBuffer wrapper = new UnsafeBuffer(new byte[0]);
        byte[] bytes = new byte[64 * 1024];
        long offset = shard.earliestOffset();
        while (offset < shard.nextOffset())
        {
            final int read = shard.read(offset, 1 << 20, 4096, view);
            if (read < 0)
            {
                throw new IllegalStateException("the cursor shard " + shard.name() + " cannot be read at offset " +
                    offset + (read == Shard.CORRUPT ? ": corrupt" : ": out of range"));
            }
            if (read == 0)
            {
                break;
            }
            try
            {
                while (view.next())
                {
                    final ByteBuf payload = view.payload();
                    final int length = payload.readableBytes();
                    if (bytes.length < length)
                    {
                        bytes = new byte[Math.max(length, bytes.length * 2)];
                    }
                    payload.getBytes(payload.readerIndex(), bytes, 0, length);
                    wrapper.wrap(bytes, 0, length);
                    final int records = adapter.onRecords(wrapper, 0, length);
                    if (records != view.recordCount())
                    {
                        throw new IllegalStateException("a batch of " + shard.name() + " at offset " +
                            view.baseOffset() + " holds " + records + " records, not " + view.recordCount());
                    }
                }
                offset = view.nextOffset();
            }
            catch (final IllegalStateException ex)
            {
                throw new IllegalStateException("the cursor shard " + shard.name() + " at offset " + offset + ": " +
                    ex.getMessage(), ex);
            }
            finally
            {
                view.release();
            }
        }
    }

    private void publish(final CursorTable table)
    {
        table.forEach(entry ->
        {
            final KernelCursor cursor = new KernelCursor(this, entry.id, entry.group, entry.groupBytes, entry.shard,
                entry.shardBytes, true);
            final CursorState state = cursor.state();
            state.restore(entry.state.deliveredOffset(), entry.state.leaderEpoch(), entry.state.metadata());
            entry.state.unacknowledged().forEachRun(state::restoreRun);
            groups.computeIfAbsent(entry.group, group -> new ConcurrentHashMap<>()).put(entry.shard, cursor);
        });
        nextId = table.maxId() + 1;
    }

    @Override
    public int register(final CursorCallback callback)
    {
        return callbacks.register(callback);
    }

    @Override
    public Cursor find(final String group, final String shard)
    {
        final Map<String, KernelCursor> cursors = groups.get(group);
        return cursors == null ? null : cursors.get(shard);
    }

    @Override
    public Cursor open(final String group, final String shard)
    {
        final Cursor found = find(group, shard);
        if (found != null)
        {
            return found;
        }
        final int groupBytes = nameBytes("group", group);
        final int shardBytes = nameBytes("shard", shard);
        synchronized (this)
        {
            final Map<String, KernelCursor> cursors = groups.computeIfAbsent(group, name -> new ConcurrentHashMap<>());
            KernelCursor cursor = cursors.get(shard);
            if (cursor == null)
            {
                cursor = new KernelCursor(this, nextId++, group, groupBytes, shard, shardBytes, false);
                cursors.put(shard, cursor);
            }
            return cursor;
        }
    }

    private static int nameBytes(final String what, final String name)
    {
        if (name == null || name.isEmpty())
        {
            throw new IllegalArgumentException("a cursor's " + what + " name must not be empty");
        }
        final int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES)
        {
            throw new IllegalArgumentException("a cursor's " + what + " name is longer than " + MAX_NAME_BYTES +
                " bytes: " + bytes);
        }
        return bytes;
    }

    @Override
    public List<Cursor> cursors(final String group)
    {
        final Map<String, KernelCursor> cursors = groups.get(group);
        final List<Cursor> list = cursors == null ? new ArrayList<>() : new ArrayList<>(cursors.values());
        list.sort(Comparator.comparing(Cursor::shard));
        return list;
    }

    @Override
    public List<String> groups()
    {
        final List<String> names = new ArrayList<>();
        for (final Map.Entry<String, Map<String, KernelCursor>> entry : groups.entrySet())
        {
            if (!entry.getValue().isEmpty())
            {
                names.add(entry.getKey());
            }
        }
        names.sort(Comparator.naturalOrder());
        return names;
    }

    @Override
    public synchronized int delete(final String group, final String shard, final int callbackId, final long correlationId)
    {
        checkCallback(callbackId);
        if (closed)
        {
            return Cursor.CLOSED;
        }
        final Map<String, KernelCursor> cursors = groups.get(group);
        final KernelCursor cursor = cursors == null ? null : cursors.get(shard);
        int result;
        if (cursor != null && cursor.isLogged())
        {
            result = cursor.delete(callbackId, correlationId);
        }
        else
        {
            // Nothing of it is stored: a record only to tell the callback in order, if one waits.
            result = callbackId == NO_CALLBACK ? Cursor.OK : proxy.simple(callbackId, correlationId, DELETED, (byte)0, 0, 0);
            if (result == Cursor.OK && cursor != null)
            {
                result = cursor.delete(NO_CALLBACK, 0);
            }
        }
        if (result == Cursor.OK && cursor != null)
        {
            remove(cursors, group, shard);
        }
        return result;
    }

    @Override
    public synchronized int deleteGroup(final String group, final int callbackId, final long correlationId)
    {
        checkCallback(callbackId);
        if (closed)
        {
            return Cursor.CLOSED;
        }
        final Map<String, KernelCursor> cursors = groups.get(group);
        if (cursors != null)
        {
            for (final KernelCursor cursor : new ArrayList<>(cursors.values()))
            {
                final int result = cursor.delete(NO_CALLBACK, 0);
                if (result != Cursor.OK)
                {
                    return result;
                }
                remove(cursors, group, cursor.shard());
            }
        }
        return proxy.named(callbackId, correlationId, GROUP_DELETED, group, group.getBytes(StandardCharsets.UTF_8).length);
    }

    @Override
    public synchronized int deleteShard(final String shard, final int callbackId, final long correlationId)
    {
        checkCallback(callbackId);
        if (closed)
        {
            return Cursor.CLOSED;
        }
        for (final Map.Entry<String, Map<String, KernelCursor>> entry : new ArrayList<>(groups.entrySet()))
        {
            final KernelCursor cursor = entry.getValue().get(shard);
            if (cursor != null)
            {
                final int result = cursor.delete(NO_CALLBACK, 0);
                if (result != Cursor.OK)
                {
                    return result;
                }
                remove(entry.getValue(), entry.getKey(), shard);
            }
        }
        return proxy.named(callbackId, correlationId, SHARD_DELETED, shard, shard.getBytes(StandardCharsets.UTF_8).length);
    }

    private void remove(final Map<String, KernelCursor> cursors, final String group, final String shard)
    {
        cursors.remove(shard);
        if (cursors.isEmpty())
        {
            groups.remove(group, cursors);
        }
    }

    @Override
    public int maxUnacknowledged()
    {
        return ctx.maxUnacknowledged;
    }

    @Override
    public int maxMetadataBytes()
    {
        return ctx.maxMetadataBytes;
    }

    /**
     * @return the generation being written.
     */
    public long generation()
    {
        return writer.generation();
    }

    /**
     * @return checkpoints stored whole since launch (the launch's own included).
     */
    public long checkpoints()
    {
        return writer.checkpoints();
    }

    /**
     * @return records of operations appended since launch.
     */
    public long recordsAppended()
    {
        return writer.recordsAppended();
    }

    /**
     * @return cursors held.
     */
    public int size()
    {
        int size = 0;
        for (final Map<String, KernelCursor> cursors : groups.values())
        {
            size += cursors.size();
        }
        return size;
    }

    /**
     * @return a one-line summary for the admin API.
     */
    public String describe()
    {
        return size() + " cursors in generation " + generation() + ", " + checkpoints() + " checkpoints since start";
    }

    CursorLogProxy proxy()
    {
        return proxy;
    }

    void checkCallback(final int callbackId)
    {
        callbacks.check(callbackId);
    }

    boolean isClosed()
    {
        return closed;
    }

    /**
     * Refuse new operations, wait (up to the close timeout) until everything queued is stored and
     * reported, then stop the writer; callbacks still waiting are told {@link CursorCallback#CLOSED}.
     * Close it before the shards' engine.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        if (writer == null)
        {
            return;
        }
        writer.startClosing();
        wakeWriter.run();
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ctx.closeTimeoutMs);
        while (!writer.isDrained() && System.nanoTime() < deadline)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (!writer.isDrained())
        {
            LOG.warn("cursor store: closing with records not yet stored after {} ms", ctx.closeTimeoutMs);
        }
        if (ctx.idleStrategy instanceof WakeableIdleStrategy wakeable)
        {
            // So that the runner stops it without waiting out a park or interrupting it.
            wakeable.stopParking();
        }
        runner.close();
        preparer.shutdown();
        try
        {
            if (!preparer.awaitTermination(ctx.closeTimeoutMs, TimeUnit.MILLISECONDS))
            {
                LOG.warn("cursor store: the preparer did not finish within {} ms", ctx.closeTimeoutMs);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
