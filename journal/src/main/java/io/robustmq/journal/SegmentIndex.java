package io.robustmq.journal;

import io.robustmq.journal.fs.FileLayer;
import io.robustmq.journal.fs.MappedFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * A segment's sparse index, serving both offset and time look-ups. An entry is added for the first
 * frame after at least {@link ShardConfig#indexIntervalBytes()} bytes of frames since the last one:
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |          Relative Offset (frame's base offset - segment's)    |  0
 *  +---------------------------------------------------------------+
 *  |                  Position of the frame in the segment         |  4
 *  +---------------------------------------------------------------+
 *  |        Largest timestamp of every frame before this one       |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 * The active segment's index lives on the heap, written by the shard's writer and read by anyone
 * up to a published count. When the segment is sealed the index is written to {@code <base>.index}
 * behind a header that records where the sealed segment ends, so that opening a shard reads no
 * sealed segment, and mapped read-only:
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Magic ("RMQI")                          |  0
 *  +---------------------------------------------------------------+
 *  |           CRC32C of the rest of the file (8 to end)           |  4
 *  +---------------------------------------------------------------+
 *  |              Limit: end of the segment's frames               |  8
 *  +---------------------------------------------------------------+
 *  |                         Entry Count                           | 12
 *  +---------------------------------------------------------------+
 *  |           Next Offset: after the segment's last record        | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |             Largest timestamp of the segment's records        | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                   Entries (Entry Count x 16)                 ...| 32
 *  +---------------------------------------------------------------+
 * </pre>
 * A missing or malformed file is rebuilt from the segment, checking every frame's CRC.
 */
final class SegmentIndex implements AutoCloseable
{
    static final int ENTRY_LENGTH = 16;
    static final int RELATIVE_OFFSET_OFFSET = 0;
    static final int POSITION_OFFSET = 4;
    static final int TIMESTAMP_OFFSET = 8;

    static final int MAGIC = 0x49514D52;
    static final int FILE_HEADER_LENGTH = 32;
    static final int FILE_CRC_OFFSET = 4;
    static final int FILE_LIMIT_OFFSET = 8;
    static final int FILE_COUNT_OFFSET = 12;
    static final int FILE_NEXT_OFFSET_OFFSET = 16;
    static final int FILE_MAX_TIMESTAMP_OFFSET = 24;

    /**
     * Where a sealed segment ends, as its index file records it.
     *
     * @param limit        end of its frames.
     * @param nextOffset   the offset after its last record.
     * @param maxTimestamp its largest record timestamp.
     */
    record SealedState(int limit, long nextOffset, long maxTimestamp)
    {
    }

    private final UnsafeBuffer entries;
    private final MappedFile mapped;
    private volatile int count;
    private SealedState sealedState;

    private SegmentIndex(final UnsafeBuffer entries, final MappedFile mapped, final int count)
    {
        this.entries = entries;
        this.mapped = mapped;
        this.count = count;
    }

    /**
     * @param maxEntries room for this many entries.
     * @return an empty index on the heap, for the active segment.
     */
    static SegmentIndex active(final int maxEntries)
    {
        return new SegmentIndex(new UnsafeBuffer(new byte[maxEntries * ENTRY_LENGTH]), null, 0);
    }

    /**
     * @param file         the index file.
     * @param baseOffset   the segment's base offset.
     * @param capacity     the segment's size.
     * @return the index mapped read-only, or null if the file is missing or malformed.
     */
    static SegmentIndex loadSealed(final FileLayer layer, final Path file, final long baseOffset, final int capacity)
    {
        try
        {
            if (!layer.isRegularFile(file))
            {
                return null;
            }
            final long size = layer.size(file);
            if (size < FILE_HEADER_LENGTH || (size - FILE_HEADER_LENGTH) % ENTRY_LENGTH != 0 || size > Integer.MAX_VALUE)
            {
                return null;
            }
            final MappedFile mapped = layer.mapReadOnly(file);
            final UnsafeBuffer whole = new UnsafeBuffer(mapped.buffer());
            final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(mapped.buffer().duplicate().position(8));
            final int count = whole.getInt(FILE_COUNT_OFFSET);
            final SegmentIndex index = new SegmentIndex(
                new UnsafeBuffer(whole, FILE_HEADER_LENGTH, (int)size - FILE_HEADER_LENGTH), mapped, count);
            final int limit = whole.getInt(FILE_LIMIT_OFFSET);
            final long nextOffset = whole.getLong(FILE_NEXT_OFFSET_OFFSET);
            if (whole.getInt(0) != MAGIC || whole.getInt(FILE_CRC_OFFSET) != (int)crc.getValue() ||
                count != (size - FILE_HEADER_LENGTH) / ENTRY_LENGTH || limit <= 0 || limit > capacity ||
                nextOffset <= baseOffset || !index.isWellFormed(limit))
            {
                index.close();
                return null;
            }
            index.sealedState = new SealedState(limit, nextOffset, whole.getLong(FILE_MAX_TIMESTAMP_OFFSET));
            return index;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * @return where the sealed segment ends; null for an active index.
     */
    SealedState sealedState()
    {
        return sealedState;
    }

    private boolean isWellFormed(final int segmentLimit)
    {
        int lastRelative = -1;
        int lastPosition = -1;
        long lastTimestamp = Long.MIN_VALUE;
        for (int i = 0; i < count; i++)
        {
            final int relative = relativeOffset(i);
            final int position = position(i);
            final long timestamp = timestamp(i);
            if (relative <= lastRelative || position <= lastPosition || position >= segmentLimit ||
                timestamp < lastTimestamp)
            {
                return false;
            }
            lastRelative = relative;
            lastPosition = position;
            lastTimestamp = timestamp;
        }
        return true;
    }

    /**
     * Writer only: add an entry to an active index.
     */
    void add(final int relativeOffset, final int position, final long maxTimestampBefore)
    {
        final int i = count;
        final int at = i * ENTRY_LENGTH;
        entries.putInt(at + RELATIVE_OFFSET_OFFSET, relativeOffset);
        entries.putInt(at + POSITION_OFFSET, position);
        entries.putLong(at + TIMESTAMP_OFFSET, maxTimestampBefore);
        count = i + 1;
    }

    /**
     * @return true if another entry fits.
     */
    boolean hasRoom()
    {
        return mapped == null && (count + 1) * ENTRY_LENGTH <= entries.capacity();
    }

    int count()
    {
        return count;
    }

    int relativeOffset(final int i)
    {
        return entries.getInt(i * ENTRY_LENGTH + RELATIVE_OFFSET_OFFSET);
    }

    int position(final int i)
    {
        return entries.getInt(i * ENTRY_LENGTH + POSITION_OFFSET);
    }

    long timestamp(final int i)
    {
        return entries.getLong(i * ENTRY_LENGTH + TIMESTAMP_OFFSET);
    }

    /**
     * @param relativeOffset an offset relative to the segment's base.
     * @return the position of the last indexed frame starting at or before it; 0 if none.
     */
    int floorPosition(final int relativeOffset)
    {
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (relativeOffset(mid) <= relativeOffset)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found < 0 ? 0 : position(found);
    }

    /**
     * @param timestamp a timestamp.
     * @return a position from which a forward scan finds the first frame whose max timestamp is at
     * least the given one: every frame before it is older.
     */
    int positionBeforeTimestamp(final long timestamp)
    {
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (timestamp(mid) < timestamp)
            {
                found = mid;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }
        return found < 0 ? 0 : position(found);
    }

    /**
     * Write the index, behind a header recording where the sealed segment ends, forced, replacing
     * any file there.
     *
     * @param file  the index file.
     * @param state where the segment ends.
     * @throws IOException if it cannot be written.
     */
    void writeTo(final FileLayer layer, final Path file, final SealedState state) throws IOException
    {
        final int entriesLength = count * ENTRY_LENGTH;
        final ByteBuffer bytes = ByteBuffer.allocate(FILE_HEADER_LENGTH + entriesLength).order(java.nio.ByteOrder.nativeOrder());
        final UnsafeBuffer out = new UnsafeBuffer(bytes);
        out.putInt(0, MAGIC);
        out.putInt(FILE_LIMIT_OFFSET, state.limit());
        out.putInt(FILE_COUNT_OFFSET, count);
        out.putLong(FILE_NEXT_OFFSET_OFFSET, state.nextOffset());
        out.putLong(FILE_MAX_TIMESTAMP_OFFSET, state.maxTimestamp());
        out.putBytes(FILE_HEADER_LENGTH, entries, 0, entriesLength);
        final java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(bytes.duplicate().position(8));
        out.putInt(FILE_CRC_OFFSET, (int)crc.getValue());

        layer.writeDurably(file, bytes.clear());
    }

    @Override
    public void close()
    {
        if (mapped != null)
        {
            mapped.close();
        }
    }
}
