package io.robustmq.kernel.storage;

import io.netty.buffer.ByteBuf;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchStamper;
import io.robustmq.plugin.api.storage.StampedBatch;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * A plugin's {@link BatchStamper} over a memory shard's copy of a batch, through one reused
 * flyweight. Threading: used under the memory shard's lock, where its offsets are assigned.
 */
final class BufferStamper implements StampedBatch
{
    private final BatchStamper stamper;
    private final int stampedBytes;
    private final CRC32C crc = new CRC32C();
    private ByteBuf batch;

    BufferStamper(final BatchStamper stamper)
    {
        this.stamper = stamper;
        this.stampedBytes = stamper.stampedBytes();
    }

    /**
     * @return {@link BatchStamper#ACCEPT} or the refusal reason, at least
     * {@link AppendCallback#FIRST_REFUSAL}.
     */
    int stamp(final ByteBuf batch, final long baseOffset, final int recordCount, final long appendTimeMs)
    {
        this.batch = batch;
        try
        {
            final int verdict = stamper.stamp(this, baseOffset, recordCount, appendTimeMs);
            return verdict == BatchStamper.ACCEPT ? BatchStamper.ACCEPT : Math.max(verdict, AppendCallback.FIRST_REFUSAL);
        }
        catch (final RuntimeException ex)
        {
            // A plugin's stamper that fails refuses its batch; it must not fail the shard.
            return AppendCallback.FIRST_REFUSAL;
        }
        finally
        {
            this.batch = null;
        }
    }

    @Override
    public int length()
    {
        return batch.readableBytes();
    }

    private int readable(final int index, final int size)
    {
        if (index < 0 || index + size > batch.readableBytes())
        {
            throw new IndexOutOfBoundsException("index " + index + " size " + size + " in a batch of " + length());
        }
        return batch.readerIndex() + index;
    }

    private int writable(final int index, final int size)
    {
        if (index < 0 || index + size > Math.min(stampedBytes, batch.readableBytes()))
        {
            throw new IndexOutOfBoundsException("a stamper writes only its first " + stampedBytes + " bytes: index " +
                index + " size " + size);
        }
        return batch.readerIndex() + index;
    }

    @Override
    public byte getByte(final int index)
    {
        return batch.getByte(readable(index, 1));
    }

    @Override
    public short getShort(final int index, final ByteOrder order)
    {
        final short value = batch.getShort(readable(index, 2));
        return order == ByteOrder.BIG_ENDIAN ? value : Short.reverseBytes(value);
    }

    @Override
    public int getInt(final int index, final ByteOrder order)
    {
        final int value = batch.getInt(readable(index, 4));
        return order == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value);
    }

    @Override
    public long getLong(final int index, final ByteOrder order)
    {
        final long value = batch.getLong(readable(index, 8));
        return order == ByteOrder.BIG_ENDIAN ? value : Long.reverseBytes(value);
    }

    @Override
    public void putByte(final int index, final byte value)
    {
        batch.setByte(writable(index, 1), value);
    }

    @Override
    public void putShort(final int index, final short value, final ByteOrder order)
    {
        batch.setShort(writable(index, 2), order == ByteOrder.BIG_ENDIAN ? value : Short.reverseBytes(value));
    }

    @Override
    public void putInt(final int index, final int value, final ByteOrder order)
    {
        batch.setInt(writable(index, 4), order == ByteOrder.BIG_ENDIAN ? value : Integer.reverseBytes(value));
    }

    @Override
    public void putLong(final int index, final long value, final ByteOrder order)
    {
        batch.setLong(writable(index, 8), order == ByteOrder.BIG_ENDIAN ? value : Long.reverseBytes(value));
    }

    @Override
    public int crc32c(final int index, final int size)
    {
        final ByteBuffer bytes = batch.internalNioBuffer(readable(index, size), size);
        crc.reset();
        crc.update(bytes);
        return (int)crc.getValue();
    }
}
