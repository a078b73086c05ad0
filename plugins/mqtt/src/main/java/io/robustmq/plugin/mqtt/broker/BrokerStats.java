package io.robustmq.plugin.mqtt.broker;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the broker counts: PUBLISH packets received from clients and sent to them, messages dropped
 * because a session's queue was full, and clients connected now. Updated from every event loop.
 */
public final class BrokerStats
{
    private final LongAdder received = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder connected = new LongAdder();

    public void received()
    {
        received.increment();
    }

    public void sent()
    {
        sent.increment();
    }

    void dropped()
    {
        dropped.increment();
    }

    public void connected()
    {
        connected.increment();
    }

    public void disconnected()
    {
        connected.decrement();
    }

    public long receivedCount()
    {
        return received.sum();
    }

    public long sentCount()
    {
        return sent.sum();
    }

    public long droppedCount()
    {
        return dropped.sum();
    }

    public long connectedCount()
    {
        return connected.sum();
    }
}
