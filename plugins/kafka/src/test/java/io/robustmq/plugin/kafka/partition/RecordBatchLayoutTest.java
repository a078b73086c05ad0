package io.robustmq.plugin.kafka.partition;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class RecordBatchLayoutTest
{
    /** A batch header with {@code records} records and a few bytes of body, CRC set. */
    private static ByteBuf batch(final int records)
    {
        final int length = RecordBatchLayout.HEADER_BYTES + 8;
        final ByteBuffer bytes = ByteBuffer.allocate(length);
        bytes.putLong(0, 0).putInt(RecordBatchLayout.BATCH_LENGTH, length - RecordBatchLayout.LOG_OVERHEAD)
            .put(RecordBatchLayout.MAGIC, (byte)2).putInt(RecordBatchLayout.LAST_OFFSET_DELTA, records - 1)
            .putLong(RecordBatchLayout.PRODUCER_ID, -1).putInt(RecordBatchLayout.RECORDS_COUNT, records);
        final CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().position(RecordBatchLayout.ATTRIBUTES));
        bytes.putInt(RecordBatchLayout.CRC, (int)crc.getValue());
        return Unpooled.wrappedBuffer(bytes);
    }

    @Test
    void aWellFormedBatchPasses()
    {
        final ByteBuf batch = batch(3);
        assertNull(RecordBatchLayout.check(batch, 0));
        assertEquals(batch.readableBytes(), RecordBatchLayout.size(batch, 0));
    }

    @Test
    void aChangedByteFailsTheCrc()
    {
        final ByteBuf batch = batch(3);
        batch.setByte(RecordBatchLayout.HEADER_BYTES + 2, 1);
        assertNotNull(RecordBatchLayout.check(batch, 0));
    }

    @Test
    void anotherMagicATruncatedBatchAndAWrongCountAreRefused()
    {
        final ByteBuf magic = batch(1);
        magic.setByte(RecordBatchLayout.MAGIC, 1);
        assertNotNull(RecordBatchLayout.check(magic, 0));
        final ByteBuf truncated = batch(1);
        assertNotNull(RecordBatchLayout.check(truncated.slice(0, truncated.readableBytes() - 1), 0));
        final ByteBuf count = batch(1);
        count.setInt(RecordBatchLayout.LAST_OFFSET_DELTA, 4);
        assertNotNull(RecordBatchLayout.check(count, 0));
        assertNotNull(RecordBatchLayout.check(batch(1).slice(0, 20), 0), "shorter than a header");
    }
}
