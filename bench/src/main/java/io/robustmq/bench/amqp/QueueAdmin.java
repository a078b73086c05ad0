package io.robustmq.bench.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the suite asks of a broker besides PerfTest's load, through RabbitMQ's Java client
 * ({@code amqp-client}), as {@code guest} on 127.0.0.1: whether it serves a queue declaration yet (a
 * node's AMQP port opens before its Meta Service has a leader), and purging and deleting a workload's
 * queue. One connection per call: these are not on any measured path.
 */
final class QueueAdmin
{
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final String PROBE_QUEUE = "bench-ready-probe";

    private QueueAdmin()
    {
    }

    /**
     * Wait until the broker declares and deletes a queue.
     *
     * @param port      the broker's AMQP port.
     * @param timeoutMs how long to wait at most.
     * @throws InterruptedException if interrupted.
     * @throws IllegalStateException if it does not within the time.
     */
    static void awaitReady(final int port, final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        Exception last = null;
        while (System.nanoTime() < deadline)
        {
            try (Connection connection = factory(port).newConnection("bench-ready"))
            {
                final Channel channel = connection.createChannel();
                channel.queueDeclare(PROBE_QUEUE, false, false, false, null);
                channel.queueDelete(PROBE_QUEUE);
                return;
            }
            catch (final IOException | TimeoutException | RuntimeException ex)
            {
                last = ex;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("no queue declared on port " + port + " within " + timeoutMs + " ms: " + last);
    }

    /**
     * Purge a queue, so that a measured run does not start with what its warm-up left.
     *
     * @param port  the broker's AMQP port.
     * @param queue the queue (it exists).
     * @return the messages purged.
     * @throws IOException if the broker refuses or the connection fails.
     * @throws TimeoutException if the connection is not opened in time.
     */
    static int purge(final int port, final String queue) throws IOException, TimeoutException
    {
        try (Connection connection = factory(port).newConnection("bench-admin"))
        {
            return connection.createChannel().queuePurge(queue).getMessageCount();
        }
    }

    /**
     * Delete a queue, if it exists.
     *
     * @param port  the broker's AMQP port.
     * @param queue the queue.
     * @throws IOException if the broker refuses or the connection fails.
     * @throws TimeoutException if the connection is not opened in time.
     */
    static void delete(final int port, final String queue) throws IOException, TimeoutException
    {
        try (Connection connection = factory(port).newConnection("bench-admin"))
        {
            connection.createChannel().queueDelete(queue);
        }
    }

    /**
     * @param port the broker's AMQP port.
     * @return a connection factory for {@code guest} on 127.0.0.1 without automatic recovery.
     */
    private static ConnectionFactory factory(final int port)
    {
        final ConnectionFactory factory = new ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setPort(port);
        factory.setUsername("guest");
        factory.setPassword("guest");
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        factory.setAutomaticRecoveryEnabled(false);
        return factory;
    }
}
