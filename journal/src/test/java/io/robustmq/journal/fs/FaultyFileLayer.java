package io.robustmq.journal.fs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real file system, except that forces of the files under a chosen directory fail, as a device
 * that returns EIO would make them, or are held until released, as a slow device holds them.
 */
public final class FaultyFileLayer implements FileLayer
{
    private volatile Path failingDirectory;
    private volatile Path holdingDirectory;
    private volatile Path holdingWritesDirectory;
    private final AtomicInteger held = new AtomicInteger();
    private final Object gate = new Object();

    /**
     * @param directory forces of segment files under it wait from now on until {@link #releaseForces};
     *                  null: none wait.
     */
    public void holdForcesUnder(final Path directory)
    {
        this.holdingDirectory = directory == null ? null : directory.toAbsolutePath();
    }

    /**
     * @param directory durable writes of small files (a log start offset, a checkpoint written
     *                  durably) under it wait from now on until {@link #releaseForces}.
     */
    public void holdDurableWritesUnder(final Path directory)
    {
        this.holdingWritesDirectory = directory == null ? null : directory.toAbsolutePath();
    }

    /**
     * Let every held force and durable write go on, and hold no more.
     */
    public void releaseForces()
    {
        synchronized (gate)
        {
            holdingDirectory = null;
            holdingWritesDirectory = null;
            gate.notifyAll();
        }
    }

    /**
     * @return forces and durable writes held so far (waiting now or released since).
     */
    public int heldForces()
    {
        return held.get();
    }

    private void holdIfAsked(final Path file)
    {
        holdIf(file, false);
    }

    private void holdIf(final Path file, final boolean durableWrite)
    {
        final Path holding = durableWrite ? holdingWritesDirectory : holdingDirectory;
        if (holding == null || !file.toAbsolutePath().startsWith(holding))
        {
            return;
        }
        held.incrementAndGet();
        synchronized (gate)
        {
            while ((durableWrite ? holdingWritesDirectory : holdingDirectory) != null)
            {
                try
                {
                    gate.wait();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

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
                holdIfAsked(file);
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
        holdIf(file, true);
        SYSTEM.writeDurably(file, contents);
    }
}
