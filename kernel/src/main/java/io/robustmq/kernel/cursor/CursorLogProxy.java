package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.Cursor;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBuffer;

import java.nio.ByteOrder;

import static io.robustmq.kernel.cursor.CursorDescriptor.*;

/**
 * Encodes accepted operations as records into the writer's queue: a bounded many-to-one ring
 * buffer, written in place (claim, encode, commit), so that queueing allocates nothing and a full
 * queue is a result ({@link Cursor#BACK_PRESSURED}), not a wait.
 * <p>
 * Threading: any thread. The caller holds the lock that orders the records of one cursor (its
 * monitor), so that the queue holds them in the order they were applied.
 */
final class CursorLogProxy
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final ManyToOneRingBuffer ring;
    private final AtomicBuffer buffer;
    private final Runnable wakeWriter;

    /**
     * @param wakeWriter called after each record is committed: wakes a writer parked until told.
     */
    CursorLogProxy(final ManyToOneRingBuffer ring, final Runnable wakeWriter)
    {
        this.ring = ring;
        this.wakeWriter = wakeWriter;
        this.buffer = ring.buffer();
    }

    /**
     * @return the longest record the queue takes.
     */
    int maxRecordLength()
    {
        return ring.maxMsgLength() - QUEUE_HEADER_LENGTH;
    }

    int opened(final int cursorId, final String group, final int groupBytes, final String shard, final int shardBytes)
    {
        final int index = claim(CursorRecords.openedLength(groupBytes, shardBytes), -1, 0);
        if (index < 0)
        {
            return Cursor.BACK_PRESSURED;
        }
        CursorRecords.putOpened(buffer, index, cursorId, group, groupBytes, shard, shardBytes);
        ring.commit(index - QUEUE_HEADER_LENGTH);
        wakeWriter.run();
        return Cursor.OK;
    }

    int committed(
        final int callbackId,
        final long correlationId,
        final int cursorId,
        final int leaderEpoch,
        final long offset,
        final String metadata,
        final int metadataBytes)
    {
        final int index = claim(CursorRecords.committedLength(metadataBytes), callbackId, correlationId);
        if (index < 0)
        {
            return Cursor.BACK_PRESSURED;
        }
        CursorRecords.putCommitted(buffer, index, cursorId, leaderEpoch, offset, metadata, metadataBytes);
        ring.commit(index - QUEUE_HEADER_LENGTH);
        wakeWriter.run();
        return Cursor.OK;
    }

    /**
     * A record of a header alone: DELIVERED, ACKNOWLEDGED or DELETED.
     */
    int simple(
        final int callbackId,
        final long correlationId,
        final byte type,
        final byte flags,
        final int cursorId,
        final long offset)
    {
        final int index = claim(HEADER_LENGTH, callbackId, correlationId);
        if (index < 0)
        {
            return Cursor.BACK_PRESSURED;
        }
        CursorRecords.putHeader(buffer, index, HEADER_LENGTH, type, flags, cursorId, 0, offset);
        ring.commit(index - QUEUE_HEADER_LENGTH);
        wakeWriter.run();
        return Cursor.OK;
    }

    /**
     * A GROUP_DELETED or SHARD_DELETED record.
     */
    int named(final int callbackId, final long correlationId, final byte type, final String name, final int nameBytes)
    {
        final int index = claim(CursorRecords.nameLength(nameBytes), callbackId, correlationId);
        if (index < 0)
        {
            return Cursor.BACK_PRESSURED;
        }
        CursorRecords.putNamed(buffer, index, type, name, nameBytes);
        ring.commit(index - QUEUE_HEADER_LENGTH);
        wakeWriter.run();
        return Cursor.OK;
    }

    /**
     * @return where the record goes, or -1 if the queue is full.
     */
    private int claim(final int recordLength, final int callbackId, final long correlationId)
    {
        final int index = ring.tryClaim(QUEUE_MESSAGE_TYPE, QUEUE_HEADER_LENGTH + recordLength);
        if (index == RingBuffer.INSUFFICIENT_CAPACITY)
        {
            return -1;
        }
        buffer.putInt(index + QUEUE_CALLBACK_ID_OFFSET, callbackId, ORDER);
        buffer.putInt(index + QUEUE_CALLBACK_ID_OFFSET + 4, 0, ORDER);
        buffer.putLong(index + QUEUE_CORRELATION_ID_OFFSET, correlationId, ORDER);
        return index + QUEUE_HEADER_LENGTH;
    }
}
