package io.robustmq.bench.journal;

import io.robustmq.journal.SegmentPreparer;
import io.robustmq.journal.ShardConfig;
import io.robustmq.journal.ShardLog;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opening and throwing away the benchmarks' shard logs.
 */
final class ShardLogs
{
    private ShardLogs()
    {
    }

    /**
     * @param dir    a new, empty directory.
     * @param config how the log is kept.
     * @return the open log; the directory is deleted if it cannot be opened.
     */
    static ShardLog open(final Path dir, final ShardConfig config)
    {
        return open(dir, config, null);
    }

    /**
     * @param dir      a new, empty directory.
     * @param config   how the log is kept.
     * @param preparer prepares next segments in the background, or null.
     * @return the open log; the directory is deleted if it cannot be opened.
     */
    static ShardLog open(final Path dir, final ShardConfig config, final SegmentPreparer preparer)
    {
        try
        {
            return ShardLog.open(dir, config, preparer);
        }
        catch (final RuntimeException ex)
        {
            BenchFiles.delete(dir);
            throw ex;
        }
    }

    /**
     * Throw a log and its directory away without writing its data back to the device: the segment
     * files are truncated first (the kernel drops their dirty pages), then the log is closed (its
     * final force then has nothing to write) and the directory deleted. Call it on the log's writer
     * thread; nothing of the log may be read afterwards.
     *
     * @param log the log, or null.
     * @param dir its directory, or null.
     * @return null.
     */
    static ShardLog discard(final ShardLog log, final Path dir)
    {
        if (log != null)
        {
            truncateSegments(dir);
            log.close();
        }
        BenchFiles.delete(dir);
        return null;
    }

    private static void truncateSegments(final Path dir)
    {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.log"))
        {
            for (final Path file : files)
            {
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
                {
                    raf.setLength(0);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
