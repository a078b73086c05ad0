package io.robustmq.kernel.storage;

import io.netty.buffer.ByteBuf;
import io.robustmq.plugin.api.storage.ShardView;

import java.util.Arrays;

/**
 * Batches of a memory read: the stored buffers, retained (not copied) until released.
 */
final class MemoryShardView implements ShardView
{
    private long[] baseOffsets = new long[16];
    private int[] recordCounts = new int[16];
    private long[] maxTimestamps = new long[16];
    private int[] formats = new int[16];
    private ByteBuf[] payloads = new ByteBuf[16];
    private int count;
    private int current = -1;

    void add(final long baseOffset, final int recordCount, final long maxTimestamp, final int format, final ByteBuf payload)
    {
        if (count == payloads.length)
        {
            final int grown = count * 2;
            baseOffsets = Arrays.copyOf(baseOffsets, grown);
            recordCounts = Arrays.copyOf(recordCounts, grown);
            maxTimestamps = Arrays.copyOf(maxTimestamps, grown);
            formats = Arrays.copyOf(formats, grown);
            payloads = Arrays.copyOf(payloads, grown);
        }
        baseOffsets[count] = baseOffset;
        recordCounts[count] = recordCount;
        maxTimestamps[count] = maxTimestamp;
        formats[count] = format;
        payloads[count] = payload;
        count++;
    }

    @Override
    public boolean next()
    {
        if (current + 1 >= count)
        {
            return false;
        }
        current++;
        return true;
    }

    @Override
    public long baseOffset()
    {
        return baseOffsets[current];
    }

    @Override
    public int recordCount()
    {
        return recordCounts[current];
    }

    @Override
    public long maxTimestamp()
    {
        return maxTimestamps[current];
    }

    @Override
    public int format()
    {
        return formats[current];
    }

    @Override
    public ByteBuf payload()
    {
        return payloads[current];
    }

    @Override
    public ByteBuf retainedPayload()
    {
        return payloads[current].retainedDuplicate().asReadOnly();
    }

    @Override
    public long nextOffset()
    {
        return count == 0 ? -1 : baseOffsets[count - 1] + recordCounts[count - 1];
    }

    @Override
    public void release()
    {
        for (int i = 0; i < count; i++)
        {
            payloads[i].release();
            payloads[i] = null;
        }
        count = 0;
        current = -1;
    }
}
