package io.robustmq.journal.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * The real file system, except that forces of the files under a chosen directory fail, as a device
 * that returns EIO would make them.
 */
public final class FaultyFileLayer implements FileLayer
{
    private volatile Path failingDirectory;

    /**
     * @param directory forces of files under it fail from now on; null: none fail.
     */
    public void failForcesUnder(final Path directory)
    {
        this.failingDirectory = directory == null ? null : directory.toAbsolutePath();
    }

    private boolean fails(final Path file)
    {
        final Path failing = failingDirectory;
        return failing != null && file.toAbsolutePath().startsWith(failing);
    }

    @Override
    public MappedFile mapNew(final Path file, final int size, final FileAllocation allocation) throws IOException
    {
        return faulty(file, SYSTEM.mapNew(file, size, allocation));
    }

    @Override
    public MappedFile map(final Path file) throws IOException
    {
        return faulty(file, SYSTEM.map(file));
    }

    @Override
    public MappedFile mapReadOnly(final Path file) throws IOException
    {
        return SYSTEM.mapReadOnly(file);
    }

    private MappedFile faulty(final Path file, final MappedFile mapped)
    {
        return new MappedFile()
        {
            @Override
            public ByteBuffer buffer()
            {
                return mapped.buffer();
            }

            @Override
            public void force(final int position, final int length)
            {
                if (fails(file))
                {
                    throw new UncheckedIOException(new IOException("Input/output error (injected): " + file));
                }
                mapped.force(position, length);
            }

            @Override
            public void close()
            {
                mapped.close();
            }
        };
    }

    @Override
    public WritableFile open(final Path file) throws IOException
    {
        return SYSTEM.open(file);
    }

    @Override
    public long size(final Path file) throws IOException
    {
        return SYSTEM.size(file);
    }

    @Override
    public boolean exists(final Path file)
    {
        return SYSTEM.exists(file);
    }

    @Override
    public boolean isRegularFile(final Path file)
    {
        return SYSTEM.isRegularFile(file);
    }

    @Override
    public void setLength(final Path file, final long size) throws IOException
    {
        SYSTEM.setLength(file, size);
    }

    @Override
    public void move(final Path from, final Path to) throws IOException
    {
        SYSTEM.move(from, to);
    }

    @Override
    public void delete(final Path file) throws IOException
    {
        SYSTEM.delete(file);
    }

    @Override
    public List<Path> list(final Path dir) throws IOException
    {
        return SYSTEM.list(dir);
    }

    @Override
    public void createDirectories(final Path dir) throws IOException
    {
        SYSTEM.createDirectories(dir);
    }

    @Override
    public void syncDirectory(final Path dir) throws IOException
    {
        SYSTEM.syncDirectory(dir);
    }

    @Override
    public byte[] readAll(final Path file) throws IOException
    {
        return SYSTEM.readAll(file);
    }

    @Override
    public void writeDurably(final Path file, final ByteBuffer contents) throws IOException
    {
        SYSTEM.writeDurably(file, contents);
    }
}
