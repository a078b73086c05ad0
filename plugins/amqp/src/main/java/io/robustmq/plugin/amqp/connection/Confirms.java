package io.robustmq.plugin.amqp.connection;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;

import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One channel's publisher confirms, coalesced: a run of messages stored one after another is
 * acknowledged with one basic.ack {@code multiple} for the last of them, as RabbitMQ does, instead of
 * one frame each. A message that failed is nacked at once, on its own, and a multiple ack never
 * reaches over it: only tags below which every tag has been told (acked or nacked) are covered.
 * <p>
 * Threading: the connection's event loop.
 */
final class Confirms
{
    /** Every tag up to this one has been told to the client. */
    private long toldUpTo;
    /** Stored, not yet told (waiting for the run to reach them). */
    private final TreeSet<Long> stored = new TreeSet<>();
    /** Told on their own (nacked), above {@link #toldUpTo}. */
    private final TreeSet<Long> toldAlone = new TreeSet<>();

    /**
     * @param tag a message stored in every queue it went to.
     */
    void stored(final long tag)
    {
        stored.add(tag);
    }

    /**
     * @param tag  a message that failed.
     * @param send where the basic.nack goes, now.
     */
    void failed(final long tag, final Consumer<Method> send)
    {
        send.accept(new AMQImpl.Basic.Nack(tag, false, false));
        toldAlone.add(tag);
        stored.remove(tag);
    }

    /**
     * Tell the client what is settled: one basic.ack (multiple when it covers more than one tag) per run of
     * stored tags that follows every tag told before.
     *
     * @param send where the acks go.
     */
    void flush(final Consumer<Method> send)
    {
        while (true)
        {
            final long next = toldUpTo + 1;
            if (toldAlone.remove(next))
            {
                toldUpTo = next;
                continue;
            }
            if (!stored.remove(next))
            {
                return;
            }
            long last = next;
            while (stored.remove(last + 1))
            {
                last++;
            }
            send.accept(new AMQImpl.Basic.Ack(last, last > next));
            toldUpTo = last;
        }
    }
}
