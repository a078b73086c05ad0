package io.robustmq.journal.engine;

/**
 * An append request as it travels from a producer to a shard's writer through the writer's
 * many-to-one ring buffer (message type {@link #APPEND_MSG_TYPE_ID}):
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Shard Id                               |  0
 *  +---------------------------------------------------------------+
 *  |                        Record Count                           |  4
 *  +---------------------------------------------------------------+
 *  |                        Max Timestamp                          |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Correlation Id                         | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Completion Id                          | 24
 *  +---------------------------------------------------------------+
 *  |                        Format                                 | 28
 *  +---------------------------------------------------------------+
 *  |        Payload CRC32C (of the payload after the stamped)      | 32
 *  +---------------------------------------------------------------+
 *  |        Stamped Length (the prefix the CRC leaves out)         | 36
 *  +---------------------------------------------------------------+
 *  |                        Payload                               ...| 40
 *  +---------------------------------------------------------------+
 * </pre>
 * Native byte order: the message never leaves the process. The producer computes the payload CRC
 * as it copies the batch in, so the writer's work per batch does not grow with its size.
 */
final class AppendDescriptor
{
    static final int APPEND_MSG_TYPE_ID = 1;
    static final int SHARD_ID_OFFSET = 0;
    static final int RECORD_COUNT_OFFSET = 4;
    static final int MAX_TIMESTAMP_OFFSET = 8;
    static final int CORRELATION_ID_OFFSET = 16;
    static final int COMPLETION_ID_OFFSET = 24;
    static final int FORMAT_OFFSET = 28;
    static final int PAYLOAD_CRC_OFFSET = 32;
    static final int STAMPED_LENGTH_OFFSET = 36;
    static final int HEADER_LENGTH = 40;

    private AppendDescriptor()
    {
    }
}
