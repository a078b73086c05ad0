package io.robustmq.journal;

import io.robustmq.journal.fs.FileLayer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A shard's log start offset, set by {@link ShardLog#deleteBefore}: offsets below it are gone even
 * where their segment is still on disk. Kept in {@value #FILE_NAME}, replaced durably and atomically.
 * <pre>
 *  +---------------------------------------------------------------+
 *  |                       Magic ("RMQS")                          |  0
 *  +---------------------------------------------------------------+
 *  |                 CRC32C of bytes 8 to 16                        |  4
 *  +---------------------------------------------------------------+
 *  |                       Log start offset                        |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 * </pre>
 */
final class LogStartOffset
{
    static final String FILE_NAME = "log-start-offset";
    private static final int MAGIC = 0x534D4D52;
    private static final int LENGTH = 16;

    private LogStartOffset()
    {
    }

    static void write(final FileLayer layer, final Path dir, final long offset) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putInt(0, MAGIC).putLong(8, offset);
        final CRC32C crc = new CRC32C();
        crc.update(bytes.duplicate().position(8));
        bytes.putInt(4, (int)crc.getValue());
        layer.writeDurably(dir.resolve(FILE_NAME), bytes);
    }

    /**
     * @return the log start offset recorded, or 0 if there is none.
     * @throws IOException if the file is there but does not check out: the shard cannot be trusted
     *                     to hide what was deleted.
     */
    static long read(final FileLayer layer, final Path dir) throws IOException
    {
        final Path file = dir.resolve(FILE_NAME);
        if (!layer.isRegularFile(file))
        {
            return 0;
        }
        final ByteBuffer bytes = ByteBuffer.wrap(layer.readAll(file)).order(ByteOrder.LITTLE_ENDIAN);
        final CRC32C crc = new CRC32C();
        if (bytes.capacity() == LENGTH)
        {
            crc.update(bytes.duplicate().position(8));
        }
        if (bytes.capacity() != LENGTH || bytes.getInt(0) != MAGIC || bytes.getInt(4) != (int)crc.getValue())
        {
            throw new IOException("unreadable log start offset " + file);
        }
        return bytes.getLong(8);
    }
}
