package io.robustmq.journal;

import org.agrona.DirectBuffer;

/**
 * Where things are among a shard's segments and in a segment's frames: the segment that holds an
 * offset, the whole batches a read returns from it, the first batch at or after a timestamp. Pure
 * functions of the segments' contents; the caller holds (retains) the segment it passes.
 */
final class SegmentSearch
{
    private SegmentSearch()
    {
    }

    /**
     * Fill a view with whole batches of a retained segment from the one holding {@code offset}: at
     * least one (if it starts below {@code endOffset}), then while the byte and record limits allow.
     * The view takes over the segment's retention; if it gets nothing, the segment is released.
     *
     * @return bytes in the view; 0 if the first batch starts at or past {@code endOffset}.
     */
    static int fill(
        final Segment segment,
        final long offset,
        final int limit,
        final int maxBytes,
        final int maxRecords,
        final long endOffset,
        final JournalView view)
    {
        final DirectBuffer buffer = segment.buffer();
        int position = segment.index().floorPosition((int)(offset - segment.baseOffset()));
        while (true)
        {
            final int frameLength = buffer.getInt(position + FrameDescriptor.FRAME_LENGTH_OFFSET);
            final long next = BatchFrames.baseOffset(buffer, position) + BatchFrames.recordCount(buffer, position);
            if (offset < next)
            {
                break;
            }
            position += FrameDescriptor.alignedLength(frameLength);
        }
        final int start = position;
        final long firstOffset = BatchFrames.baseOffset(buffer, start);
        if (firstOffset >= endOffset)
        {
            segment.release();
            return 0;
        }
        long nextOffset = firstOffset;
        do
        {
            final int aligned = FrameDescriptor.alignedLength(buffer.getInt(position + FrameDescriptor.FRAME_LENGTH_OFFSET));
            if (position > start && (position + aligned - start > maxBytes || nextOffset - offset >= maxRecords ||
                nextOffset >= endOffset))
            {
                break;
            }
            nextOffset = BatchFrames.baseOffset(buffer, position) + BatchFrames.recordCount(buffer, position);
            position += aligned;
        }
        while (position < limit);
        view.wrap(segment, start, position - start, firstOffset, nextOffset);
        return position - start;
    }

    /**
     * @return the index of the last segment whose base offset is at most {@code offset}, or -1 if
     * the offset is below the first one's.
     */
    static int segmentFor(final Segment[] current, final long offset)
    {
        if (offset < current[0].baseOffset())
        {
            return -1;
        }
        int low = 0;
        int high = current.length - 1;
        while (low < high)
        {
            final int mid = (low + high + 1) >>> 1;
            if (current[mid].baseOffset() <= offset)
            {
                low = mid;
            }
            else
            {
                high = mid - 1;
            }
        }
        return low;
    }

    /**
     * @param segment   a retained segment.
     * @param timestamp epoch ms.
     * @return the base offset of the segment's first batch whose largest timestamp is at least the
     * given one, or -1 if it has none.
     */
    static long firstAtOrAfter(final Segment segment, final long timestamp)
    {
        final DirectBuffer buffer = segment.buffer();
        final int limit = segment.limit();
        int position = segment.index().positionBeforeTimestamp(timestamp);
        while (position < limit)
        {
            if (BatchFrames.maxTimestamp(buffer, position) >= timestamp)
            {
                return BatchFrames.baseOffset(buffer, position);
            }
            position += FrameDescriptor.alignedLength(BatchFrames.frameLength(buffer, position));
        }
        return -1;
    }
}
