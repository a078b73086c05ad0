package io.robustmq.journal.engine;

import io.robustmq.journal.Durability;
import io.robustmq.journal.IntervalForcer;
import io.robustmq.journal.ShardLog;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

/**
 * The single writer of a set of shards. Each duty cycle it takes up to {@link #CYCLE_LIMIT} append
 * requests from its ring buffer and appends them to their shards; then, for the shards whose
 * durability is {@link Durability#ALWAYS}, it forces each shard once (every segment the shard
 * wrote in the cycle, see {@link ShardLog#force}) and only then completes their appends: every
 * append waiting for the same force shares it (group commit, smart batching: the longer a force
 * takes, the more appends the next one carries). Appends to other shards complete as soon as they
 * are written, and the shards whose durability is {@link Durability#INTERVAL} are forced on the
 * journal's {@link IntervalForcer} once their interval has passed, while this writer goes on. Then
 * it wakes the tail listeners of every shard that grew, once each, with the shard's durable offset.
 * <p>
 * An I/O error fails the shard it happened on, not the writer: that shard's appends of the cycle
 * fail with {@link AppendCompletion#IO_ERROR}, as do all its later ones, and its durable offset
 * stops; other shards go on.
 */
final class JournalWriter implements Agent, MessageHandler
{
    static final int CYCLE_LIMIT = 4096;
    private static final long INTERVAL_CHECK_MS = 5;
    private static final long RETENTION_CHECK_MS = 1000;

    private final String roleName;
    private final ManyToOneRingBuffer ring;
    private final Supplier<AppendCompletion[]> completions;
    private final EpochClock clock;
    private final ErrorHandler errorHandler;
    private final IntervalForcer forcer;
    private final Queue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final ThreadLocal<RingChecksum> payloadChecksums;
    private final Runnable wake;

    private JournalShard[] shardsById = new JournalShard[16];
    private final JournalShard[] dirty = new JournalShard[CYCLE_LIMIT];
    private int dirtyCount;

    private final long[] pendingCorrelation = new long[CYCLE_LIMIT];
    private final long[] pendingBaseOffset = new long[CYCLE_LIMIT];
    private final int[] pendingCompletion = new int[CYCLE_LIMIT];
    private final JournalShard[] pendingShard = new JournalShard[CYCLE_LIMIT];
    private int pendingCount;
    /** Appends the last force completed, and how long it took: {@link #gather} waits for as many. */
    private int lastGroup;
    private long lastForceNanos;

    /** The completion table as of this cycle; refreshed when a message names a newer completion. */
    private AppendCompletion[] cycleCompletions;
    private long nextIntervalCheckMs;
    private long cycleTimeMs;
    private long nextRetentionCheckMs;

    private volatile long appends;
    private volatile long forces;

    JournalWriter(
        final String roleName,
        final ManyToOneRingBuffer ring,
        final Supplier<AppendCompletion[]> completions,
        final EpochClock clock,
        final ErrorHandler errorHandler,
        final IntervalForcer forcer,
        final Runnable wake)
    {
        this.forcer = forcer;
        this.wake = wake;
        this.roleName = roleName;
        this.ring = ring;
        this.payloadChecksums = ThreadLocal.withInitial(() -> new RingChecksum(ring.buffer().byteBuffer()));
        this.completions = completions;
        this.clock = clock;
        this.errorHandler = errorHandler;
    }

    ManyToOneRingBuffer ring()
    {
        return ring;
    }

    /**
     * @return per producer thread, what computes payload CRCs in this writer's ring.
     */
    ThreadLocal<RingChecksum> payloadChecksums()
    {
        return payloadChecksums;
    }

    /**
     * Run a command on the writer's thread, between duty cycles.
     */
    void execute(final Runnable command)
    {
        commands.add(command);
        wake.run();
    }

    /**
     * Tell the writer its ring has work, after a request was committed to it: wakes it if its
     * idle strategy parks it until told ({@link WakeableIdleStrategy}), else does nothing.
     */
    void wake()
    {
        wake.run();
    }

