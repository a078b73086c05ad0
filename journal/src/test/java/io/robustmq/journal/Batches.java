package io.robustmq.journal;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Test batches whose bytes say which batch they are, so a read can be checked byte for byte.
 */
final class Batches
{
    record Batch(long baseOffset, int recordCount, long maxTimestamp, int format, byte[] payload)
    {
        long nextOffset()
        {
            return baseOffset + recordCount;
        }
    }

    private Batches()
    {
    }

    static byte[] payload(final int index, final int length)
    {
        final byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(index * 31 + i);
        }
        return bytes;
    }

    static Batch append(final ShardLog log, final int index, final int length, final int recordCount, final long timestamp)
    {
        final byte[] payload = payload(index, length);
        final int format = index % 4;
        final long base = log.append(new UnsafeBuffer(payload), 0, length, recordCount, timestamp, format);
        if (base < 0)
        {
            throw new AssertionError("append refused: " + base);
        }
        return new Batch(base, recordCount, timestamp, format, payload);
    }

    /**
     * Read every batch from an offset to the end of the log.
     */
    static List<Batch> readAll(final ShardLog log, final long from, final int maxBytes)
    {
        return readRange(log, from, Long.MAX_VALUE, maxBytes);
    }

    /**
     * Read every batch from an offset until one at or past {@code to}, or the end of the log.
     */
    static List<Batch> readRange(final ShardLog log, final long from, final long to, final int maxBytes)
    {
        final List<Batch> batches = new ArrayList<>();
        final JournalView view = new JournalView();
        long offset = from;
        while (true)
        {
            if (offset >= to)
            {
                return batches;
            }
            final int read = log.read(offset, maxBytes, view);
            if (read == 0)
            {
                return batches;
            }
            if (read < 0)
            {
                throw new AssertionError("read at " + offset + " failed: " + read);
            }
            try
            {
                int position = view.offset();
                final int end = view.offset() + view.length();
                while (position < end)
                {
                    final int payloadLength = BatchFrames.payloadLength(view.buffer(), position);
                    final byte[] payload = new byte[payloadLength];
                    view.buffer().getBytes(BatchFrames.payloadOffset(position), payload);
                    batches.add(new Batch(BatchFrames.baseOffset(view.buffer(), position),
                        BatchFrames.recordCount(view.buffer(), position), BatchFrames.maxTimestamp(view.buffer(), position),
                        BatchFrames.format(view.buffer(), position), payload));
                    position += FrameDescriptor.alignedLength(BatchFrames.frameLength(view.buffer(), position));
                }
                offset = view.nextOffset();
            }
            finally
            {
                view.release();
            }
        }
    }

    static void assertSame(final List<Batch> expected, final List<Batch> actual)
    {
        if (expected.size() != actual.size())
        {
            throw new AssertionError("expected " + expected.size() + " batches, read " + actual.size());
        }
        for (int i = 0; i < expected.size(); i++)
        {
            final Batch e = expected.get(i);
            final Batch a = actual.get(i);
            if (e.baseOffset() != a.baseOffset() || e.recordCount() != a.recordCount() ||
                e.maxTimestamp() != a.maxTimestamp() || e.format() != a.format() || !Arrays.equals(e.payload(), a.payload()))
            {
                throw new AssertionError("batch " + i + " differs: expected " + describe(e) + ", read " + describe(a));
            }
        }
    }

    private static String describe(final Batch batch)
    {
        return "base " + batch.baseOffset() + " count " + batch.recordCount() + " ts " + batch.maxTimestamp() +
            " format " + batch.format() + " length " + batch.payload().length;
    }
}
