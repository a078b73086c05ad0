package io.robustmq.kernel.storage;

import io.robustmq.journal.FrameStamper;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchStamper;
import io.robustmq.plugin.api.storage.StampedBatch;
import org.agrona.MutableDirectBuffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * A plugin's {@link BatchStamper} as the journal's {@link FrameStamper}: the batch is shown to it
 * through one reused flyweight over the segment's memory, so stamping allocates nothing (a view of
 * a segment's memory for CRCs is made once per segment).
 * <p>
 * Threading: used by the shard's writer thread only.
 */
final class SegmentStamper implements FrameStamper, StampedBatch
{
    private final BatchStamper stamper;
    private final int stampedBytes;
    private final CRC32C crc = new CRC32C();
    private MutableDirectBuffer buffer;
    private int offset;
    private int length;
    private ByteBuffer crcSource;
    private ByteBuffer crcView;

    SegmentStamper(final BatchStamper stamper)
    {
        this.stamper = stamper;
        this.stampedBytes = stamper.stampedBytes();
    }

    @Override
    public int stampedBytes()
    {
        return stampedBytes;
    }

    @Override
    public int stamp(
        final MutableDirectBuffer buffer,
        final int payloadOffset,
        final int payloadLength,
        final long baseOffset,
        final int recordCount,
        final long appendTimeMs)
    {
        this.buffer = buffer;
        this.offset = payloadOffset;
        this.length = payloadLength;
        try
        {
            final int verdict = stamper.stamp(this, baseOffset, recordCount, appendTimeMs);
            return verdict == BatchStamper.ACCEPT ? ACCEPT : Math.max(verdict, AppendCallback.FIRST_REFUSAL);
        }
        catch (final RuntimeException ex)
        {
            // A plugin's stamper that fails refuses its batch; it must not fail the shard.
            return AppendCallback.FIRST_REFUSAL;
        }
        finally
        {
            this.buffer = null;
        }
    }

    @Override
    public int length()
    {
        return length;
    }

    private int readable(final int index, final int size)
    {
        if (index < 0 || index + size > length)
        {
            throw new IndexOutOfBoundsException("index " + index + " size " + size + " in a batch of " + length);
        }
        return offset + index;
    }

    private int writable(final int index, final int size)
    {
        if (index < 0 || index + size > Math.min(stampedBytes, length))
        {
            throw new IndexOutOfBoundsException("a stamper writes only its first " + stampedBytes + " bytes: index " +
                index + " size " + size);
        }
        return offset + index;
    }

    @Override
    public byte getByte(final int index)
    {
        return buffer.getByte(readable(index, 1));
    }

    @Override
    public short getShort(final int index, final ByteOrder order)
    {
        return buffer.getShort(readable(index, 2), order);
    }

    @Override
    public int getInt(final int index, final ByteOrder order)
    {
        return buffer.getInt(readable(index, 4), order);
    }

    @Override
    public long getLong(final int index, final ByteOrder order)
    {
        return buffer.getLong(readable(index, 8), order);
    }

    @Override
    public void putByte(final int index, final byte value)
    {
        buffer.putByte(writable(index, 1), value);
    }

    @Override
    public void putShort(final int index, final short value, final ByteOrder order)
    {
        buffer.putShort(writable(index, 2), value, order);
    }

    @Override
    public void putInt(final int index, final int value, final ByteOrder order)
    {
        buffer.putInt(writable(index, 4), value, order);
    }

    @Override
    public void putLong(final int index, final long value, final ByteOrder order)
    {
        buffer.putLong(writable(index, 8), value, order);
    }

    @Override
    public int crc32c(final int index, final int size)
    {
        final int at = readable(index, size) + buffer.wrapAdjustment();
        final ByteBuffer source = buffer.byteBuffer();
        if (source != crcSource)
        {
            crcSource = source;
            crcView = source.duplicate();
        }
        crcView.limit(at + size).position(at);
        crc.reset();
        crc.update(crcView);
        crcView.clear();
        return (int)crc.getValue();
    }
}
