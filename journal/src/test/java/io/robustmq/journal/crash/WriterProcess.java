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
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A crash test's child in its own JVM (the test's java, class path and JVM flags): a main class
 * that writes a journal until it is killed ({@link CrashingWriter}, {@link CrashingProducers}),
 * with a thread that hands its stdout lines to the test as they come; its stderr goes to a file.
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
     * @param main   the child's main class.
     * @param stderr where the child's stderr goes.
     * @param args   the child's arguments.
     * @return the running child.
     * @throws IOException if it cannot be started.
     */
    static WriterProcess start(final Class<?> main, final Path stderr, final String... args) throws IOException
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
            "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
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
     * The next line, which must come by the deadline: the child exiting or falling silent fails the
     * test.
     *
     * @param deadlineNanos a {@link System#nanoTime()} not to wait past.
     * @param what          what the test waits for, for the failure message.
     * @return the line.
     * @throws InterruptedException if interrupted while waiting.
     */
    String awaitLine(final long deadlineNanos, final String what) throws InterruptedException
    {
        final String line = nextLine(deadlineNanos);
        if (line == null)
        {
            fail(what + ": nothing from pid " + pid() + " by the deadline; stderr: " + stderr());
        }
        if (line.equals(END_OF_OUTPUT))
        {
            fail(what + ": the child exited on its own; stderr: " + stderr());
        }
        return line;
    }

    /**
     * Let the child run for a while: wait for it to exit, which it must not do.
     *
     * @param millis how long.
     * @param where  for the failure message.
     * @throws InterruptedException if interrupted while waiting.
     */
    void keepsRunningFor(final long millis, final String where) throws InterruptedException
    {
        if (process.waitFor(millis, TimeUnit.MILLISECONDS))
        {
            fail(where + ": the child exited on its own with status " + exitValue() + "; stderr: " + stderr());
        }
    }

    /**
     * Kill the child at a random moment, as the crash tests do: after a number of acks (lines
     * starting {@code ack }; the child is then in its next append, force or roll), a while after it
     * opened the log (its line starting {@code open }), or a while after it started (sometimes
     * before or while it opens the log). The child must not exit on its own before that, and must
     * die of the SIGKILL.
     *
     * @param random        the iteration's choices.
     * @param afterAcks     in how many draws out of 10 to kill after acks.
     * @param acks          draws how many acks to wait for.
     * @param deadlineNanos a {@link System#nanoTime()} not to wait past.
     * @param where         names the run and iteration, for failure messages.
     * @param lines         receives every line the child wrote, those after the kill included.
     * @return how the kill came: {@code after acks}, {@code after open} or {@code after start}.
     * @throws InterruptedException if interrupted while waiting.
     */
    String killAtRandomMoment(
        final Random random,
        final int afterAcks,
        final IntSupplier acks,
        final long deadlineNanos,
        final String where,
        final List<String> lines) throws InterruptedException
    {
        final int mode = random.nextInt(10);
        final String how;
        if (mode < afterAcks)
        {
            final int wanted = acks.getAsInt();
            how = "after acks";
            while (count(lines, "ack ") < wanted)
            {
                lines.add(awaitLine(deadlineNanos, where + ", waiting for ack " + wanted));
            }
        }
        else if (mode < 9)
        {
            how = "after open";
            while (count(lines, "open ") == 0)
            {
                lines.add(awaitLine(deadlineNanos, where + ", waiting for the open line"));
            }
            keepsRunningFor(random.nextInt(40), where);
        }
        else
        {
            how = "after start";
            keepsRunningFor(random.nextInt(700), where);
        }
        lines.addAll(kill());
        assertEquals(137, exitValue(), where + ": the child died of the SIGKILL, not on its own: " + stderr());
        return how;
    }

    private static int count(final List<String> lines, final String prefix)
    {
        return (int)lines.stream().filter(line -> line.startsWith(prefix)).count();
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
