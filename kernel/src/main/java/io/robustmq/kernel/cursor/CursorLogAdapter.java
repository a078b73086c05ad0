package io.robustmq.kernel.cursor;

import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

import static io.robustmq.kernel.cursor.CursorDescriptor.*;

/**
 * Decodes cursor log records (see {@link CursorDescriptor}) into calls on a {@link CursorLogListener}.
 * Strings are decoded into new {@code String}s: only records that carry one (a cursor opened, a
 * metadata change, a checkpoint) allocate.
 * <p>
 * Threading: stateless; the listener is called on the calling thread.
 */
final class CursorLogAdapter
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private final CursorLogListener listener;

    CursorLogAdapter(final CursorLogListener listener)
    {
        this.listener = listener;
    }

    /**
     * Decode every record in {@code [index, index + length)}.
     *
     * @return records decoded.
     * @throws IllegalStateException if a record is malformed.
     */
    int onRecords(final DirectBuffer buffer, final int index, final int length)
    {
        final int end = index + length;
        int at = index;
        int records = 0;
        while (at < end)
        {
            if (end - at < HEADER_LENGTH)
            {
                throw new IllegalStateException("a cursor record's header is cut short at " + (at - index));
            }
            final int recordLength = buffer.getInt(at + LENGTH_OFFSET, ORDER);
            if (recordLength < HEADER_LENGTH || recordLength > end - at)
            {
                throw new IllegalStateException("a cursor record's length " + recordLength + " is wrong at " +
                    (at - index) + " of " + length);
            }
            onRecord(buffer, at, recordLength);
            at += recordLength;
            records++;
        }
        return records;
    }

    /**
     * Decode one record.
     *
     * @param buffer the record's buffer.
     * @param index  where it starts.
     * @param length its length, from its header.
     */
    void onRecord(final DirectBuffer buffer, final int index, final int length)
    {
        final byte type = buffer.getByte(index + TYPE_OFFSET);
        final byte flags = buffer.getByte(index + FLAGS_OFFSET);
        final int cursorId = buffer.getInt(index + CURSOR_ID_OFFSET, ORDER);
        final int leaderEpoch = buffer.getInt(index + LEADER_EPOCH_OFFSET, ORDER);
        final long offset = buffer.getLong(index + OFFSET_OFFSET, ORDER);
        final int body = index + HEADER_LENGTH;
        final int end = index + length;
        switch (type)
        {
            case OPENED ->
            {
                final int shardAt = body + STRING_LENGTH_BYTES + stringLength(buffer, body, end);
                listener.onOpened(cursorId, string(buffer, body, end), string(buffer, shardAt, end));
            }
            case COMMITTED -> listener.onCommitted(cursorId, leaderEpoch, offset,
                (flags & FLAG_METADATA) != 0 ? string(buffer, body, end) : null);
            case DELIVERED -> listener.onDelivered(cursorId, offset);
            case ACKNOWLEDGED -> listener.onAcknowledged(cursorId, offset, (flags & FLAG_MULTIPLE) != 0);
            case DELETED -> listener.onDeleted(cursorId);
            case GROUP_DELETED -> listener.onGroupDeleted(string(buffer, body, end));
            case SHARD_DELETED -> listener.onShardDeleted(string(buffer, body, end));
            case CHECKPOINT_BEGIN -> listener.onCheckpointBegin(offset);
            case CURSOR_STATE -> onCursorState(buffer, index, end, cursorId, leaderEpoch);
            case UNACKNOWLEDGED -> onUnacknowledged(buffer, index, end, cursorId);
            case CHECKPOINT_END -> listener.onCheckpointEnd(offset, cursorId);
            default -> throw new IllegalStateException("unknown cursor record type " + type);
        }
    }

    private void onCursorState(
        final DirectBuffer buffer, final int index, final int end, final int cursorId, final int leaderEpoch)
    {
        final long delivered = buffer.getLong(index + STATE_DELIVERED_OFFSET, ORDER);
        final int groupAt = index + STATE_STRINGS_OFFSET;
        final int shardAt = groupAt + STRING_LENGTH_BYTES + stringLength(buffer, groupAt, end);
        final int metadataAt = shardAt + STRING_LENGTH_BYTES + stringLength(buffer, shardAt, end);
        listener.onCursorState(cursorId, string(buffer, groupAt, end), string(buffer, shardAt, end), delivered,
            leaderEpoch, string(buffer, metadataAt, end));
    }

    private void onUnacknowledged(final DirectBuffer buffer, final int index, final int end, final int cursorId)
    {
        final int runs = buffer.getInt(index + RUN_COUNT_OFFSET, ORDER);
        if (runs < 0 || index + RUNS_OFFSET + (long)runs * RUN_LENGTH > end)
        {
            throw new IllegalStateException("an UNACKNOWLEDGED record's " + runs + " runs do not fit in it");
        }
        int at = index + RUNS_OFFSET;
        for (int i = 0; i < runs; i++)
        {
            listener.onUnacknowledged(cursorId, buffer.getLong(at, ORDER), buffer.getInt(at + 8, ORDER));
            at += RUN_LENGTH;
        }
    }

    private static int stringLength(final DirectBuffer buffer, final int at, final int end)
    {
        if (end - at < STRING_LENGTH_BYTES)
        {
            throw new IllegalStateException("a cursor record's string is cut short");
        }
        final int length = buffer.getInt(at, ORDER);
        if (length < 0 || length > end - at - STRING_LENGTH_BYTES)
        {
            throw new IllegalStateException("a cursor record's string length " + length + " does not fit");
        }
        return length;
    }

    private static String string(final DirectBuffer buffer, final int at, final int end)
    {
        final int length = stringLength(buffer, at, end);
        return length == 0 ? "" : buffer.getStringWithoutLengthUtf8(at + STRING_LENGTH_BYTES, length);
    }
}
