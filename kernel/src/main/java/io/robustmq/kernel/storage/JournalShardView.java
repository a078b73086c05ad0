package io.robustmq.kernel.storage;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.JournalView;
import io.robustmq.plugin.api.storage.ShardView;

import java.nio.ByteBuffer;

/**
 * Batches of a journal read, walked frame by frame in the mapped segment; payloads are read-only
 * buffers over the mapped memory.
 */
final class JournalShardView implements ShardView
{
    private final JournalView view = new JournalView();
    private int position = -1;

    JournalView journalView()
    {
        return view;
    }

    int filled()
    {
        int count = 0;
        final int end = view.offset() + view.length();
        for (int at = view.offset(); at < end; at += FrameDescriptor.alignedLength(BatchFrames.frameLength(view.buffer(), at)))
        {
            count++;
        }
        position = -1;
        return count;
    }

    @Override
    public boolean next()
    {
        if (!view.isHeld())
        {
            return false;
        }
        position = position < 0 ? view.offset() :
            position + FrameDescriptor.alignedLength(BatchFrames.frameLength(view.buffer(), position));
        return position < view.offset() + view.length();
    }

    @Override
    public long baseOffset()
    {
        return BatchFrames.baseOffset(view.buffer(), position);
    }

    @Override
    public int recordCount()
    {
        return BatchFrames.recordCount(view.buffer(), position);
    }

    @Override
    public long maxTimestamp()
    {
        return BatchFrames.maxTimestamp(view.buffer(), position);
    }

    @Override
    public int format()
    {
        return BatchFrames.format(view.buffer(), position);
    }

    @Override
    public ByteBuf payload()
    {
        return Unpooled.wrappedBuffer(payloadBytes()).asReadOnly();
    }

    @Override
    public ByteBuf retainedPayload()
    {
        return new LeasedPayloadBuf(payloadBytes(), view.lease()).asReadOnly();
    }

    private ByteBuffer payloadBytes()
    {
        final ByteBuffer mapped = view.buffer().byteBuffer();
        final int offset = view.buffer().wrapAdjustment() + BatchFrames.payloadOffset(position);
        return mapped.slice(offset, BatchFrames.payloadLength(view.buffer(), position));
    }

    @Override
    public long nextOffset()
    {
        return view.nextOffset();
    }

    @Override
    public void release()
    {
        view.release();
        position = -1;
    }
}
