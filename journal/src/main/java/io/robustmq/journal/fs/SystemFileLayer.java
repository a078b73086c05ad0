package io.robustmq.journal.fs;

import org.agrona.IoUtil;
import org.agrona.UnsafeApi;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The real file system: memory-mapped files, {@code msync} for forces, {@code fsync} of a directory
 * opened read-only for directory syncs (Linux and other Unix-like systems).
 */
final class SystemFileLayer implements FileLayer
{
    @Override
    public MappedFile mapNew(final Path file, final int size, final FileAllocation allocation) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            final long existing = raf.length();
            if (allocation == FileAllocation.PAGE_WRITES && existing < size)
            {
                writeZeros(raf.getChannel(), existing, size);
            }
            else
            {
                raf.setLength(size);
            }
        }
        return map(file);
    }

    private static void writeZeros(final FileChannel channel, final long from, final long to) throws IOException
    {
        final int pageSize = UnsafeApi.pageSize();
        final ByteBuffer page = ByteBuffer.allocate(pageSize);
        long position = from;
        while (position < to)
        {
            final long pageEnd = Math.min(to, (position / pageSize + 1) * pageSize);
            page.clear().limit((int)(pageEnd - position));
            while (page.hasRemaining())
            {
                position += channel.write(page, position);
            }
        }
    }

    @Override
    public MappedFile map(final Path file) throws IOException
    {
        return map(file, false);
    }

    @Override
    public MappedFile mapReadOnly(final Path file) throws IOException
    {
        return map(file, true);
    }

    private static MappedFile map(final Path file, final boolean readOnly) throws IOException
    {
        try (FileChannel channel = readOnly ? FileChannel.open(file, StandardOpenOption.READ) :
            FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long size = channel.size();
            if (size > Integer.MAX_VALUE)
            {
                throw new IOException(file + " is too large to map: " + size + " bytes");
            }
            final MappedByteBuffer mapped = channel.map(
                readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE, 0, size);
            return new SystemMappedFile(mapped);
        }
    }

    @Override
    public WritableFile open(final Path file) throws IOException
    {
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        return new WritableFile()
        {
            @Override
            public void write(final ByteBuffer bytes, final long position) throws IOException
            {
                long at = position;
                while (bytes.hasRemaining())
                {
                    at += channel.write(bytes, at);
                }
            }

            @Override
            public void force() throws IOException
            {
                channel.force(true);
            }

            @Override
            public void close() throws IOException
            {
                channel.close();
            }
        };
    }

    @Override
    public long size(final Path file) throws IOException
    {
        return Files.size(file);
    }

    @Override
    public boolean exists(final Path file)
    {
        return Files.exists(file);
    }

    @Override
    public boolean isRegularFile(final Path file)
    {
        return Files.isRegularFile(file);
    }

    @Override
    public void setLength(final Path file, final long size) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.setLength(size);
        }
    }

    @Override
    public void move(final Path from, final Path to) throws IOException
    {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void delete(final Path file) throws IOException
    {
        Files.deleteIfExists(file);
    }

    @Override
    public List<Path> list(final Path dir) throws IOException
    {
        final List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir))
        {
            stream.forEach(entries::add);
        }
        entries.sort(null);
        return entries;
    }

    @Override
    public void createDirectories(final Path dir) throws IOException
    {
        final Path absolute = dir.toAbsolutePath();
        if (Files.isDirectory(absolute))
        {
            return;
        }
        final Path parent = absolute.getParent();
        if (parent != null)
        {
            createDirectories(parent);
        }
        Files.createDirectory(absolute);
        if (parent != null)
        {
            syncDirectory(parent);
        }
    }

    @Override
    public void syncDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    @Override
    public byte[] readAll(final Path file) throws IOException
    {
        return Files.readAllBytes(file);
    }

    @Override
    public void writeDurably(final Path file, final ByteBuffer contents) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING))
        {
            while (contents.hasRemaining())
            {
                channel.write(contents);
            }
            channel.force(true);
        }
        move(temp, file);
        syncDirectory(file.toAbsolutePath().getParent());
    }

    private static final class SystemMappedFile implements MappedFile
    {
        private final MappedByteBuffer mapped;

        SystemMappedFile(final MappedByteBuffer mapped)
        {
            this.mapped = mapped;
        }

        @Override
        public ByteBuffer buffer()
        {
            return mapped;
        }

        @Override
        public void force(final int position, final int length)
        {
            mapped.force(position, length);
        }

        @Override
        public void close()
        {
            IoUtil.unmap(mapped);
        }
    }
}
