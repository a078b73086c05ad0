package io.robustmq.bench.amqp;

import java.io.IOException;

/**
 * Stopping the suite on Ctrl-C or SIGTERM, as its shutdown hook ({@link #run}): it stops PerfTest if it
 * runs and the broker that runs, refuses to start another PerfTest from then on, and waits for the
 * suite's main thread, which stops at the next workload or broker ({@link #stopping}) and closes what
 * it started. Thread-safe: the main thread and the hook share it.
 */
final class SuiteStop implements Runnable
{
    private static final long MAIN_JOIN_MS = 60_000;
    private static final long TOOL_STOP_MS = 5_000;

    private final Thread main;
    private boolean stopping;
    private Process tool;
    private AmqpBroker broker;

    /**
     * @param main the suite's main thread, which the hook waits for.
     */
    SuiteStop(final Thread main)
    {
        this.main = main;
    }

    /**
     * @return whether the suite is being stopped: start nothing more.
     */
    synchronized boolean stopping()
    {
        return stopping;
    }

    /**
     * @param running the broker now running, or null once it is closed.
     */
    synchronized void broker(final AmqpBroker running)
    {
        broker = running;
    }

    /**
     * Start PerfTest, unless the suite is being stopped.
     *
     * @param builder PerfTest's process builder.
     * @return its process.
     * @throws IOException if it cannot be started.
     * @throws InterruptedException if the suite is being stopped.
     */
    synchronized Process startTool(final ProcessBuilder builder) throws IOException, InterruptedException
    {
        if (stopping)
        {
            throw new InterruptedException("the suite is stopping");
        }
        tool = builder.start();
        return tool;
    }

    /**
     * @param ended the PerfTest process that has ended (or been stopped).
     */
    synchronized void toolEnded(final Process ended)
    {
        if (tool == ended)
        {
            tool = null;
        }
    }

    /**
     * The shutdown hook: stop PerfTest and the broker, then wait for the main thread to close what it
     * started.
     */
    @Override
    public void run()
    {
        final Process runningTool;
        final AmqpBroker runningBroker;
        synchronized (this)
        {
            stopping = true;
            runningTool = tool;
            runningBroker = broker;
        }
        try
        {
            if (runningTool != null)
            {
                runningTool.destroyForcibly();
                runningTool.waitFor(TOOL_STOP_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            if (runningBroker != null)
            {
                runningBroker.close();
            }
            main.join(MAIN_JOIN_MS);
        }
        catch (final IOException ex)
        {
            System.err.println("amqp: stopping " + runningBroker.name() + ": " + ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
