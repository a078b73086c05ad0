package io.robustmq.kernel.cursor;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.robustmq.plugin.api.cursor.CursorCallback;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.Shard;
import org.agrona.ErrorHandler;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ControlledMessageHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;

import java.nio.ByteOrder;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static io.robustmq.kernel.cursor.CursorDescriptor.QUEUE_CALLBACK_ID_OFFSET;
import static io.robustmq.kernel.cursor.CursorDescriptor.QUEUE_CORRELATION_ID_OFFSET;
import static io.robustmq.kernel.cursor.CursorDescriptor.QUEUE_HEADER_LENGTH;

/**
 * The cursor store's single writer ({@code robustmq-cursor-writer}): takes the records queued by
 * operations, applies each to its {@link CursorTable}, packs every record queued meanwhile into one
 * batch and appends it to the current generation's shard (one append per duty cycle under load, not
 * one per operation), and tells the callbacks once the engine has stored their batch.
 * <p>
 * <b>Checkpoints.</b> When {@code checkpointBytes} of records have been appended since the last
 * checkpoint (or {@code checkpointIntervalMs} has passed with anything appended, or a batch failed),
 * the writer, between two batches, opens the next generation's shard and writes its table there
 * (see {@link CursorTable#writeCheckpoint}); every later record goes there too. Since the table is
 * exactly the state the records before the switch produce, the new generation alone reproduces
 * everything. Once the batch holding CHECKPOINT_END, and so every batch before it, is stored, and
 * then {@code retireDelayMs} (the engine's force interval for {@code interval} durability, so that
 * the checkpoint has been forced too), the older generations are deleted. Creating a shard (files
 * allocated, forced, pre-touched) and deleting one take milliseconds: both are done on another
 * thread ({@code robustmq-cursor-preparer}), the next generation's shard ahead of its checkpoint.
 * <p>
 * Threading: {@link #checkpoint} once on the launching thread before the agent runs, then everything
 * on the agent's thread; {@link #close()}'s flags are read across.
 */
final class CursorWriterAgent implements Agent, ControlledMessageHandler, CursorTable.RecordSink
{
    static final String ROLE_NAME = "robustmq-cursor-writer";
    /** The thread that creates the next generation's shard and deletes old ones, off the writer. */
    static final String PREPARER_NAME = "robustmq-cursor-preparer";
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
    private static final int READ_LIMIT = 4096;
    /** Batches per duty cycle at most, so that the clock is read again and old generations retired. */
    private static final int MAX_BATCHES_PER_CYCLE = 64;
    private static final long WAIT_NS = TimeUnit.MICROSECONDS.toNanos(50);

    private final ManyToOneRingBuffer ring;
    private final CursorGenerations generations;
    private final CursorTable table;
    private final CursorLogAdapter adapter;
    private final BatchCompletions completions;
    private final int appendCallbackId;
    private final EpochClock clock;
    private final ErrorHandler errorHandler;
    private final Executor preparer;
    private final long checkpointBytes;
    private final long checkpointIntervalMs;
    private final long retireDelayMs;
    private final int batchCapacity;
    private final ByteBuf batch;
    private final UnsafeBuffer batchBuffer;
    private int batchLength;
    private int batchRecords;
    private int batchOperations;
    private Shard current;
    private volatile long generation;
    private long bytesSinceCheckpoint;
    private long lastCheckpointMs;
    private boolean checkpointWanted;
    private long checkpointEndBatch;
    private long checkpointGeneration;
    private long failuresBeforeCheckpoint;
    private long retireAtMs = -1;
    private volatile Shard prepared;
    private volatile long preparedGeneration = -1;
    private long retireBelow;
    private volatile long checkpoints;
    private volatile long recordsAppended;
    private volatile boolean closing;
    private volatile boolean drained;

