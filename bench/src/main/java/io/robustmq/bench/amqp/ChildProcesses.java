package io.robustmq.bench.amqp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the AMQP suite does with the processes it starts: wait for a port, read the end of an output
 * file, record a process's pid while it runs, stop a process and everything it started.
 * <p>
 * Pid files: each process the suite starts (RabbitMQ's Erlang VM and port mapper, the node, PerfTest)
 * has {@code <pids>/<name>.pid} while it runs, so that {@code scripts/bench} can stop what the suite
 * leaves should its JVM die before its shutdown hook runs (SIGKILL).
 */
final class ChildProcesses
{
    private static final int CONNECT_TIMEOUT_MS = 200;

    private ChildProcesses()
    {
    }

    /**
     * @param port a TCP port on 127.0.0.1.
     * @return whether something accepts connections there.
     */
    static boolean listening(final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), CONNECT_TIMEOUT_MS);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    /**
     * Wait until a child process listens on its port, polling every 50 ms.
     *
     * @param child    the process.
     * @param port     its TCP port on 127.0.0.1.
     * @param what     its name, for errors.
     * @param output   its output file, whose end a failure reports.
     * @param deadline {@link System#nanoTime()} after which to give up.
     * @throws InterruptedException  if interrupted.
     * @throws IllegalStateException if it exits first or does not listen in time.
     */
    static void awaitListening(final Process child, final int port, final String what, final Path output,
        final long deadline) throws InterruptedException
    {
        while (!listening(port))
        {
            if (!child.isAlive())
            {
                throw new IllegalStateException(what + " exited with status " + child.exitValue() +
                    " before it listened on " + port + "; its output ends:\n" + tail(output, 20));
            }
            if (System.nanoTime() > deadline)
            {
                throw new IllegalStateException(what + " not listening on " + port + " in time; its output ends:\n" +
                    tail(output, 20));
            }
            Thread.sleep(50);
        }
    }

    /**
     * @param file  an output file.
     * @param lines how many lines at most.
     * @return its last lines, or why it cannot be read.
     */
    static String tail(final Path file, final int lines)
    {
        try
        {
            final List<String> all = lines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(unreadable: " + ex + ")";
        }
    }

    /**
     * Read a child's output or a file it wrote, whatever its encoding: bytes that are not UTF-8 (PerfTest
     * prints {@code µs} in the platform's charset) become replacement characters instead of an error.
     *
     * @param file the file.
     * @return its lines.
     * @throws IOException if it cannot be read.
     */
    static List<String> lines(final Path file) throws IOException
    {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
    }

    /**
     * Record a process's pid while it runs.
     *
     * @param pids    the pid files' directory (created).
     * @param name    the process's name in the suite.
     * @param process the process.
     * @throws IOException if the file cannot be written.
     */
    static void recordPid(final Path pids, final String name, final ProcessHandle process) throws IOException
    {
        Files.createDirectories(pids);
        Files.writeString(pids.resolve(name + ".pid"), process.pid() + "\n", StandardCharsets.UTF_8);
    }

    /**
     * Remove a process's pid file, once it has ended.
     *
     * @param pids the pid files' directory.
     * @param name the process's name in the suite.
     * @throws IOException if the file cannot be deleted.
     */
    static void forgetPid(final Path pids, final String name) throws IOException
    {
        Files.deleteIfExists(pids.resolve(name + ".pid"));
    }

    /**
     * Stop a process: SIGTERM, then, if it has not ended within the timeout, SIGKILL to it and to every
     * process it started that is still running (a shell's children, an Erlang VM's port programs).
     *
     * @param process   the process, or null.
     * @param timeoutMs how long it may take to stop by itself.
     * @throws InterruptedException if interrupted while waiting.
     */
    static void stop(final Process process, final long timeoutMs) throws InterruptedException
    {
        if (process == null)
        {
            return;
        }
        final List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(timeoutMs, TimeUnit.MILLISECONDS);
        }
        for (final ProcessHandle descendant : descendants)
        {
            if (descendant.isAlive())
            {
                descendant.destroyForcibly();
            }
        }
    }
}
