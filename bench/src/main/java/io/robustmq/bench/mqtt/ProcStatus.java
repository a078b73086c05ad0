package io.robustmq.bench.mqtt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A process's figures read from Linux's {@code /proc/<pid>} (proc(5)): its resident set, the files it
 * has open and its limit on them. Each method returns -1 when the figure cannot be read (another
 * system, or the process is gone). Stateless.
 */
final class ProcStatus
{
    private static final long BYTES_PER_KB = 1024;

    private ProcStatus()
    {
    }

    /**
     * @param pid the process.
     * @return its resident set ({@code VmRSS} in {@code /proc/<pid>/status}), bytes; -1 if unknown.
     */
    static long rssBytes(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.US_ASCII))
            {
                // "VmRSS:     229160 kB"
                if (line.startsWith("VmRSS:"))
                {
                    final String value = line.substring("VmRSS:".length()).trim();
                    return Long.parseLong(value.substring(0, value.indexOf(' '))) * BYTES_PER_KB;
                }
            }
            return -1;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * @param pid the process.
     * @return the file descriptors it has open (entries of {@code /proc/<pid>/fd}); -1 if unknown.
     */
    static long openFiles(final long pid)
    {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd")))
        {
            return fds.count();
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /**
     * @param pid the process.
     * @return its soft limit on open files ({@code Max open files} in {@code /proc/<pid>/limits});
     *         {@link Long#MAX_VALUE} if unlimited; -1 if unknown.
     */
    static long openFileLimit(final long pid)
    {
        try
        {
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "limits"), StandardCharsets.US_ASCII))
            {
                // "Max open files            20000                20000                files"
                if (line.startsWith("Max open files"))
                {
                    final String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
            return -1;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