    /**
     * @param batchCapacity the largest batch, no larger than the shards take.
     */
    CursorWriterAgent(
        final ManyToOneRingBuffer ring,
        final CursorGenerations generations,
        final CursorTable table,
        final BatchCompletions completions,
        final int appendCallbackId,
        final EpochClock clock,
        final ErrorHandler errorHandler,
        final Executor preparer,
        final long checkpointBytes,
        final long checkpointIntervalMs,
        final long retireDelayMs,
        final int batchCapacity,
        final long lastGeneration)
    {
        this.ring = ring;
        this.generations = generations;
        this.table = table;
        this.adapter = new CursorLogAdapter(table);
        this.completions = completions;
        this.appendCallbackId = appendCallbackId;
        this.clock = clock;
        this.errorHandler = errorHandler;
        this.preparer = preparer;
        this.checkpointBytes = checkpointBytes;
        this.checkpointIntervalMs = checkpointIntervalMs;
        this.retireDelayMs = retireDelayMs;
        this.batchCapacity = batchCapacity;
        this.batch = Unpooled.directBuffer(batchCapacity, batchCapacity);
        this.batchBuffer = new UnsafeBuffer(batch.nioBuffer(0, batchCapacity));
        this.generation = lastGeneration;
    }

    @Override
    public String roleName()
    {
        return ROLE_NAME;
    }

    @Override
    public int doWork()
    {
        final long now = clock.time();
        int work = pollCompletions(now);
        if (retireAtMs >= 0 && now >= retireAtMs)
        {
            retireAtMs = -1;
            final long below = retireBelow;
            onPreparer(() -> generations.deleteOlderThan(below));
            work++;
        }
        if (batchLength > 0 && !submit())
        {
            return work;
        }
        int read;
        int batches = 0;
        do
        {
            if (!closing && checkpointDue(now))
            {
                checkpoint(now);
                work++;
            }
            read = ring.controlledRead(this, READ_LIMIT);
            work += read;
            if (batchLength > 0 && !submit())
            {
                break;
            }
            // Under a steady stream the queue never empties: tell callbacks, and see whether the last
            // checkpoint is stored, between batches, not only once the stream pauses.
            work += pollCompletions(now);
        }
        while (read > 0 && ++batches < MAX_BATCHES_PER_CYCLE && completions.inFlight() < BatchCompletions.MAX_IN_FLIGHT);
        if (closing && batchLength == 0 && ring.size() == 0 && completions.inFlight() == 0)
        {
            drained = true;
        }
        return work;
    }

