package io.robustmq.plugin.kafka.protocol;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.network.TransferableChannel;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.RecordsSend;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Record batches served as the shard holds them: buffers retained from the journal's mapped
 * segments, written into a response without a copy ({@link ResponseEncoder} adds them to the
 * outgoing buffer as they are). The records own their buffers until written, or until
 * {@link #release()}.
 */
public final class ByteBufRecords implements BaseRecords
{
    private final List<ByteBuf> batches = new ArrayList<>(4);
    private int sizeInBytes;

    /**
     * @param batch a whole record batch; these records take over its reference.
     */
    public void add(final ByteBuf batch)
    {
        batches.add(batch);
        sizeInBytes += batch.readableBytes();
    }

    /**
     * @return the batches, in order; still owned by these records.
     */
    List<ByteBuf> batches()
    {
        return batches;
    }

    /**
     * @return true if there are no batches.
     */
    public boolean isEmpty()
    {
        return batches.isEmpty();
    }

    @Override
    public int sizeInBytes()
    {
        return sizeInBytes;
    }

    /**
     * Let the batches go, if they were never written.
     */
    public void release()
    {
        for (final ByteBuf batch : batches)
        {
            batch.release();
        }
        batches.clear();
        sizeInBytes = 0;
    }

    /**
     * Kafka's own way of sending records, over a channel: the bytes of every batch in turn.
     */
    @Override
    public RecordsSend<ByteBufRecords> toSend()
    {
        return new RecordsSend<>(this, sizeInBytes)
        {
            @Override
            protected int writeTo(final TransferableChannel channel, final int previouslyWritten, final int remaining)
                throws IOException
            {
                int skip = previouslyWritten;
                int written = 0;
                for (final ByteBuf batch : batches)
                {
                    final int length = batch.readableBytes();
                    if (skip >= length)
                    {
                        skip -= length;
                        continue;
                    }
                    final java.nio.ByteBuffer bytes = batch.nioBuffer(batch.readerIndex() + skip, length - skip);
                    skip = 0;
                    final int wrote = channel.write(bytes);
                    written += wrote;
                    if (bytes.hasRemaining())
                    {
                        break;
                    }
                }
                return written;
            }
        };
    }
}
