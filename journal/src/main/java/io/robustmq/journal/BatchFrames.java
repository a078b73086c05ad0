package io.robustmq.journal;

import io.robustmq.journal.codecs.BatchHeaderDecoder;
import io.robustmq.journal.codecs.BatchHeaderEncoder;
import io.robustmq.journal.codecs.MessageHeaderDecoder;
import io.robustmq.journal.codecs.MessageHeaderEncoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static io.robustmq.journal.FrameDescriptor.BASE_OFFSET_OFFSET;
import static io.robustmq.journal.FrameDescriptor.CRC_COVERED_OFFSET;
import static io.robustmq.journal.FrameDescriptor.CRC_OFFSET;
import static io.robustmq.journal.FrameDescriptor.FORMAT_OFFSET;
import static io.robustmq.journal.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static io.robustmq.journal.FrameDescriptor.HEADER_LENGTH;
import static io.robustmq.journal.FrameDescriptor.MAX_TIMESTAMP_OFFSET;
import static io.robustmq.journal.FrameDescriptor.PAYLOAD_CRC_OFFSET;
import static io.robustmq.journal.FrameDescriptor.PAYLOAD_LENGTH_OFFSET;
import static io.robustmq.journal.FrameDescriptor.RECORD_COUNT_OFFSET;
import static io.robustmq.journal.FrameDescriptor.SBE_HEADER_OFFSET;
import static io.robustmq.journal.FrameDescriptor.STAMPED_LENGTH_OFFSET;

/**
 * Reads and checks batch frames laid out as {@link FrameDescriptor} draws them. Stateless: the
 * accessors take the buffer and the frame's position, so a reader walks frames without allocating.
 */
public final class BatchFrames
{
    /** {@link #check} result: the frame length is 0, the end of the written data. */
    public static final int END = 0;
    /** {@link #check} result: the frame does not fit in what is left of the segment. */
    public static final int TRUNCATED = -1;
    /** {@link #check} result: the SBE header or a length field is not what the journal writes. */
    public static final int MALFORMED = -2;
    /** {@link #check} result: the base offset is not the one that follows the previous frame. */
    public static final int OFFSET_MISMATCH = -3;
    /** {@link #check} result: the CRC does not match the frame's bytes. */
    public static final int CRC_MISMATCH = -4;

    private BatchFrames()
    {
    }

    /**
     * @param buffer   the segment.
     * @param position the frame's position.
     * @return the frame length; 0 if the frame is not written.
     */
    public static int frameLength(final DirectBuffer buffer, final int position)
    {
        return buffer.getInt(position + FRAME_LENGTH_OFFSET);
    }

    public static long baseOffset(final DirectBuffer buffer, final int position)
    {
        return buffer.getLong(position + BASE_OFFSET_OFFSET, BatchHeaderEncoder.BYTE_ORDER);
    }

    public static long maxTimestamp(final DirectBuffer buffer, final int position)
    {
        return buffer.getLong(position + MAX_TIMESTAMP_OFFSET, BatchHeaderEncoder.BYTE_ORDER);
    }

    public static int recordCount(final DirectBuffer buffer, final int position)
    {
        return buffer.getInt(position + RECORD_COUNT_OFFSET, BatchHeaderEncoder.BYTE_ORDER);
    }

    public static int payloadLength(final DirectBuffer buffer, final int position)
    {
        return buffer.getInt(position + PAYLOAD_LENGTH_OFFSET, BatchHeaderEncoder.BYTE_ORDER);
    }

    public static int format(final DirectBuffer buffer, final int position)
    {
        return buffer.getShort(position + FORMAT_OFFSET, BatchHeaderEncoder.BYTE_ORDER) & 0xFFFF;
    }

    public static int crc(final DirectBuffer buffer, final int position)
    {
        return buffer.getInt(position + CRC_OFFSET, BatchHeaderEncoder.BYTE_ORDER);
    }

    /**
     * @param position a frame's position.
     * @return where the frame's payload starts.
     */
    public static int payloadOffset(final int position)
    {
        return position + HEADER_LENGTH;
    }

    /**
     * @param buffer   the segment.
     * @param position a frame's position.
     * @return the length of its stamped payload prefix (0 for schema version 0 frames).
     */
    public static int stampedLength(final DirectBuffer buffer, final int position)
    {
        return buffer.getShort(position + STAMPED_LENGTH_OFFSET, BatchHeaderEncoder.BYTE_ORDER) & 0xFFFF;
    }

    /**
     * @param buffer   the segment.
     * @param position a frame's position.
     * @return its SBE schema version: 1 for two CRCs, 0 for one.
     */
    public static int schemaVersion(final DirectBuffer buffer, final int position)
    {
        return buffer.getShort(position + SBE_HEADER_OFFSET + 6, BatchHeaderEncoder.BYTE_ORDER) & 0xFFFF;
    }

