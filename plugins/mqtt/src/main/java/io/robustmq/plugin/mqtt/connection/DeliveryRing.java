package io.robustmq.plugin.mqtt.connection;

import io.robustmq.plugin.mqtt.broker.Message;

/**
 * The deliveries noted for a connection and not yet encoded, in order: for each, the message (null
 * for a PUBREL) and one long that packs the rest (QoS, RETAIN, DUP, packet id, subscription
 * identifier). Grows by doubling; kept while small (a steady connection stops allocating), let go
 * when cleared after a burst made it large. Not
 * thread-safe: {@link Outbound} guards it.
 */
final class DeliveryRing
{
    private static final int INITIAL_CAPACITY = 16;
    private static final int SHRINK_ABOVE = 256;
    private static final long RETAIN = 1L << 2;
    private static final long DUPLICATE = 1L << 3;

    private Message[] messages;
    private long[] entries;
    private int size;

    /**
     * @return a PUBLISH's entry.
     */
    static long publish(final int qos, final boolean retain, final boolean duplicate, final int packetId,
        final int subscriptionId)
    {
        return qos | (retain ? RETAIN : 0) | (duplicate ? DUPLICATE : 0) | (long)packetId << 4 |
            (long)subscriptionId << 20;
    }

    /**
     * @return a PUBREL's entry.
     */
    static long release(final int packetId)
    {
        return (long)packetId << 4;
    }

    static int qos(final long entry)
    {
        return (int)(entry & 3);
    }

    static boolean retain(final long entry)
    {
        return (entry & RETAIN) != 0;
    }

    static boolean duplicate(final long entry)
    {
        return (entry & DUPLICATE) != 0;
    }

    static int packetId(final long entry)
    {
        return (int)(entry >>> 4) & 0xFFFF;
    }

    static int subscriptionId(final long entry)
    {
        return (int)(entry >>> 20);
    }

    void add(final Message message, final long entry)
    {
        if (messages == null)
        {
            messages = new Message[INITIAL_CAPACITY];
            entries = new long[INITIAL_CAPACITY];
        }
        else if (size == messages.length)
        {
            messages = java.util.Arrays.copyOf(messages, size * 2);
            entries = java.util.Arrays.copyOf(entries, size * 2);
        }
        messages[size] = message;
        entries[size] = entry;
        size++;
    }

    int size()
    {
        return size;
    }

    boolean isEmpty()
    {
        return size == 0;
    }

    Message message(final int index)
    {
        return messages[index];
    }

    long entry(final int index)
    {
        return entries[index];
    }

    /**
     * Forget every entry (the messages are let go).
     */
    void clear()
    {
        if (messages != null && messages.length > SHRINK_ABOVE)
        {
            // A burst grew it: let the arrays go rather than keep them for the connection's life.
            messages = null;
            entries = null;
        }
        else if (messages != null)
        {
            java.util.Arrays.fill(messages, 0, size, null);
        }
        size = 0;
    }
}
