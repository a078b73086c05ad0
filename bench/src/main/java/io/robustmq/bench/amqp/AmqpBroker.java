package io.robustmq.bench.amqp;

import java.io.IOException;

/**
 * An AMQP 0-9-1 broker the suite runs as a child process, on a loopback port of its own: RabbitMQ
 * ({@link RabbitMqProcess}) or a RobustMQ node ({@link AmqpNodeProcess}). Not thread-safe: the suite's
 * main thread drives it, and a shutdown hook may close it.
 */
interface AmqpBroker extends AutoCloseable
{
    /**
     * @return the broker's name in the report.
     */
    String name();

    /**
     * @return the port of its AMQP listener on 127.0.0.1.
     */
    int port();

    /**
     * Start the broker and wait until its AMQP port accepts connections.
     *
     * @param timeoutMs how long to wait at most.
     * @throws IOException if it cannot be started.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if it exits first or is not listening in time.
     */
    void start(long timeoutMs) throws IOException, InterruptedException;

    /**
     * @param lines how many lines at most.
     * @return the end of the broker's output, for a failure's report.
     */
    String tail(int lines);

    /**
     * Stop the broker (and what it started), wait for it, and delete its data.
     *
     * @throws IOException if its data cannot be deleted.
     * @throws InterruptedException if interrupted while waiting for it.
     */
    @Override
    void close() throws IOException, InterruptedException;
}