    /**
     * Write a frame's header around a payload already in place, with both CRCs: the payload CRC as
     * given (computed by the producer over the payload after its stamped prefix), the header CRC
     * computed here. Not its length, which the caller stores last.
     *
     * @param buffer        the segment.
     * @param view          a ByteBuffer over the same memory as {@code buffer}, for the CRC.
     * @param crc32c        a CRC instance to reuse.
     * @param headerEncoder a header encoder to reuse.
     * @param batchEncoder  a batch encoder to reuse.
     * @param position      where the frame starts.
     * @param baseOffset    the batch's base offset.
     * @param maxTimestamp  its largest record timestamp.
     * @param recordCount   its record count.
     * @param format        its payload format.
     * @param payloadLength its payload's length.
     * @param stampedLength the payload prefix the header CRC covers.
     * @param payloadCrc    the CRC32C of the payload after the prefix.
     * @return the frame length to store.
     */
    static int writeHeader(
        final MutableDirectBuffer buffer,
        final ByteBuffer view,
        final CRC32C crc32c,
        final MessageHeaderEncoder headerEncoder,
        final BatchHeaderEncoder batchEncoder,
        final int position,
        final long baseOffset,
        final long maxTimestamp,
        final int recordCount,
        final int format,
        final int payloadLength,
        final int stampedLength,
        final int payloadCrc)
    {
        buffer.putInt(position + PAYLOAD_CRC_OFFSET, payloadCrc, BatchHeaderEncoder.BYTE_ORDER);
        batchEncoder.wrapAndApplyHeader(buffer, position + SBE_HEADER_OFFSET, headerEncoder)
            .crc(0)
            .format(format)
            .stampedLength(stampedLength)
            .baseOffset(baseOffset)
            .maxTimestamp(maxTimestamp)
            .recordCount(recordCount)
            .payloadLength(payloadLength);
        buffer.putInt(position + CRC_OFFSET, crc(view, crc32c, position + CRC_COVERED_OFFSET,
            HEADER_LENGTH - CRC_COVERED_OFFSET + stampedLength), BatchHeaderEncoder.BYTE_ORDER);
        return HEADER_LENGTH + payloadLength;
    }

    /**
     * @param view     a ByteBuffer over the memory.
     * @param crc32c   a CRC instance to reuse.
     * @param position where the bytes start.
     * @param length   how many.
     * @return their CRC32C.
     */
    static int crc(final ByteBuffer view, final CRC32C crc32c, final int position, final int length)
    {
        view.limit(position + length).position(position);
        crc32c.reset();
        crc32c.update(view);
        view.clear();
        return (int)crc32c.getValue();
    }

    private static boolean crcMatches(
        final DirectBuffer buffer, final ByteBuffer view, final CRC32C crc32c, final int position, final int frameLength)
    {
        if (schemaVersion(buffer, position) == 0)
        {
            return crc(view, crc32c, position + CRC_COVERED_OFFSET, frameLength - CRC_COVERED_OFFSET) ==
                crc(buffer, position);
        }
        final int stamped = stampedLength(buffer, position);
        final int payload = payloadLength(buffer, position);
        return crc(view, crc32c, position + CRC_COVERED_OFFSET, HEADER_LENGTH - CRC_COVERED_OFFSET + stamped) ==
            crc(buffer, position) &&
            crc(view, crc32c, position + HEADER_LENGTH + stamped, payload - stamped) ==
            buffer.getInt(position + PAYLOAD_CRC_OFFSET, BatchHeaderEncoder.BYTE_ORDER);
    }

    /**
     * Check the frame at a position: lengths, SBE header, base offset and CRC.
     *
     * @param buffer             the segment.
     * @param view               a ByteBuffer over the same memory, for the CRC.
     * @param crc32c             a CRC instance to reuse.
     * @param headerDecoder      a header decoder to reuse.
     * @param position           the frame's position.
     * @param limit              end of the segment's space.
     * @param expectedBaseOffset the offset that follows the previous frame, or -1 to accept any.
     * @param verifyCrc          false to skip the CRC, for frames known to be durable.
     * @return the frame length if the frame is valid, else {@link #END}, {@link #TRUNCATED},
     * {@link #MALFORMED}, {@link #OFFSET_MISMATCH} or {@link #CRC_MISMATCH}.
     */
    public static int check(
        final DirectBuffer buffer,
        final ByteBuffer view,
        final CRC32C crc32c,
        final MessageHeaderDecoder headerDecoder,
        final int position,
        final int limit,
        final long expectedBaseOffset,
        final boolean verifyCrc)
    {
        if (position + 4 > limit)
        {
            return END;
        }
        final int frameLength = frameLength(buffer, position);
        if (frameLength == 0)
        {
            return END;
        }
        if (frameLength < 0 || (long)position + ((frameLength + 7L) & ~7L) > limit)
        {
            return TRUNCATED;
        }
        if (frameLength < HEADER_LENGTH)
        {
            return MALFORMED;
        }
        headerDecoder.wrap(buffer, position + SBE_HEADER_OFFSET);
        final int version = headerDecoder.version();
        if (headerDecoder.blockLength() != BatchHeaderDecoder.BLOCK_LENGTH ||
            headerDecoder.templateId() != BatchHeaderDecoder.TEMPLATE_ID ||
            headerDecoder.schemaId() != BatchHeaderDecoder.SCHEMA_ID ||
            version > BatchHeaderDecoder.SCHEMA_VERSION ||
            (version == 0 && (buffer.getInt(position + PAYLOAD_CRC_OFFSET) != 0 || stampedLength(buffer, position) != 0)) ||
            payloadLength(buffer, position) != frameLength - HEADER_LENGTH ||
            stampedLength(buffer, position) > payloadLength(buffer, position) ||
            recordCount(buffer, position) < 1)
        {
            return MALFORMED;
        }
        if (expectedBaseOffset >= 0 && baseOffset(buffer, position) != expectedBaseOffset)
        {
            return OFFSET_MISMATCH;
        }
        if (verifyCrc && !crcMatches(buffer, view, crc32c, position, frameLength))
        {
            return CRC_MISMATCH;
        }
        return frameLength;
    }

    /**
     * @param result a {@link #check} result below 1.
     * @return what it means, for reports.
     */
    public static String describe(final int result)
    {
        return switch (result)
        {
            case END -> "end of data";
            case TRUNCATED -> "frame runs past the end of the segment";
            case MALFORMED -> "malformed frame header";
            case OFFSET_MISMATCH -> "base offset does not follow the previous frame";
            case CRC_MISMATCH -> "CRC mismatch";
            default -> "valid frame of " + result + " bytes";
        };
    }
}