    @Override
    public Action onMessage(final int msgTypeId, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final int recordLength = length - QUEUE_HEADER_LENGTH;
        if (batchLength + recordLength > batchCapacity)
        {
            return Action.ABORT;
        }
        batchBuffer.putBytes(batchLength, buffer, index + QUEUE_HEADER_LENGTH, recordLength);
        try
        {
            adapter.onRecord(batchBuffer, batchLength, recordLength);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
        final int callbackId = buffer.getInt(index + QUEUE_CALLBACK_ID_OFFSET, ORDER);
        if (callbackId >= 0)
        {
            completions.await(callbackId, buffer.getLong(index + QUEUE_CORRELATION_ID_OFFSET, ORDER));
        }
        batchLength += recordLength;
        batchRecords++;
        batchOperations++;
        bytesSinceCheckpoint += recordLength;
        return Action.CONTINUE;
    }

    @Override
    public void onClose()
    {
        completions.failAll(CursorCallback.CLOSED);
        batch.release();
    }

    /**
     * Write a checkpoint into a new generation: the state of every cursor as of the records taken so
     * far. Blocks (parking) while the engine back-pressures.
     */
    void checkpoint(final long now)
    {
        submitBlocking();
        failuresBeforeCheckpoint = completions.failedBatches();
        final long next = generation + 1;
        current = preparedGeneration == next ? prepared : generations.open(next);
        generation = next;
        table.writeCheckpoint(next, this, batchCapacity);
        submitBlocking();
        prepare(next + 1);
        checkpointEndBatch = completions.nextBatch() - 1;
        checkpointGeneration = next;
        checkpointWanted = false;
        bytesSinceCheckpoint = 0;
        lastCheckpointMs = now;
    }

    /**
     * Create the next generation's shard on the preparer's thread (files created, forced and
     * pre-touched), so that the next checkpoint does not wait for it. An empty generation newer than
     * the current one is what recovery already ignores.
     */
    private void prepare(final long nextGeneration)
    {
        onPreparer(() ->
        {
            prepared = generations.open(nextGeneration);
            preparedGeneration = nextGeneration;
        });
    }

    private void onPreparer(final Runnable task)
    {
        try
        {
            preparer.execute(() ->
            {
                try
                {
                    task.run();
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(ex);
                }
            });
        }
        catch (final RejectedExecutionException ex)
        {
            // Closing: a checkpoint opens its shard itself, and the next launch deletes what is left.
        }
    }

    @Override
    public int reserve(final int length)
    {
        if (batchLength + length > batchCapacity)
        {
            submitBlocking();
        }
        final int index = batchLength;
        batchLength += length;
        batchRecords++;
        return index;
    }

    @Override
    public MutableDirectBuffer buffer()
    {
        return batchBuffer;
    }

    /**
     * @return the generation written to.
     */
    long generation()
    {
        return generation;
    }

    /**
     * @return checkpoints completed (stored whole) since launch.
     */
    long checkpoints()
    {
        return checkpoints;
    }

    /**
     * @return records of operations appended since launch.
     */
    long recordsAppended()
    {
        return recordsAppended;
    }

    /**
     * Stop taking part in checkpoints and report {@link #isDrained()} once everything queued is stored.
     */
    void startClosing()
    {
        closing = true;
    }

    boolean isDrained()
    {
        return drained;
    }

    private boolean checkpointDue(final long now)
    {
        if (checkpointEndBatch != 0)
        {
            return false;
        }
        return checkpointWanted || bytesSinceCheckpoint >= checkpointBytes ||
            (checkpointIntervalMs > 0 && bytesSinceCheckpoint > 0 && now - lastCheckpointMs >= checkpointIntervalMs);
    }

    private int pollCompletions(final long now)
    {
        final int polled = completions.poll();
        if (polled < 0)
        {
            // A batch was lost: its records are in the table, so a checkpoint stores them again.
            checkpointWanted = true;
        }
        if (checkpointEndBatch != 0 && completions.durable() >= checkpointEndBatch)
        {
            checkpointEndBatch = 0;
            if (completions.failedBatches() == failuresBeforeCheckpoint)
            {
                retireAtMs = now + retireDelayMs;
                retireBelow = checkpointGeneration;
                checkpoints++;
            }
            else
            {
                checkpointWanted = true;
            }
        }
        return polled < 0 ? -1 - polled : polled;
    }

    private void submitBlocking()
    {
        while (batchLength > 0 && !submit())
        {
            if (Thread.currentThread().isInterrupted())
            {
                // Stopping while the engine refuses: the batch's callbacks are told it was not stored.
                completions.refused(AppendCallback.SHARD_CLOSED);
                batchLength = 0;
                batchRecords = 0;
                batchOperations = 0;
                return;
            }
            pollCompletions(clock.time());
            LockSupport.parkNanos(WAIT_NS);
        }
    }

    /**
     * @return false if the batch must wait (the engine is back-pressured or too many are in flight).
     */
    private boolean submit()
    {
        if (completions.inFlight() >= BatchCompletions.MAX_IN_FLIGHT - 1)
        {
            return false;
        }
        batch.setIndex(0, batchLength);
        final int result = current.append(batch, batchRecords, clock.time(), BatchFormat.RAW, appendCallbackId,
            completions.nextBatch());
        if (result == Shard.BACK_PRESSURED)
        {
            return false;
        }
        if (result == Shard.SUBMITTED)
        {
            completions.submitted();
            recordsAppended += batchOperations;
        }
        else
        {
            errorHandler.onError(new IllegalStateException("the cursor shard " + current.name() +
                " refused a batch of " + batchLength + " bytes (result " + result + ")"));
            completions.refused(result == Shard.CLOSED ?
                AppendCallback.SHARD_CLOSED :
                AppendCallback.IO_ERROR);
        }
        batchLength = 0;
        batchRecords = 0;
        batchOperations = 0;
        return true;
    }
}
