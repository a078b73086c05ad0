package io.robustmq.kernel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The node's pid, in {@code <data_dir>/pid} while it runs, for scripts to stop it.
 */
final class PidFile implements AutoCloseable
{
    private final Path path;
    private final String pid;

    private PidFile(final Path path, final String pid)
    {
        this.path = path;
        this.pid = pid;
    }

    static PidFile write(final Path dataDir) throws IOException
    {
        Files.createDirectories(dataDir);
        final Path path = dataDir.resolve("pid");
        final String pid = Long.toString(ProcessHandle.current().pid());
        final Path temp = dataDir.resolve("pid.tmp");
        Files.writeString(temp, pid + "\n", StandardCharsets.US_ASCII);
        Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new PidFile(path, pid);
    }

    /**
     * Remove the file if it still holds this process's pid.
     */
    @Override
    public void close()
    {
        try
        {
            if (Files.readString(path, StandardCharsets.US_ASCII).trim().equals(pid))
            {
                Files.delete(path);
            }
        }
        catch (final IOException ignored)
        {
            // Already gone, or replaced by another node's: leave it.
        }
    }
}
