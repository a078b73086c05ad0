package io.robustmq.bench.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the benchmarks keep their files: a fresh directory per trial under
 * {@code -Drobustmq.bench.dir} (scripts/bench creates that directory and deletes it at the end),
 * else under {@code java.io.tmpdir}.
 */
final class BenchFiles
{
    /** System property: the parent of every directory the benchmarks create. */
    static final String DIR_PROP_NAME = "robustmq.bench.dir";

    private BenchFiles()
    {
    }

    /**
     * @param prefix names what the directory is for.
     * @return a new, empty directory.
     */
    static Path newDirectory(final String prefix)
    {
        try
        {
            final Path parent = Path.of(System.getProperty(DIR_PROP_NAME, System.getProperty("java.io.tmpdir")));
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, prefix);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Delete a directory and everything in it; nothing if it is null or gone.
     *
     * @param dir the directory.
     */
    static void delete(final Path dir)
    {
        try
        {
            io.robustmq.bench.DirectoryTrees.delete(dir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
