package io.robustmq.journal;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A segment file mapped read-only, for {@link JournalTool}: the file is opened for reading only and
 * nothing is ever written to it, so a segment of a running node, or a damaged one, can be looked
 * at without being changed. Unlike {@link Segment} it accepts any size, a file cut short included.
 */
final class ReadOnlySegment implements AutoCloseable
{
    private final Path file;
    private final long baseOffset;
    private final MappedByteBuffer mapped;
    private final UnsafeBuffer buffer;
    private final ByteBuffer crcView;

    private ReadOnlySegment(final Path file, final long baseOffset, final MappedByteBuffer mapped, final ByteBuffer bytes)
    {
        this.file = file;
        this.baseOffset = baseOffset;
        this.mapped = mapped;
        this.buffer = new UnsafeBuffer(bytes);
        this.crcView = bytes.duplicate();
    }

    /**
     * @param file a segment file, named by its base offset.
     * @return the file mapped read-only.
     * @throws IOException if it cannot be read or is larger than a segment can be.
     */
    static ReadOnlySegment map(final Path file) throws IOException
    {
        final long baseOffset = Segment.parseBaseOffset(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE)
            {
                throw new IOException(file + " is " + size + " bytes, larger than any segment");
            }
            if (size == 0)
            {
                return new ReadOnlySegment(file, baseOffset, null, ByteBuffer.allocateDirect(0));
            }
            final MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return new ReadOnlySegment(file, baseOffset, mapped, mapped);
        }
    }

    Path file()
    {
        return file;
    }

    String name()
    {
        return file.getFileName().toString();
    }

    long baseOffset()
    {
        return baseOffset;
    }

    /**
     * @return the segment's bytes; never written.
     */
    UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return a ByteBuffer over the same bytes, for {@link BatchFrames#check}'s CRC; its position
     * and limit are moved, its bytes never written.
     */
    ByteBuffer crcView()
    {
        return crcView;
    }

    /**
     * @return the file's size.
     */
    int capacity()
    {
        return buffer.capacity();
    }

    Path indexFile()
    {
        return Segment.indexFileOf(file);
    }

    boolean hasIndexFile()
    {
        return Files.exists(indexFile());
    }

    /**
     * @param from a position.
     * @return how many bytes from that position on, up to the last non-zero 8-byte word, are not
     * all zero: 0 if everything after {@code from} is zero.
     */
    int nonZeroBytesFrom(final int from)
    {
        int end = capacity() & ~7;
        while (end - 8 >= from && buffer.getLong(end - 8) == 0)
        {
            end -= 8;
        }
        return Math.max(0, end - from);
    }

    @Override
    public void close()
    {
        if (mapped != null)
        {
            IoUtil.unmap(mapped);
        }
    }
}
