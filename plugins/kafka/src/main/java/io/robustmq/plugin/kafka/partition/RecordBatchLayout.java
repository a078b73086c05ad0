package io.robustmq.plugin.kafka.partition;

import io.netty.buffer.ByteBuf;

import java.util.zip.CRC32C;

/**
 * The Kafka record batch (magic 2) header: where its fields are, and the checks a batch passes
 * before it is stored. Offsets are from the batch's first byte; every field is big-endian.
 */
public final class RecordBatchLayout
{
    public static final int BASE_OFFSET = 0;
    public static final int BATCH_LENGTH = 8;
    public static final int PARTITION_LEADER_EPOCH = 12;
    public static final int MAGIC = 16;
    public static final int CRC = 17;
    public static final int ATTRIBUTES = 21;
    public static final int LAST_OFFSET_DELTA = 23;
    public static final int BASE_TIMESTAMP = 27;
    public static final int MAX_TIMESTAMP = 35;
    public static final int PRODUCER_ID = 43;
    public static final int PRODUCER_EPOCH = 51;
    public static final int BASE_SEQUENCE = 53;
    public static final int RECORDS_COUNT = 57;
    /** The header's size: the records follow. */
    public static final int HEADER_BYTES = 61;
    /** What {@link #BATCH_LENGTH} does not count: the base offset and the length itself. */
    public static final int LOG_OVERHEAD = 12;
    public static final byte CURRENT_MAGIC = 2;
    /** Attributes: the timestamp is the broker's append time. */
    public static final int TIMESTAMP_TYPE_FLAG = 0x08;
    /** Attributes: part of a transaction. */
    public static final int TRANSACTIONAL_FLAG = 0x10;
    /** Attributes: a control batch (transaction markers). */
    public static final int CONTROL_FLAG = 0x20;
    /** Attributes: the compression codec's bits (0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd). */
    public static final int COMPRESSION_MASK = 0x07;
    /** A producer id or epoch that is none. */
    public static final long NO_PRODUCER_ID = -1;

    private RecordBatchLayout()
    {
    }

    /**
     * Why a batch was not accepted; null if it was.
     *
     * @param batches the records of one partition in a Produce request: one or more batches.
     * @param at      where the batch starts.
     * @return a reason for people, or null if the batch at {@code at} is well formed and its CRC
     * matches.
     */
    public static String check(final ByteBuf batches, final int at)
    {
        final int end = batches.writerIndex();
        if (end - at < HEADER_BYTES)
        {
            return "a record batch shorter than its header (" + (end - at) + " bytes)";
        }
        final byte magic = batches.getByte(at + MAGIC);
        if (magic != CURRENT_MAGIC)
        {
            return "record batch magic " + magic + "; only magic 2 is accepted";
        }
        final int length = batches.getInt(at + BATCH_LENGTH);
        if (length < HEADER_BYTES - LOG_OVERHEAD || length > end - at - LOG_OVERHEAD)
        {
            return "a record batch length of " + length + " where " + (end - at - LOG_OVERHEAD) + " bytes remain";
        }
        if (batches.getInt(at + RECORDS_COUNT) <= 0)
        {
            return "a record batch without records";
        }
        if (batches.getInt(at + LAST_OFFSET_DELTA) != batches.getInt(at + RECORDS_COUNT) - 1)
        {
            return "a record batch whose last offset delta does not match its record count";
        }
        final CRC32C crc = new CRC32C();
        crc.update(batches.nioBuffer(at + ATTRIBUTES, length + LOG_OVERHEAD - ATTRIBUTES));
        if ((int)crc.getValue() != batches.getInt(at + CRC))
        {
            return "a record batch whose CRC does not match its contents";
        }
        return null;
    }

    /**
     * @param batches the records of a partition.
     * @param at      where a well-formed batch starts.
     * @return its size in bytes, header included.
     */
    public static int size(final ByteBuf batches, final int at)
    {
        return batches.getInt(at + BATCH_LENGTH) + LOG_OVERHEAD;
    }
}
