package io.robustmq.kernel;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One node per data directory: an OS lock on {@code <data_dir>/LOCK}, taken before anything
 * starts and released by the OS even if the node is killed.
 */
final class DataDirectoryLock implements AutoCloseable
{
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    static DataDirectoryLock acquire(final Path dataDir) throws IOException
    {
        Files.createDirectories(dataDir);
        final FileChannel channel = FileChannel.open(dataDir.resolve("LOCK"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE);
        FileLock lock;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null;
        }
        if (lock == null)
        {
            channel.close();
            throw new IOException("data directory " + dataDir + " is in use by another node");
        }
        return new DataDirectoryLock(channel, lock);
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException ignored)
        {
            // Closing the channel releases the lock; the process ending does too.
        }
    }
}
