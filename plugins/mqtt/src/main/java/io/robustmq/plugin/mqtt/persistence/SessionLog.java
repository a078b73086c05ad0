package io.robustmq.plugin.mqtt.persistence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.Shards;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The node's persistent MQTT state as a log of {@link LogRecord}s in shards of the Storage Adapter:
 * the sessions that outlive their connections, their subscriptions, the QoS 1 and 2 messages they
 * are owed and where each stands, and the retained messages. The broker keeps all of it in memory
 * and serves from there; the log is read only when the node starts, to rebuild it.
 * <p>
 * <b>Writing.</b> Records are queued by the broker's threads (with a session's lock held, for that
 * session's records, so the log has them in the order the session changed) and written by one
 * thread, {@code robustmq-mqtt-session-log}, which puts every record queued meanwhile into one batch.
 * Whoever needs to know a record is stored (a PUBACK waits for its message) passes a
 * {@link Completion}, told once the shard has stored the batch as its durability promises; a shard
 * stores batches in order, so everything queued before is stored too.
 * <p>
 * <b>Checkpoints.</b> The log lives in generations, one shard each: the plugin's private shards
 * {@code $mqtt-sessions-<n>} (a node written by a version without private shards had them under the
 * same names, and {@link #open} adopts them). A
 * checkpoint opens the next generation, switches the writer to it, and appends the whole current
 * state there (each session's, under its lock) while the broker goes on; records of changes made
 * meanwhile land in the new generation too. Because each record states a key's value outright,
 * replaying such a record over a checkpoint that already holds it changes nothing. Once the
 * checkpoint's last record ({@link LogRecord.CheckpointEnd}) and the old generation's last
 * ({@link LogRecord.Sealed}) are stored, the old generation is deleted. A node that stops between
 * the two replays both, oldest first.
 * <p>
 * One race needs more than a lock: a message is logged before it is offered to its sessions, not
 * under their locks. A publish therefore runs inside {@link #enter()}/{@link #exit}, and a checkpoint
 * waits for the publishes that may have logged to the old generation to finish offering before it
 * reads any session.
 */
public final class SessionLog implements AutoCloseable
{
    /**
     * Private shard names: this, then the generation. Their storage settings can be overridden with
     * {@code [storage.private."mqtt/$mqtt-sessions-*"]}.
     */
    public static final String SHARD_PREFIX = "$mqtt-sessions-";

    private static final Logger LOG = LoggerFactory.getLogger(SessionLog.class);
    private static final int MAX_RECORDS_PER_BATCH = 4096;
    private static final long BACK_PRESSURE_PARK_NS = TimeUnit.MICROSECONDS.toNanos(100);
    private static final long WAIT_MS = 30_000;

    /**
     * Told when a record is stored, or that it will not be.
     * <p>
     * Threading: called on a storage engine's thread or the log's own: hand the work to the
     * caller's thread and return.
     */
    public interface Completion
    {
        /** The record, and every record queued before it, is stored. */
        void stored();

        /**
         * @param why why the record could not be stored.
         */
        void failed(String why);
    }

    /**
     * Where a checkpoint reads the whole current state.
     */
    public interface StateSource
    {
        /**
         * Hand {@code sink} a {@link LogRecord.SessionOpened} for every logged session, each with
         * its lock held: the first thing a new generation says of each.
         *
         * @param sink takes the records.
         */
        void announce(Consumer<LogRecord> sink);

        /**
         * Hand every record that states the current state to {@code sink}: each session's with
         * that session's lock held, each retained message's with its topic's.
         *
         * @param sink takes the records.
         */
        void capture(Consumer<LogRecord> sink);
    }

    /**
     * A set of publishes that may have logged to the same generation.
     */
    public static final class Epoch
    {
        private final LongAdder entered = new LongAdder();
        private final LongAdder exited = new LongAdder();

        boolean quiet()
        {
            final long out = exited.sum();
            return out == entered.sum();
        }
    }

    /**
     * @param record     the record.
     * @param completion told when it is stored, or null.
     * @param switchTo   the next generation's shard, for the old generation's last record; else null.
     * @param counted    whether its bytes count towards the next checkpoint (a checkpoint's own do not).
     */
    private record Entry(LogRecord record, Completion completion, Shard switchTo, boolean counted)
    {
    }

    /**
     * The completions of one append, and what must be stored before them: the previous
     * generation's last batch, while the new generation's first appends are in flight (the two
     * shards may be written by different journal threads).
     */
    private record Awaiting(List<Completion> completions, CompletableFuture<Void> after)
    {
    }

    private final Shards shards;
    private final LinkedBlockingQueue<Entry> queue = new LinkedBlockingQueue<>();
    private final Map<Long, Awaiting> awaiting = new ConcurrentHashMap<>();
    private final AtomicLong bytesSinceCheckpoint = new AtomicLong();
    private final Thread writerThread;
    private final int callbackId;
    private volatile Epoch epoch = new Epoch();
    private volatile boolean running = true;
    private volatile long generation;
    private volatile long lastCheckpointMillis = System.currentTimeMillis();
    private Shard current;
    private long nextCorrelation;
    /** The writer's: the previous generation's last batch, stored or not yet. */
    private CompletableFuture<Void> previousSealed = CompletableFuture.completedFuture(null);

    private SessionLog(final Shards shards, final long generation)
    {
        this.shards = shards;
        this.generation = generation;
        this.current = shards.openPrivate(SHARD_PREFIX + generation);
        this.callbackId = shards.register(new AppendCallback()
        {
            @Override
            public void onAppended(final long correlationId, final long baseOffset)
            {
                final Awaiting done = awaiting.remove(correlationId);
                if (done == null)
                {
                    return;
                }
                if (done.after().isDone())
                {
                    stored(done.completions());
                }
                else
                {
                    done.after().whenComplete((ignored, failure) -> stored(done.completions()));
                }
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                final Awaiting failed = awaiting.remove(correlationId);
                fail(failed == null ? null : failed.completions(),
                    "the session log's shard could not store it (reason " + reason + ")");
            }
        });
        this.writerThread = new Thread(this::write, "robustmq-mqtt-session-log");
        writerThread.setDaemon(true);
    }

    /**
     * Read every generation of the log, oldest first, then start writing to the newest. Generations
     * an earlier version wrote, before shards were private, are adopted first.
     *
     * @param shards the plugin's shards.
     * @param replay told every record, in order, on the calling thread.
     * @return the log, writing.
     * @throws IllegalStateException if a generation cannot be read.
     */
    public static SessionLog open(final Shards shards, final Consumer<LogRecord> replay)
    {
        final List<String> adopted = shards.adoptLegacy(SHARD_PREFIX);
        if (!adopted.isEmpty())
        {
            LOG.info("MQTT session log: adopted {}, written by an earlier version", adopted);
        }
        final TreeMap<Long, String> generations = new TreeMap<>();
        for (final String name : shards.listPrivate())
        {
            if (name.startsWith(SHARD_PREFIX))
            {
                try
                {
                    generations.put(Long.parseLong(name.substring(SHARD_PREFIX.length())), name);
                }
                catch (final NumberFormatException ex)
                {
                    LOG.warn("ignoring shard {}: not a session log generation", name);
                }
            }
        }
        long records = 0;
        for (final String name : generations.values())
        {
            records += replay(shards.findPrivate(name).orElseThrow(), replay);
        }
        if (!generations.isEmpty())
        {
            LOG.info("MQTT session log: {} records replayed from {}", records, generations.values());
        }
        final SessionLog log = new SessionLog(shards, generations.isEmpty() ? 1 : generations.lastKey());
        log.bytesSinceCheckpoint.set(records == 0 ? 0 : 1);
        log.writerThread.start();
        return log;
    }

    private static long replay(final Shard shard, final Consumer<LogRecord> replay)
    {
        final ShardView view = shard.newView();
        long offset = shard.earliestOffset();
        long records = 0;
        while (offset < shard.nextOffset())
        {
            final int read = shard.read(offset, 1 << 20, 4096, view);
            if (read < 0)
            {
                throw new IllegalStateException("the MQTT session log " + shard.name() + " cannot be read at offset " +
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
                    final ByteBuf payload = view.payload().duplicate();
                    while (payload.isReadable())
                    {
                        replay.accept(LogCodec.decode(payload));
                        records++;
                    }
                }
                offset = view.nextOffset();
            }
            finally
            {
                view.release();
            }
        }
        return records;
    }

    /**
     * Queue a record; nobody waits for it.
     *
     * @param record the record.
     */
    public void append(final LogRecord record)
    {
        queue.add(new Entry(record, null, null, true));
    }

    /**
     * Queue a record, and be told when it is stored.
     *
     * @param record     the record.
     * @param completion told when it is stored, or not; may be null.
     */
    public void append(final LogRecord record, final Completion completion)
    {
        if (!running)
        {
            if (completion != null)
            {
                completion.failed("the node is stopping");
            }
            return;
        }
        queue.add(new Entry(record, completion, null, true));
    }

    /**
     * A publish begins: it may log its message and then offer it to sessions.
     *
     * @return what to hand to {@link #exit(Epoch)}.
     */
    public Epoch enter()
    {
        final Epoch mine = epoch;
        mine.entered.increment();
        return mine;
    }

    /**
     * @param mine what {@link #enter()} returned.
     */
    public void exit(final Epoch mine)
    {
        mine.exited.increment();
    }

    /**
     * @return bytes logged since the last checkpoint (the checkpoint's own not counted).
     */
    public long bytesSinceCheckpoint()
    {
        return bytesSinceCheckpoint.get();
    }

    /**
     * @return when the last checkpoint completed (or the log was opened), epoch ms.
     */
    public long lastCheckpointMillis()
    {
        return lastCheckpointMillis;
    }

    /**
     * @return the generation being written.
     */
    public long generation()
    {
        return generation;
    }

    /**
     * Write a checkpoint into a new generation and delete the older ones. Blocks until done: call it
     * on a thread of its own.
     *
     * @param source the current state.
     * @throws Exception if a step does not complete; the older generations are then kept, and
     *                   replayed before the new one when the node starts, until a checkpoint
     *                   completes.
     */
    public synchronized void checkpoint(final StateSource source) throws Exception
    {
        final long next = generation + 1;
        final Shard nextShard = shards.openPrivate(SHARD_PREFIX + next);
        final CompletableFuture<Void> sealed = new CompletableFuture<>();
        queue.add(new Entry(new LogRecord.Sealed(), future(sealed), nextShard, false));
        generation = next;
        bytesSinceCheckpoint.set(0);
        // Every session's first record in the new generation comes before any message a publish of
        // the new epoch stores for it there: replaying that generation alone knows the session.
        source.announce(this::appendUncounted);
        final Epoch previous = epoch;
        epoch = new Epoch();
        while (!previous.quiet())
        {
            LockSupport.parkNanos(10_000);
        }
        source.capture(this::appendUncounted);
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        queue.add(new Entry(new LogRecord.CheckpointEnd(), future(ended), null, false));
        sealed.get(WAIT_MS, TimeUnit.MILLISECONDS);
        ended.get(WAIT_MS, TimeUnit.MILLISECONDS);
        for (final String name : shards.listPrivate())
        {
            if (name.startsWith(SHARD_PREFIX) && !name.equals(SHARD_PREFIX + next))
            {
                shards.deletePrivate(name);
            }
        }
        lastCheckpointMillis = System.currentTimeMillis();
        LOG.debug("MQTT session log: checkpoint written to generation {}", next);
    }

    private void appendUncounted(final LogRecord record)
    {
        queue.add(new Entry(record, null, null, false));
    }

    private static Completion future(final CompletableFuture<Void> future)
    {
        return new Completion()
        {
            @Override
            public void stored()
            {
                future.complete(null);
            }

            @Override
            public void failed(final String why)
            {
                future.completeExceptionally(new IllegalStateException(why));
            }
        };
    }

    /**
     * Write what is queued, then stop.
     */
    @Override
    public void close()
    {
        running = false;
        writerThread.interrupt();
        try
        {
            writerThread.join(WAIT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        final long deadline = System.currentTimeMillis() + 5_000;
        while (!awaiting.isEmpty() && System.currentTimeMillis() < deadline)
        {
            LockSupport.parkNanos(1_000_000);
        }
    }

    // ------------------------------------------------------------------ the writer thread

    private void write()
    {
        final List<Entry> batch = new ArrayList<>();
        while (running || !queue.isEmpty())
        {
            try
            {
                final Entry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null)
                {
                    continue;
                }
                batch.add(first);
            }
            catch (final InterruptedException ex)
            {
                if (running)
                {
                    continue;
                }
                Thread.interrupted();
            }
            queue.drainTo(batch, MAX_RECORDS_PER_BATCH);
            new BatchWriter(batch).write();
            batch.clear();
        }
    }

    /**
     * Encodes entries into batches no larger than the shard takes and submits them; a failure
     * fails the completions of every entry not submitted, so that nobody waits for ever.
     */
    private final class BatchWriter
    {
        private final List<Entry> entries;
        private ByteBuf buffer;
        private List<Completion> completions = new ArrayList<>();
        private int records;
        private long countedBytes;
        private int firstUnsubmitted;

        BatchWriter(final List<Entry> entries)
        {
            this.entries = entries;
        }

        void write()
        {
            buffer = ByteBufAllocator.DEFAULT.buffer(4096);
            try
            {
                for (int i = 0; i < entries.size(); i++)
                {
                    add(i);
                }
                submitPending(entries.size());
            }
            catch (final RuntimeException ex)
            {
                LOG.error("MQTT session log: records could not be written", ex);
                for (int i = firstUnsubmitted; i < entries.size(); i++)
                {
                    final Entry entry = entries.get(i);
                    fail(java.util.Collections.singletonList(entry.completion()), "the session log failed: " + ex);
                    if (entry.switchTo() != null)
                    {
                        current = entry.switchTo();
                        previousSealed = CompletableFuture.completedFuture(null);
                    }
                }
            }
            finally
            {
                buffer.release();
            }
        }

        private void add(final int index)
        {
            final Entry entry = entries.get(index);
            final int before = buffer.writerIndex();
            LogCodec.encode(entry.record(), buffer);
            if (buffer.readableBytes() > current.maxBatchBytes())
            {
                final ByteBuf record = buffer.copy(before, buffer.writerIndex() - before);
                try
                {
                    buffer.writerIndex(before);
                    submitPending(index);
                    if (record.readableBytes() > current.maxBatchBytes())
                    {
                        LOG.error("MQTT session log: a {} record of {} bytes is larger than a batch may be ({})",
                            entry.record().getClass().getSimpleName(), record.readableBytes(), current.maxBatchBytes());
                        fail(java.util.Collections.singletonList(entry.completion()),
                            "larger than the session log's largest batch");
                        firstUnsubmitted = index + 1;
                        return;
                    }
                    buffer.writeBytes(record);
                }
                finally
                {
                    record.release();
                }
            }
            records++;
            if (entry.counted())
            {
                countedBytes += buffer.writerIndex() - before;
            }
            if (entry.completion() != null)
            {
                completions.add(entry.completion());
            }
            if (entry.switchTo() != null)
            {
                final CompletableFuture<Void> sealed = new CompletableFuture<>();
                completions.add(future(sealed));
                submitPending(index + 1);
                current = entry.switchTo();
                previousSealed = sealed;
            }
        }

        /**
         * Submit what the buffer holds: the entries before {@code end}.
         */
        private void submitPending(final int end)
        {
            if (records > 0)
            {
                submit(buffer, records, completions, countedBytes);
            }
            buffer.clear();
            completions = new ArrayList<>();
            records = 0;
            countedBytes = 0;
            firstUnsubmitted = end;
        }
    }

    private void submit(final ByteBuf batch, final int records, final List<Completion> completions,
        final long countedBytes)
    {
        final long correlation = ++nextCorrelation;
        if (!completions.isEmpty())
        {
            awaiting.put(correlation, new Awaiting(completions, previousSealed));
        }
        // Counted before the append: its completions may run (and a checkpoint start) before it returns.
        bytesSinceCheckpoint.addAndGet(countedBytes);
        int result;
        while ((result = current.append(batch, records, System.currentTimeMillis(), BatchFormat.RAW, callbackId,
            correlation)) == Shard.BACK_PRESSURED)
        {
            LockSupport.parkNanos(BACK_PRESSURE_PARK_NS);
        }
        if (result != Shard.SUBMITTED)
        {
            bytesSinceCheckpoint.addAndGet(-countedBytes);
            final Awaiting refused = awaiting.remove(correlation);
            fail(refused == null ? null : refused.completions(), "the session log's shard refused it (" + result + ")");
        }
    }

    private static void stored(final List<Completion> completions)
    {
        for (final Completion completion : completions)
        {
            try
            {
                completion.stored();
            }
            catch (final RuntimeException ex)
            {
                // E.g. the event loop it hands over to is shut down: the others are still told.
                LOG.debug("MQTT session log: a completion failed", ex);
            }
        }
    }

    private static void fail(final List<Completion> completions, final String why)
    {
        if (completions == null)
        {
            return;
        }
        for (final Completion completion : completions)
        {
            if (completion != null)
            {
                try
                {
                    completion.failed(why);
                }
                catch (final RuntimeException ex)
                {
                    LOG.debug("MQTT session log: a completion failed", ex);
                }
            }
        }
    }
}
