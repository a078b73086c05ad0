package io.robustmq.journal;

import io.robustmq.journal.fs.FileLayer;
import io.robustmq.journal.fs.WritableFile;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A shard's recovery point: a segment and a position in it such that every frame before it, in that
 * segment and in every older one, was forced to the device. Recovery trusts what lies before it and
 * checks everything after it. Written in place after each force of the whole log, without a force of
 * its own: it is written only after the data it describes is durable, so a lost or torn checkpoint
 * can only make recovery check more, never less.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Magic ("RMQC")                          |  0
 *  +---------------------------------------------------------------+
 *  |                 CRC32C of bytes 8 to 32                        |  4
 *  +---------------------------------------------------------------+
 *  |                 Segment Base Offset                           |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Next Offset at the position                   | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Position in the segment                       | 24
 *  +---------------------------------------------------------------+
 *  |                 Reserved (0)                                  | 28
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class Checkpoint implements AutoCloseable
{
    static final String FILE_NAME = "checkpoint";
    private static final int MAGIC = 0x434D4D52;
    private static final int LENGTH = 32;

    /**
     * A recovery point.
     *
     * @param segmentBaseOffset the active segment's base offset.
     * @param nextOffset        the offset after the last durable record.
     * @param position          the end of the durable frames in that segment.
     */
    record Point(long segmentBaseOffset, long nextOffset, int position)
    {
    }

    private final WritableFile file;
    private final ByteBuffer bytes = ByteBuffer.allocateDirect(LENGTH).order(ByteOrder.nativeOrder());
    private final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    private final CRC32C crc = new CRC32C();

    private Checkpoint(final WritableFile file)
    {
        this.file = file;
    }

    /**
     * Open the checkpoint file, creating it (and syncing the directory) if it is missing.
     */
    static Checkpoint open(final FileLayer layer, final Path dir) throws IOException
    {
        final Path path = dir.resolve(FILE_NAME);
        final boolean created = !layer.exists(path);
        final WritableFile file = layer.open(path);
        if (created)
        {
            layer.syncDirectory(dir);
        }
        return new Checkpoint(file);
    }

    /**
     * @param dir the shard's directory.
     * @return the recovery point, or null if there is none or it does not check out.
     */
    static Point read(final Path dir)
    {
        return read(FileLayer.SYSTEM, dir);
    }

    /**
     * @param layer the file layer.
     * @param dir   the shard's directory.
     * @return the recovery point, or null if there is none or it does not check out.
     */
    static Point read(final FileLayer layer, final Path dir)
    {
        final Path file = dir.resolve(FILE_NAME);
        try
        {
            if (!layer.isRegularFile(file) || layer.size(file) != LENGTH)
            {
                return null;
            }
            final ByteBuffer bytes = ByteBuffer.wrap(layer.readAll(file)).order(ByteOrder.nativeOrder());
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final CRC32C crc = new CRC32C();
            crc.update(bytes.duplicate().position(8));
            if (buffer.getInt(0) != MAGIC || buffer.getInt(4) != (int)crc.getValue() || buffer.getInt(24) < 0)
            {
                return null;
            }
            return new Point(buffer.getLong(8), buffer.getLong(16), buffer.getInt(24));
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    /**
     * Replace the checkpoint durably with one that trusts the segments before a segment and nothing
     * in it: recovery checks the segment from its start. For a truncation, which rewrites history.
     *
     * @param layer             the file layer.
     * @param dir               the shard's directory.
     * @param segmentBaseOffset the segment to check whole next time.
     */
    static void writeDurably(final FileLayer layer, final Path dir, final long segmentBaseOffset) throws IOException
    {
        final Checkpoint scratch = new Checkpoint(null);
        scratch.encode(segmentBaseOffset, segmentBaseOffset, 0);
        layer.writeDurably(dir.resolve(FILE_NAME), scratch.bytes);
    }

    private void encode(final long segmentBaseOffset, final long nextOffset, final int position)
    {
        buffer.putInt(0, MAGIC);
        buffer.putLong(8, segmentBaseOffset);
        buffer.putLong(16, nextOffset);
        buffer.putInt(24, position);
        buffer.putInt(28, 0);
        crc.reset();
        crc.update(bytes.clear().position(8));
        buffer.putInt(4, (int)crc.getValue());
        bytes.clear();
    }

    void write(final long segmentBaseOffset, final long nextOffset, final int position)
    {
        encode(segmentBaseOffset, nextOffset, position);
        try
        {
            file.write(bytes, 0);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot write checkpoint: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            file.close();
        }
        catch (final IOException ignored)
        {
            // The checkpoint is advisory: recovery checks more without it.
        }
    }
}
