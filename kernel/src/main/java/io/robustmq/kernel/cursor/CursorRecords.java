package io.robustmq.kernel.cursor;

import org.agrona.MutableDirectBuffer;

import java.nio.ByteOrder;

import static io.robustmq.kernel.cursor.CursorDescriptor.*;

/**
 * Encodes cursor log records (see {@link CursorDescriptor}) into a buffer: the writer's queue, or a
 * checkpoint's batch. Each {@code *Length} says how many bytes the matching {@code put*} writes.
 * <p>
 * Threading: stateless.
 */
final class CursorRecords
{
    private static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;

    private CursorRecords()
    {
    }

    static int putHeader(
        final MutableDirectBuffer buffer,
        final int index,
        final int length,
        final byte type,
        final byte flags,
        final int cursorId,
        final int leaderEpoch,
        final long offset)
    {
        buffer.putInt(index + LENGTH_OFFSET, length, ORDER);
        buffer.putByte(index + TYPE_OFFSET, type);
        buffer.putByte(index + FLAGS_OFFSET, flags);
        buffer.putShort(index + FLAGS_OFFSET + 1, (short)0, ORDER);
        buffer.putInt(index + CURSOR_ID_OFFSET, cursorId, ORDER);
        buffer.putInt(index + LEADER_EPOCH_OFFSET, leaderEpoch, ORDER);
        buffer.putLong(index + OFFSET_OFFSET, offset, ORDER);
        return length;
    }

    /**
     * @return bytes written: the length prefix and the UTF-8 bytes ({@code utf8Length} of them).
     */
    static int putString(final MutableDirectBuffer buffer, final int index, final String text, final int utf8Length)
    {
        buffer.putInt(index, utf8Length, ORDER);
        final int written = Utf8.encode(text, buffer, index + STRING_LENGTH_BYTES);
        if (written != utf8Length)
        {
            throw new IllegalStateException("UTF-8 length " + written + " is not the " + utf8Length + " measured");
        }
        return STRING_LENGTH_BYTES + written;
    }

    static int openedLength(final int groupBytes, final int shardBytes)
    {
        return HEADER_LENGTH + STRING_LENGTH_BYTES + groupBytes + STRING_LENGTH_BYTES + shardBytes;
    }

    static void putOpened(
        final MutableDirectBuffer buffer,
        final int index,
        final int cursorId,
        final String group,
        final int groupBytes,
        final String shard,
        final int shardBytes)
    {
        putHeader(buffer, index, openedLength(groupBytes, shardBytes), OPENED, (byte)0, cursorId, 0, 0);
        final int at = index + HEADER_LENGTH + putString(buffer, index + HEADER_LENGTH, group, groupBytes);
        putString(buffer, at, shard, shardBytes);
    }

    /**
     * @param metadataBytes the metadata's UTF-8 length, or -1 if the record carries none.
     */
    static int committedLength(final int metadataBytes)
    {
        return HEADER_LENGTH + (metadataBytes < 0 ? 0 : STRING_LENGTH_BYTES + metadataBytes);
    }

    /**
     * @param metadata      the new metadata, or null if it did not change.
     * @param metadataBytes its UTF-8 length, or -1 with no metadata.
     */
    static void putCommitted(
        final MutableDirectBuffer buffer,
        final int index,
        final int cursorId,
        final int leaderEpoch,
        final long offset,
        final String metadata,
        final int metadataBytes)
    {
        putHeader(buffer, index, committedLength(metadataBytes), COMMITTED, metadata == null ? 0 : FLAG_METADATA,
            cursorId, leaderEpoch, offset);
        if (metadata != null)
        {
            putString(buffer, index + HEADER_LENGTH, metadata, metadataBytes);
        }
    }

    static int nameLength(final int nameBytes)
    {
        return HEADER_LENGTH + STRING_LENGTH_BYTES + nameBytes;
    }

    /**
     * A GROUP_DELETED or SHARD_DELETED record.
     */
    static void putNamed(
        final MutableDirectBuffer buffer, final int index, final byte type, final String name, final int nameBytes)
    {
        putHeader(buffer, index, nameLength(nameBytes), type, (byte)0, 0, 0, 0);
        putString(buffer, index + HEADER_LENGTH, name, nameBytes);
    }

    static int cursorStateLength(final int groupBytes, final int shardBytes, final int metadataBytes)
    {
        return STATE_STRINGS_OFFSET + 3 * STRING_LENGTH_BYTES + groupBytes + shardBytes + metadataBytes;
    }

    static void putCursorState(
        final MutableDirectBuffer buffer,
        final int index,
        final int cursorId,
        final String group,
        final int groupBytes,
        final String shard,
        final int shardBytes,
        final CursorState state,
        final int metadataBytes)
    {
        putHeader(buffer, index, cursorStateLength(groupBytes, shardBytes, metadataBytes), CURSOR_STATE, (byte)0,
            cursorId, state.leaderEpoch(), state.committedOffset());
        buffer.putLong(index + STATE_DELIVERED_OFFSET, state.deliveredOffset(), ORDER);
        int at = index + STATE_STRINGS_OFFSET;
        at += putString(buffer, at, group, groupBytes);
        at += putString(buffer, at, shard, shardBytes);
        putString(buffer, at, state.metadata(), metadataBytes);
    }

    static int unacknowledgedLength(final int runs)
    {
        return RUNS_OFFSET + runs * RUN_LENGTH;
    }

    static void putUnacknowledgedHeader(final MutableDirectBuffer buffer, final int index, final int cursorId, final int runs)
    {
        putHeader(buffer, index, unacknowledgedLength(runs), UNACKNOWLEDGED, (byte)0, cursorId, 0, 0);
        buffer.putInt(index + RUN_COUNT_OFFSET, runs, ORDER);
    }

    static void putRun(final MutableDirectBuffer buffer, final int index, final int run, final long first, final int length)
    {
        final int at = index + RUNS_OFFSET + run * RUN_LENGTH;
        buffer.putLong(at, first, ORDER);
        buffer.putInt(at + 8, length, ORDER);
    }
}
