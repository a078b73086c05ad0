package io.robustmq.journal;

import io.robustmq.journal.fs.FileLayer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A shard's log start offset file ({@link LogStartOffset}), written durably by the shard's writer or
 * by the journal's forcing thread, one write at a time and never backwards (records may finish out
 * of order between the two threads).
 */
final class LogStartRecord
{
    private final FileLayer layer;
    private final Path dir;
    /** Guarded by this: the highest log start offset in the file. */
    private long written;
    /** The highest log start offset recorded durably; read by any thread. */
    private volatile long recorded;

    LogStartRecord(final FileLayer layer, final Path dir, final long start)
    {
        this.layer = layer;
        this.dir = dir;
        this.written = start;
        this.recorded = start;
    }

    /**
     * Write the log start offset durably, unless a later one is already written.
     *
     * @param offset the new log start offset.
     * @throws IOException if it cannot be written.
     */
    synchronized void write(final long offset) throws IOException
    {
        if (offset <= written)
        {
            return;
        }
        LogStartOffset.write(layer, dir, offset);
        written = offset;
        recorded = offset;
    }

    /**
     * @return the highest log start offset recorded durably.
     */
    long recorded()
    {
        return recorded;
    }
}