    /**
     * @return batches appended so far.
     */
    long appends()
    {
        return appends;
    }

    /**
     * @return forces (fsyncs) done so far for {@link Durability#ALWAYS} shards.
     */
    long forces()
    {
        return forces;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public int doWork()
    {
        int work = runCommands();
        cycleCompletions = completions.get();
        cycleTimeMs = clock.time();
        int read = ring.read(this, CYCLE_LIMIT);
        if (pendingCount > 0 && pendingCount < lastGroup)
        {
            read += gather(CYCLE_LIMIT - read);
        }
        work += read;
        if (dirtyCount > 0)
        {
            forceAndComplete();
            notifyTails();
        }
        return work + maintain();
    }

    private int runCommands()
    {
        int count = 0;
        Runnable command;
        while ((command = commands.poll()) != null)
        {
            try
            {
                command.run();
            }
            catch (final RuntimeException ex)
            {
                // One command's failure (reported) must not drop the commands behind it.
                errorHandler.onError(ex);
            }
            count++;
        }
        return count;
    }

    @Override
    public void onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int shardId = buffer.getInt(index + AppendDescriptor.SHARD_ID_OFFSET);
        final long correlationId = buffer.getLong(index + AppendDescriptor.CORRELATION_ID_OFFSET);
        final int completionId = buffer.getInt(index + AppendDescriptor.COMPLETION_ID_OFFSET);
        if (completionId >= cycleCompletions.length)
        {
            cycleCompletions = completions.get();
        }
        final AppendCompletion completion = cycleCompletions[completionId];
        final JournalShard shard = shardId < shardsById.length ? shardsById[shardId] : null;
        if (shard == null || shard.isClosed())
        {
            completion.onFailed(correlationId, AppendCompletion.SHARD_CLOSED);
            return;
        }

        final ShardLog log = shard.log();
        if (log.isFailed())
        {
            completion.onFailed(correlationId, AppendCompletion.IO_ERROR);
            return;
        }
        final long baseOffset;
        try
        {
            final int format = buffer.getInt(index + AppendDescriptor.FORMAT_OFFSET);
            baseOffset = log.append(buffer, index + AppendDescriptor.HEADER_LENGTH, length - AppendDescriptor.HEADER_LENGTH,
                buffer.getInt(index + AppendDescriptor.RECORD_COUNT_OFFSET),
                buffer.getLong(index + AppendDescriptor.MAX_TIMESTAMP_OFFSET),
                format,
                buffer.getInt(index + AppendDescriptor.STAMPED_LENGTH_OFFSET),
                buffer.getInt(index + AppendDescriptor.PAYLOAD_CRC_OFFSET) & 0xFFFF_FFFFL,
                shard.stamper(format),
                cycleTimeMs);
        }
        catch (final RuntimeException ex)
        {
            log.fail(ex);
            errorHandler.onError(ex);
            completion.onFailed(correlationId, AppendCompletion.IO_ERROR);
            return;
        }
        if (baseOffset == ShardLog.TOO_LARGE)
        {
            completion.onFailed(correlationId, AppendCompletion.TOO_LARGE);
            return;
        }
        if (baseOffset == ShardLog.REFUSED)
        {
            completion.onFailed(correlationId, Math.max(AppendCompletion.FIRST_REFUSAL, log.lastRefusal()));
            return;
        }
        appends++;
        if (!shard.dirty)
        {
            shard.dirty = true;
            dirty[dirtyCount++] = shard;
        }
        if (log.config().durability() == Durability.ALWAYS)
        {
            final int i = pendingCount++;
            pendingCorrelation[i] = correlationId;
            pendingBaseOffset[i] = baseOffset;
            pendingCompletion[i] = completionId;
            pendingShard[i] = shard;
        }
        else
        {
            completion.onAppended(correlationId, baseOffset);
        }
    }

