package io.robustmq.kernel.storage;

import io.robustmq.journal.JournalDirectory;

import java.nio.file.Path;
import java.util.List;

/**
 * The Journal component of a node: owns the journal's directory under the data directory. Until
 * the storage engine lands it opens and locks the directory and finds the shard directories
 * present; it serves no shard yet, and {@link #describeState()} says so.
 */
public final class JournalService implements AutoCloseable
{
    private final JournalDirectory directory;
    private final List<String> shardsFound;

    private JournalService(final JournalDirectory directory)
    {
        this.directory = directory;
        this.shardsFound = directory.shardNames();
    }

    /**
     * @param path the journal's directory.
     * @return the started component.
     * @throws io.robustmq.journal.JournalException if the directory cannot be opened or is in use.
     */
    public static JournalService launch(final Path path)
    {
        return new JournalService(JournalDirectory.open(path));
    }

    /**
     * @return a one-line summary for the admin API.
     */
    public String describeState()
    {
        return "directory " + directory.path() + " locked; " + shardsFound.size() +
            " shard directories found; storage engine not implemented yet: no shard is served";
    }

    /**
     * Release the directory. Nothing is buffered yet, so there is nothing to flush.
     */
    @Override
    public void close()
    {
        directory.close();
    }
}
