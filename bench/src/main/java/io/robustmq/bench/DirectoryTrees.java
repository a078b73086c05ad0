package io.robustmq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Directories the benchmarks make and remove.
 */
public final class DirectoryTrees
{
    private DirectoryTrees()
    {
    }

    /**
     * Delete a directory and everything in it; nothing if it is null or gone.
     *
     * @param root the directory.
     * @throws IOException if something in it cannot be deleted.
     */
    public static void delete(final Path root) throws IOException
    {
        if (root == null || !Files.exists(root))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(root))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(path);
            }
        }
    }
}
