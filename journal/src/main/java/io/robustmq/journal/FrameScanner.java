package io.robustmq.journal;

import io.robustmq.journal.codecs.MessageHeaderDecoder;

import java.util.zip.CRC32C;

/**
 * Walks the frames of a {@link ReadOnlySegment} from position 0 for {@link JournalTool}, checking
 * each with {@link BatchFrames#check}. Unlike recovery it does not stop at the first bad frame: a
 * frame whose CRC does not match, or whose base offset does not follow the previous frame, is
 * reported and stepped over (its length field passed the structural checks). The walk ends where
 * the frames end ({@link BatchFrames#END}), or where a frame cannot be stepped over
 * ({@link BatchFrames#TRUNCATED}, {@link BatchFrames#MALFORMED}).
 * <pre>
 *   FrameScanner frames = new FrameScanner(segment);
 *   while (frames.next()) { ... frames.position(), frames.baseOffset(), frames.crcOk() ... }
 *   frames.stopResult(); frames.endPosition();
 * </pre>
 */
final class FrameScanner
{
    private final ReadOnlySegment segment;
    private final CRC32C crc = new CRC32C();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    private int nextPosition;
    private long expectedBaseOffset;
    private boolean stopped;
    private int stopResult = BatchFrames.END;

    private int position;
    private int frameLength;
    private boolean crcOk;
    private long frameExpectedBaseOffset;
    private long maxTimestampBefore = Long.MIN_VALUE;
    private long maxTimestamp = Long.MIN_VALUE;
    private long nextOffset;
    private long lastFrameNextOffset;
    private int endPosition;
    private int frames;
    private int badFrames;

    FrameScanner(final ReadOnlySegment segment)
    {
        this.segment = segment;
        this.expectedBaseOffset = segment.baseOffset();
        this.nextOffset = segment.baseOffset();
        this.lastFrameNextOffset = segment.baseOffset();
    }

    /**
     * Move to the next frame.
     *
     * @return true if there is one; false when the walk has ended (see {@link #stopResult()}).
     */
    boolean next()
    {
        if (stopped)
        {
            return false;
        }
        final int at = nextPosition;
        final int result = BatchFrames.check(segment.buffer(), segment.crcView(), crc, headerDecoder, at,
            segment.capacity(), -1, true);
        if (result <= 0 && result != BatchFrames.CRC_MISMATCH)
        {
            stopped = true;
            stopResult = result;
            endPosition = at;
            return false;
        }
        position = at;
        crcOk = result > 0;
        frameLength = crcOk ? result : BatchFrames.frameLength(segment.buffer(), at);
        frameExpectedBaseOffset = expectedBaseOffset;
        maxTimestampBefore = maxTimestamp;
        frames++;
        lastFrameNextOffset = baseOffset() + recordCount();
        if (crcOk)
        {
            expectedBaseOffset = baseOffset() + recordCount();
            nextOffset = expectedBaseOffset;
            maxTimestamp = Math.max(maxTimestamp, maxTimestampOfFrame());
        }
        else
        {
            badFrames++;
            expectedBaseOffset = -1;
        }
        nextPosition = at + FrameDescriptor.alignedLength(frameLength);
        return true;
    }

    /**
     * Walk to the end.
     *
     * @return this.
     */
    FrameScanner toEnd()
    {
        while (next())
        {
            // counting only
        }
        return this;
    }

    ReadOnlySegment segment()
    {
        return segment;
    }

    int position()
    {
        return position;
    }

    int frameLength()
    {
        return frameLength;
    }

    int alignedLength()
    {
        return FrameDescriptor.alignedLength(frameLength);
    }

    /**
     * @return true if the current frame's CRC matches its bytes.
     */
    boolean crcOk()
    {
        return crcOk;
    }

    /**
     * @return true if the current frame's base offset is the one that follows the previous frame
     * (the segment's base offset for the first); also true after a frame whose CRC did not match,
     * whose offsets are not trusted.
     */
    boolean offsetFollows()
    {
        return frameExpectedBaseOffset < 0 || frameExpectedBaseOffset == baseOffset();
    }

    /**
     * @return the base offset the current frame should have had; -1 if unknown.
     */
    long expectedBaseOffset()
    {
        return frameExpectedBaseOffset;
    }

    long baseOffset()
    {
        return BatchFrames.baseOffset(segment.buffer(), position);
    }

    int recordCount()
    {
        return BatchFrames.recordCount(segment.buffer(), position);
    }

    long maxTimestampOfFrame()
    {
        return BatchFrames.maxTimestamp(segment.buffer(), position);
    }

    int format()
    {
        return BatchFrames.format(segment.buffer(), position);
    }

    int payloadLength()
    {
        return BatchFrames.payloadLength(segment.buffer(), position);
    }

    /**
     * @return the largest timestamp of the valid frames before the current one, as the writer
     * records it in an index entry; Long.MIN_VALUE if none.
     */
    long maxTimestampBefore()
    {
        return maxTimestampBefore;
    }

    /**
     * @return the largest timestamp of the valid frames so far; Long.MIN_VALUE if none.
     */
    long maxTimestamp()
    {
        return maxTimestamp;
    }

    /**
     * @return the offset after the last valid frame so far; the segment's base offset if none.
     */
    long nextOffset()
    {
        return nextOffset;
    }

    /**
     * @return the offset after the last frame walked, valid or not, as its header says; the
     * segment's base offset if none.
     */
    long lastFrameNextOffset()
    {
        return lastFrameNextOffset;
    }

    /**
     * @return frames walked, valid or not.
     */
    int frames()
    {
        return frames;
    }

    /**
     * @return frames walked whose CRC did not match.
     */
    int badFrames()
    {
        return badFrames;
    }

    /**
     * @return why the walk ended: {@link BatchFrames#END} at a clean end, else
     * {@link BatchFrames#TRUNCATED} or {@link BatchFrames#MALFORMED}; END while not ended.
     */
    int stopResult()
    {
        return stopResult;
    }

    /**
     * @return where the walk ended: the end of the frames, or the frame that could not be read.
     */
    int endPosition()
    {
        return endPosition;
    }
}
