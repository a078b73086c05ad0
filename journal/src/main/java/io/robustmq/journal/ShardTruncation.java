package io.robustmq.journal;

import io.robustmq.journal.codecs.MessageHeaderDecoder;
import io.robustmq.journal.fs.FileAllocation;
import io.robustmq.journal.fs.FileLayer;
import io.robustmq.journal.fs.MappedFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Cuts a shard's log back to an offset, all or nothing across a crash or a power cut. An intent
 * file ({@value #INTENT_FILE}, written durably) records the offset first; then every segment that
 * starts past the offset is deleted, the segment holding it is replaced (by a durable rename) with a
 * copy of its frames before the cut, the checkpoint is rewritten to trust nothing past the cut, and
 * only then is the intent deleted. Recovery that finds an intent applies it again before anything
 * else, so a shard is found either as it was (no intent yet) or truncated.
 * <pre>
 *  intent file:
 *  +---------------------------------------------------------------+
 *  |                       Magic ("RMQT")                          |  0
 *  +---------------------------------------------------------------+
 *  |                       Reserved (0)                            |  4
 *  +---------------------------------------------------------------+
 *  |                       Offset to truncate to                   |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class ShardTruncation
{
    static final String INTENT_FILE = "truncate-to";
    private static final String COPY_FILE = "truncated-segment.tmp";
    private static final int MAGIC = 0x544D4D52;
    private static final int LENGTH = 16;

    private ShardTruncation()
    {
    }

    /**
     * Record, durably, that the log is to be cut back to an offset.
     */
    static void writeIntent(final FileLayer layer, final Path dir, final long offset) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0, MAGIC).putInt(4, 0).putLong(8, offset);
        layer.writeDurably(dir.resolve(INTENT_FILE), bytes);
    }

    /**
     * @return the offset of an unfinished truncation, or -1 if there is none.
     */
    static long readIntent(final FileLayer layer, final Path dir) throws IOException
    {
        final Path file = dir.resolve(INTENT_FILE);
        if (!layer.isRegularFile(file))
        {
            return -1;
        }
        final ByteBuffer bytes = ByteBuffer.wrap(layer.readAll(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.capacity() != LENGTH || bytes.getInt(0) != MAGIC || bytes.getLong(8) < 0)
        {
            throw new IOException("unreadable truncation intent " + file + ": remove it by hand once the shard is checked");
        }
        return bytes.getLong(8);
    }

    /**
     * Cut the segment files back to an offset and finish the truncation its intent records. Every
     * step is idempotent: after a crash, applying it again finishes it.
     *
     * @param layer  the file layer.
     * @param dir    the shard's directory.
     * @param offset no batch holding this offset, or any later one, is kept.
     * @return the offset the log now ends at: the end of the last batch kept.
     */
    static long apply(final FileLayer layer, final Path dir, final long offset) throws IOException
    {
        layer.delete(dir.resolve(COPY_FILE));
        final List<Path> files = new ArrayList<>();
        for (final Path entry : layer.list(dir))
        {
            if (entry.getFileName().toString().matches("\\d{20}\\" + Segment.LOG_SUFFIX))
            {
                files.add(entry);
            }
        }
        Path holding = null;
        for (int i = files.size() - 1; i >= 0; i--)
        {
            final Path file = files.get(i);
            if (holding == null && Segment.parseBaseOffset(file) <= offset)
            {
                holding = file;
            }
            else if (holding == null)
            {
                layer.delete(Segment.indexFileOf(file));
                layer.delete(file);
            }
        }
        long end = offset;
        if (holding != null)
        {
            end = cut(layer, dir, holding, offset);
            Checkpoint.writeDurably(layer, dir, Segment.parseBaseOffset(holding));
        }
        layer.syncDirectory(dir);
        layer.delete(dir.resolve(INTENT_FILE));
        layer.syncDirectory(dir);
        return end;
    }

    /**
     * Replace a segment with a copy of its frames that end at or before an offset, if it holds any
     * frame past it.
     *
     * @return the end of the last frame kept.
     */
    private static long cut(final FileLayer layer, final Path dir, final Path file, final long offset)
        throws IOException
    {
        final long base = Segment.parseBaseOffset(file);
        final MappedFile mapped = layer.map(file);
        try
        {
            final ByteBuffer bytes = mapped.buffer();
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final MessageHeaderDecoder decoder = new MessageHeaderDecoder();
            final CRC32C crc = new CRC32C();
            int position = 0;
            long next = base;
            while (true)
            {
                final int result = BatchFrames.check(buffer, bytes, crc, decoder, position, buffer.capacity(), next, false);
                if (result <= 0)
                {
                    return next;
                }
                final long frameEnd = next + BatchFrames.recordCount(buffer, position);
                if (frameEnd > offset)
                {
                    break;
                }
                next = frameEnd;
                position += FrameDescriptor.alignedLength(result);
            }
            final Path copy = dir.resolve(COPY_FILE);
            final MappedFile target = layer.mapNew(copy, buffer.capacity(), FileAllocation.PAGE_WRITES);
            try
            {
                target.buffer().put(0, bytes, 0, position);
                target.force(0, buffer.capacity());
            }
            finally
            {
                target.close();
            }
            layer.delete(Segment.indexFileOf(file));
            layer.move(copy, file);
            return next;
        }
        finally
        {
            mapped.close();
        }
    }
}