    /**
     * Wait a little for the rest of the last group: the producers the last force completed are
     * likely to submit again at once (a client's next message after its acknowledgement), and one
     * force for all of them costs far less than one for each part. Once one of them is back, waits
     * while fewer appends are waiting than the last force completed, for at most half as long as
     * that force took.
     *
     * @param limit the most messages to read.
     * @return messages read.
     */
    private int gather(final int limit)
    {
        final long deadline = System.nanoTime() + lastForceNanos / 2;
        int read = 0;
        while (pendingCount < lastGroup && read < limit && System.nanoTime() < deadline)
        {
            final int more = ring.read(this, limit - read);
            if (more == 0)
            {
                Thread.yield();
            }
            read += more;
        }
        return read;
    }

    private void forceAndComplete()
    {
        if (pendingCount == 0)
        {
            return;
        }
        final long forceStart = System.nanoTime();
        for (int i = 0; i < dirtyCount; i++)
        {
            final ShardLog log = dirty[i].log();
            if (log.config().durability() == Durability.ALWAYS && !log.isFailed())
            {
                try
                {
                    if (log.force())
                    {
                        forces++;
                    }
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(ex);
                }
            }
        }
        lastForceNanos = System.nanoTime() - forceStart;
        lastGroup = pendingCount;
        final AppendCompletion[] table = cycleCompletions;
        for (int i = 0; i < pendingCount; i++)
        {
            final JournalShard shard = pendingShard[i];
            pendingShard[i] = null;
            if (shard.log().isFailed())
            {
                table[pendingCompletion[i]].onFailed(pendingCorrelation[i], AppendCompletion.IO_ERROR);
            }
            else
            {
                table[pendingCompletion[i]].onAppended(pendingCorrelation[i], pendingBaseOffset[i]);
            }
        }
        pendingCount = 0;
    }

    private void notifyTails()
    {
        for (int i = 0; i < dirtyCount; i++)
        {
            final JournalShard shard = dirty[i];
            dirty[i] = null;
            shard.dirty = false;
            try
            {
                shard.notifyTail();
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
        dirtyCount = 0;
    }

    private int maintain()
    {
        final long now = clock.time();
        int work = 0;
        if (now >= nextIntervalCheckMs)
        {
            nextIntervalCheckMs = now + INTERVAL_CHECK_MS;
            for (final JournalShard shard : shardsById)
            {
                try
                {
                    if (shard != null && !shard.log().isFailed() && shard.log().forceIfDue(now, forcer))
                    {
                        work++;
                    }
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(ex);
                }
            }
        }
        if (now >= nextRetentionCheckMs)
        {
            nextRetentionCheckMs = now + RETENTION_CHECK_MS;
            for (final JournalShard shard : shardsById)
            {
                if (shard != null)
                {
                    work += shard.log().enforceRetention(now);
                }
            }
        }
        return work;
    }

    /**
     * Writer thread only: start serving a shard.
     */
    void add(final JournalShard shard)
    {
        if (shard.id() >= shardsById.length)
        {
            shardsById = Arrays.copyOf(shardsById, Math.max(shardsById.length * 2, shard.id() + 1));
        }
        shardsById[shard.id()] = shard;
    }

    /**
     * Writer thread only: stop serving a shard and close its log, forcing what it holds.
     */
    void remove(final JournalShard shard)
    {
        shard.markClosed();
        shardsById[shard.id()] = null;
        shard.log().close();
    }

    /**
     * On the writer's thread as it stops: drain what was submitted, then close every shard.
     */
    @Override
    public void onClose()
    {
        runCommands();
        cycleCompletions = completions.get();
        while (ring.read(this, CYCLE_LIMIT) > 0)
        {
            forceAndComplete();
            notifyTails();
        }
        forceAndComplete();
        notifyTails();
        for (final JournalShard shard : shardsById)
        {
            if (shard != null)
            {
                remove(shard);
            }
        }
    }
}
