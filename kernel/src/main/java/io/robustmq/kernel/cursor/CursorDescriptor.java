package io.robustmq.kernel.cursor;

/**
 * The byte layouts of the cursor store: the records of its log (a batch appended to a cursor shard
 * is a run of these, back to back) and the messages of its writer queue (a record behind the
 * completion it asks for). Every integer is little-endian; a string is a 32-bit byte count followed
 * by that many bytes of UTF-8.
 * <pre>
 * A record:
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                  Record Length (header included)              |  0
 *  +---------------+---------------+-------------------------------+
 *  |     Type      |     Flags     |           Reserved            |  4
 *  +---------------+---------------+-------------------------------+
 *  |                           Cursor Id                           |  8
 *  +---------------------------------------------------------------+
 *  |                         Leader Epoch                          | 12
 *  +---------------------------------------------------------------+
 *  |                                                               | 16
 *  +                            Offset                             +
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Body (by type, may be empty)                ...  24
 *  +---------------------------------------------------------------+
 *
 * type              id      epoch   offset        flags      body
 * OPENED            cursor  -       -             -          group, shard
 * COMMITTED         cursor  epoch   offset        METADATA   [metadata, if the flag is set]
 * DELIVERED         cursor  -       offset        -          -
 * ACKNOWLEDGED      cursor  -       offset        MULTIPLE   -
 * DELETED           cursor  -       -             -          -
 * GROUP_DELETED     -       -       -             -          group
 * SHARD_DELETED     -       -       -             -          shard
 * CHECKPOINT_BEGIN  -       -       generation    -          -
 * CURSOR_STATE      cursor  epoch   committed C   -          delivered H (int64), group, shard, metadata
 * UNACKNOWLEDGED    cursor  -       -             -          run count (int32), runs of (first offset int64, length int32)
 * CHECKPOINT_END    cursors generation-                      -
 *
 * A message of the writer queue (the ring buffer's message, type {@link #QUEUE_MESSAGE_TYPE}):
 *  +---------------------------------------------------------------+
 *  |                          Callback Id                          |  0   -1: nobody waits
 *  +---------------------------------------------------------------+
 *  |                           Reserved                            |  4
 *  +---------------------------------------------------------------+
 *  |                         Correlation Id                        |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      The record, as above                    ...  16
 *  +---------------------------------------------------------------+
 * </pre>
 * A generation (one kernel private shard, {@code cursors-<n>}) starts with a checkpoint: CHECKPOINT_BEGIN,
 * a CURSOR_STATE (and, for a cursor with unacknowledged offsets, UNACKNOWLEDGED records) per live
 * cursor, CHECKPOINT_END; then the records of operations, in the order they were accepted.
 */
final class CursorDescriptor
{
    static final int LENGTH_OFFSET = 0;
    static final int TYPE_OFFSET = 4;
    static final int FLAGS_OFFSET = 5;
    static final int CURSOR_ID_OFFSET = 8;
    static final int LEADER_EPOCH_OFFSET = 12;
    static final int OFFSET_OFFSET = 16;
    static final int HEADER_LENGTH = 24;

    static final byte OPENED = 1;
    static final byte COMMITTED = 2;
    static final byte DELIVERED = 3;
    static final byte ACKNOWLEDGED = 4;
    static final byte DELETED = 5;
    static final byte GROUP_DELETED = 6;
    static final byte SHARD_DELETED = 7;
    static final byte CHECKPOINT_BEGIN = 8;
    static final byte CURSOR_STATE = 9;
    static final byte UNACKNOWLEDGED = 10;
    static final byte CHECKPOINT_END = 11;

    /** COMMITTED: the metadata changed and follows. */
    static final byte FLAG_METADATA = 1;
    /** ACKNOWLEDGED: every unacknowledged offset up to the offset. */
    static final byte FLAG_MULTIPLE = 2;

    /** A string's length prefix. */
    static final int STRING_LENGTH_BYTES = 4;
    /** CURSOR_STATE: the delivered mark, first in the body. */
    static final int STATE_DELIVERED_OFFSET = HEADER_LENGTH;
    /** CURSOR_STATE: the group, after the delivered mark. */
    static final int STATE_STRINGS_OFFSET = HEADER_LENGTH + 8;
    /** UNACKNOWLEDGED: the run count. */
    static final int RUN_COUNT_OFFSET = HEADER_LENGTH;
    /** UNACKNOWLEDGED: the first run. */
    static final int RUNS_OFFSET = HEADER_LENGTH + 4;
    /** UNACKNOWLEDGED: bytes per run. */
    static final int RUN_LENGTH = 12;

    static final int QUEUE_MESSAGE_TYPE = 1;
    static final int QUEUE_CALLBACK_ID_OFFSET = 0;
    static final int QUEUE_CORRELATION_ID_OFFSET = 8;
    static final int QUEUE_HEADER_LENGTH = 16;

    private CursorDescriptor()
    {
    }

    /**
     * @param type a record type.
     * @return its name, for errors and tools.
     */
    static String typeName(final int type)
    {
        return switch (type)
        {
            case OPENED -> "OPENED";
            case COMMITTED -> "COMMITTED";
            case DELIVERED -> "DELIVERED";
            case ACKNOWLEDGED -> "ACKNOWLEDGED";
            case DELETED -> "DELETED";
            case GROUP_DELETED -> "GROUP_DELETED";
            case SHARD_DELETED -> "SHARD_DELETED";
            case CHECKPOINT_BEGIN -> "CHECKPOINT_BEGIN";
            case CURSOR_STATE -> "CURSOR_STATE";
            case UNACKNOWLEDGED -> "UNACKNOWLEDGED";
            case CHECKPOINT_END -> "CHECKPOINT_END";
            default -> "type " + type;
        };
    }
}
