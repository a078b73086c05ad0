package io.robustmq.plugin.amqp.connection;

/**
 * One open channel of a connection.
 * <p>
 * Threading: the connection's event loop.
 */
final class AmqpChannel
{
    private final int number;
    private boolean closing;
    private boolean flowActive = true;
    private String lastQueue = "";

    /**
     * @param number the channel's number, 1 to the negotiated channel-max.
     */
    AmqpChannel(final int number)
    {
        this.number = number;
    }

    /**
     * @return the channel's number.
     */
    int number()
    {
        return number;
    }

    /**
     * @return true once the server has sent channel.close and waits for channel.close-ok: every other
     * method on the channel is discarded meanwhile (specification section 1.5.2.5).
     */
    boolean closing()
    {
        return closing;
    }

    /**
     * The server sent channel.close.
     */
    void startClosing()
    {
        closing = true;
    }

    /**
     * @return false while the client has asked, with channel.flow, for deliveries to stop.
     */
    boolean flowActive()
    {
        return flowActive;
    }

    /**
     * @param active the client's channel.flow.
     */
    void flowActive(final boolean active)
    {
        flowActive = active;
    }

    /**
     * @return the queue this channel declared last (what an empty queue name stands for), or empty.
     */
    String lastQueue()
    {
        return lastQueue;
    }

    /**
     * @param name the queue the channel just declared.
     */
    void lastQueue(final String name)
    {
        lastQueue = name;
    }
}
