package io.robustmq.journal;

import io.robustmq.journal.codecs.BatchHeaderEncoder;
import io.robustmq.journal.codecs.MessageHeaderEncoder;
import org.agrona.BitUtil;

/**
 * The layout of one batch in a segment file. Frames follow each other from position 0, each
 * starting on an 8-byte boundary; a frame length of 0 marks the end of the written data.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                 Frame Length (written last)                   |  0
 *  +---------------------------------------------------------------+
 *  |        Payload CRC32C (of the payload after the stamped)      |  4
 *  +-------------------------------+-------------------------------+
 *  |     SBE Block Length (32)     |      SBE Template Id (1)      |  8
 *  +-------------------------------+-------------------------------+
 *  |     SBE Schema Id (101)       |      SBE Schema Version (1)   | 12
 *  +-------------------------------+-------------------------------+
 *  |    Header CRC32C (of 20 to 48, then the stamped payload)      | 16
 *  +-------------------------------+-------------------------------+
 *  |            Format             |        Stamped Length         | 20
 *  +-------------------------------+-------------------------------+
 *  |                          Base Offset                          | 24
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Max Timestamp                         | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                         Record Count                          | 40
 *  +---------------------------------------------------------------+
 *  |                        Payload Length                         | 44
 *  +---------------------------------------------------------------+
 *  |        Stamped payload prefix (Stamped Length bytes)         ...| 48
 *  +---------------------------------------------------------------+
 *  |                     Rest of the payload                      ...|
 *  +---------------------------------------------------------------+
 *  |                 Padding to the next multiple of 8            ...|
 *  +---------------------------------------------------------------+
 * </pre>
 * Bytes 16 to 48 are the SBE {@code BatchHeader} block (journal-schema.xml). The frame length
 * counts the header and the payload, not the padding; it is stored last, with release semantics,
 * so a non-zero length means the frame is complete.
 * <p>
 * Two CRCs cover the frame, so that neither costs the writer thread time in proportion to the
 * batch: the payload CRC, over the payload after its stamped prefix, is computed by the producer
 * as it hands the batch over; the header CRC, over the header fields the writer fills in (the base
 * offset among them) and the stamped prefix (the bytes a stamping hook may rewrite as the offset
 * is assigned), is computed by the writer. Frames of schema version 0 had one CRC, at 16, over
 * everything after it, a zero word at 4 and no stamped prefix; they are still read.
 */
public final class FrameDescriptor
{
    /** Every frame starts on a multiple of this. */
    public static final int FRAME_ALIGNMENT = 8;
    /** Offset of the frame length. */
    public static final int FRAME_LENGTH_OFFSET = 0;
    /** Offset of the SBE message header. */
    public static final int SBE_HEADER_OFFSET = 8;
    /** Offset of the SBE BatchHeader block. */
    public static final int BLOCK_OFFSET = SBE_HEADER_OFFSET + MessageHeaderEncoder.ENCODED_LENGTH;
    /** Offset of the payload CRC (schema version 1; zero in version 0). */
    public static final int PAYLOAD_CRC_OFFSET = 4;
    /** Offset of the header CRC (schema version 1), or of the whole frame's (version 0). */
    public static final int CRC_OFFSET = BLOCK_OFFSET + BatchHeaderEncoder.crcEncodingOffset();
    /** The header CRC covers the frame from here to the end of the stamped payload prefix. */
    public static final int CRC_COVERED_OFFSET = CRC_OFFSET + BatchHeaderEncoder.crcEncodingLength();
    /** Offset of the stamped length. */
    public static final int STAMPED_LENGTH_OFFSET = BLOCK_OFFSET + BatchHeaderEncoder.stampedLengthEncodingOffset();
    /** The largest stamped payload prefix. */
    public static final int MAX_STAMPED_LENGTH = 0xFFFF;
    /** Offset of the payload format. */
    public static final int FORMAT_OFFSET = BLOCK_OFFSET + BatchHeaderEncoder.formatEncodingOffset();
    /** Offset of the batch's base offset. */
    public static final int BASE_OFFSET_OFFSET = BLOCK_OFFSET + BatchHeaderEncoder.baseOffsetEncodingOffset();
    /** Offset of the batch's largest timestamp. */
    public static final int MAX_TIMESTAMP_OFFSET = BLOCK_OFFSET + BatchHeaderEncoder.maxTimestampEncodingOffset();
    /** Offset of the record count. */
    public static final int RECORD_COUNT_OFFSET = BLOCK_OFFSET + BatchHeaderEncoder.recordCountEncodingOffset();
    /** Offset of the payload length. */
    public static final int PAYLOAD_LENGTH_OFFSET = BLOCK_OFFSET + BatchHeaderEncoder.payloadLengthEncodingOffset();
    /** Length of a frame's header; the payload starts here. */
    public static final int HEADER_LENGTH = BLOCK_OFFSET + BatchHeaderEncoder.BLOCK_LENGTH;

    static
    {
        if (HEADER_LENGTH % FRAME_ALIGNMENT != 0 || CRC_OFFSET != 16 || HEADER_LENGTH != 48)
        {
            throw new IllegalStateException("journal-schema.xml no longer matches FrameDescriptor's diagram");
        }
    }

    private FrameDescriptor()
    {
    }

    /**
     * @param payloadLength bytes of payload.
     * @return the frame length stored in the frame: header and payload.
     */
    public static int frameLength(final int payloadLength)
    {
        return HEADER_LENGTH + payloadLength;
    }

    /**
     * @param frameLength a frame length.
     * @return the space the frame takes in the segment, padding included.
     */
    public static int alignedLength(final int frameLength)
    {
        return BitUtil.align(frameLength, FRAME_ALIGNMENT);
    }
}
