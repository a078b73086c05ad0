package io.robustmq.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's root directory, held exclusively: one process at a time may own it, enforced with
 * an OS file lock on {@code LOCK}, which the OS releases even when the owner is killed. Each
 * shard is a sub-directory.
 */
public final class JournalDirectory implements AutoCloseable
{
    /** Name of the lock file in the journal directory. */
    public static final String LOCK_FILE = "LOCK";

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private JournalDirectory(final Path path, final FileChannel lockChannel, final FileLock lock)
    {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Create the directory if needed and take its lock.
     *
     * @param path the journal's root directory.
     * @return the open directory.
     * @throws JournalException if it cannot be created, or another process or instance holds it.
     */
    public static JournalDirectory open(final Path path)
    {
        final FileChannel channel;
        try
        {
            Files.createDirectories(path);
            channel = FileChannel.open(path.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot open journal directory " + path + ": " + ex.getMessage(), ex);
        }

        FileLock lock = null;
        try
        {
            lock = channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            lock = null;
        }
        catch (final IOException ex)
        {
            closeQuietly(channel);
            throw new JournalException("cannot lock journal directory " + path + ": " + ex.getMessage(), ex);
        }
        if (lock == null)
        {
            closeQuietly(channel);
            throw new JournalException("journal directory " + path + " is in use by another node", null);
        }
        return new JournalDirectory(path, channel, lock);
    }

    /**
     * @return the directory.
     */
    public Path path()
    {
        return path;
    }

    /**
     * @return the names of the shard directories present, sorted.
     * @throws JournalException if the directory cannot be listed.
     */
    public List<String> shardNames()
    {
        final List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(path, Files::isDirectory))
        {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot list journal directory " + path + ": " + ex.getMessage(), ex);
        }
        names.sort(null);
        return names;
    }

    /**
     * Release the lock.
     */
    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ignored)
        {
            // Closing the channel below releases the lock as well.
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(final FileChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignored)
        {
            // Nothing was written through this channel: nothing to lose.
        }
    }
}
