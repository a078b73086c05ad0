package io.robustmq.journal.crash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CrashingWriter} in its own JVM (the test's java, class path and JVM flags), with a
 * thread that hands its stdout lines to the test as they come; its stderr goes to a file.
 */
final class WriterProcess implements AutoCloseable
{
    /** Handed over after the last line, when the process's stdout has closed. */
    static final String END_OF_OUTPUT = "\u0000end";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final Thread reader;

    private WriterProcess(final Process process, final Path stderr)
    {
        this.process = process;
        this.stderr = stderr;
        this.reader = new Thread(this::readLines, "writer-" + process.pid() + "-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * @param dir    the shard's directory.
     * @param seed   the run's seed.
     * @param stderr where the child's stderr goes.
     * @return the running child.
     * @throws IOException if it cannot be started.
     */
    static WriterProcess start(final Path dir, final long seed, final Path stderr) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("test.jvmFlags", "").split("\\s+"))
        {
            if (!flag.isBlank())
            {
                command.add(flag);
            }
        }
        // A small, quick-starting JVM: the test starts one per kill on a 2-core machine.
        command.addAll(List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(), dir.toString(), Long.toString(seed)));
        final Process process = new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .redirectError(stderr.toFile())
            .start();
        return new WriterProcess(process, stderr);
    }

    private void readLines()
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)))
        {
            String line;
            while ((line = in.readLine()) != null)
            {
                lines.add(line);
            }
        }
        catch (final IOException ex)
        {
            lines.add("stdout failed: " + ex);
        }
        finally
        {
            lines.add(END_OF_OUTPUT);
        }
    }

    /**
     * @param deadlineNanos a {@link System#nanoTime()} not to wait past.
     * @return the next line of output, {@link #END_OF_OUTPUT} after the last, or null if none came
     * by the deadline.
     * @throws InterruptedException if interrupted while waiting.
     */
    String nextLine(final long deadlineNanos) throws InterruptedException
    {
        return lines.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /**
     * Wait for the process to exit, at most a while; an early exit is a failure of the child.
     *
     * @param millis how long.
     * @return true if it exited.
     * @throws InterruptedException if interrupted while waiting.
     */
    boolean exitsWithin(final long millis) throws InterruptedException
    {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * SIGKILL the process and wait until it is gone and its output read to the end.
     *
     * @return the lines it wrote that were not taken with {@link #nextLine} yet.
     * @throws InterruptedException if interrupted while waiting.
     */
    List<String> kill() throws InterruptedException
    {
        // Through the ProcessHandle: SIGKILL and nothing else. Process.destroyForcibly() would also
        // close our end of the child's stdout, dropping the acks still in the pipe.
        if (!process.toHandle().destroyForcibly() && process.isAlive())
        {
            throw new AssertionError("cannot SIGKILL pid " + process.pid());
        }
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            throw new AssertionError("pid " + process.pid() + " still runs 30 s after SIGKILL");
        }
        final List<String> rest = new ArrayList<>();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true)
        {
            final String line = nextLine(deadline);
            if (line == null)
            {
                throw new AssertionError("the output of pid " + process.pid() + " did not end after it was killed");
            }
            if (line.equals(END_OF_OUTPUT))
            {
                return rest;
            }
            rest.add(line);
        }
    }

    /**
     * @return the exit status; the process must have exited.
     */
    int exitValue()
    {
        return process.exitValue();
    }

    long pid()
    {
        return process.pid();
    }

    /**
     * @return what the child wrote on stderr so far.
     */
    String stderr()
    {
        try
        {
            return Files.readString(stderr, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Make sure the process is gone, whatever happened to the test.
     */
    @Override
    public void close()
    {
        process.destroyForcibly();
    }
}
