package io.robustmq.plugin.kafka.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import org.apache.kafka.common.protocol.Writable;
import org.apache.kafka.common.record.internal.BaseRecords;

import java.nio.ByteBuffer;

/**
 * Where a response is serialised: the message's own fields into a buffer sized for them, and
 * {@link ByteBufRecords} added as they are, between those bytes, without a copy.
 */
final class CompositeWritable implements Writable
{
    private final ByteBufAllocator allocator;
    private final CompositeByteBuf out;
    private ByteBuf current;
    private int remainingFieldBytes;

    /**
     * @param allocator  for the fields' buffers.
     * @param fieldBytes how many bytes the fields take in all (records excluded).
     */
    CompositeWritable(final ByteBufAllocator allocator, final int fieldBytes)
    {
        this.allocator = allocator;
        this.out = allocator.compositeBuffer(Integer.MAX_VALUE);
        this.remainingFieldBytes = fieldBytes;
        this.current = allocator.buffer(fieldBytes);
    }

    /**
     * @return everything written; the caller owns it.
     */
    ByteBuf finish()
    {
        out.addComponent(true, current);
        current = null;
        return out;
    }

    /**
     * Let everything go, when serialisation failed.
     */
    void discard()
    {
        if (current != null)
        {
            current.release();
            current = null;
        }
        out.release();
    }

    @Override
    public void writeByte(final byte value)
    {
        current.writeByte(value);
    }

    @Override
    public void writeShort(final short value)
    {
        current.writeShort(value);
    }

    @Override
    public void writeInt(final int value)
    {
        current.writeInt(value);
    }

    @Override
    public void writeLong(final long value)
    {
        current.writeLong(value);
    }

    @Override
    public void writeDouble(final double value)
    {
        current.writeDouble(value);
    }

    @Override
    public void writeByteArray(final byte[] array)
    {
        current.writeBytes(array);
    }

    @Override
    public void writeUnsignedVarint(final int value)
    {
        int rest = value;
        while ((rest & 0xffffff80) != 0)
        {
            current.writeByte((byte)((rest & 0x7f) | 0x80));
            rest >>>= 7;
        }
        current.writeByte((byte)rest);
    }

    @Override
    public void writeByteBuffer(final ByteBuffer buffer)
    {
        current.writeBytes(buffer.duplicate());
    }

    @Override
    public void writeVarint(final int value)
    {
        writeUnsignedVarint((value << 1) ^ (value >> 31));
    }

    @Override
    public void writeVarlong(final long value)
    {
        long rest = (value << 1) ^ (value >> 63);
        while ((rest & 0xffffffffffffff80L) != 0L)
        {
            current.writeByte((byte)((rest & 0x7f) | 0x80));
            rest >>>= 7;
        }
        current.writeByte((byte)rest);
    }

    @Override
    public void writeRecords(final BaseRecords records)
    {
        if (!(records instanceof ByteBufRecords batches))
        {
            Writable.super.writeRecords(records);
            return;
        }
        // The fields so far, then the batches as they are, then a buffer for the fields after them.
        remainingFieldBytes -= current.readableBytes();
        out.addComponent(true, current);
        for (final ByteBuf batch : batches.batches())
        {
            out.addComponent(true, batch);
        }
        batches.batches().clear();
        current = allocator.buffer(Math.max(remainingFieldBytes, 0));
    }
}
