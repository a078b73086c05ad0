package io.robustmq.plugin.mqtt.broker;

import java.util.Arrays;

/**
 * The QoS 1 and 2 messages a session sent and its client has not acknowledged yet, in the order
 * sent, in parallel arrays: sending and acknowledging make no object. A packet id is looked up by
 * a scan, which stays short because the window is small ({@code max_inflight}, 64 by default).
 * Not thread-safe: the session's lock guards it.
 */
final class InFlight
{
    private static final int INITIAL_CAPACITY = 8;
    private static final long RETAIN = 1L << 2;

    private int[] packetIds = new int[INITIAL_CAPACITY];
    private Message[] messages = new Message[INITIAL_CAPACITY];
    /** QoS (2 bits), RETAIN (1 bit), the subscription identifier from bit 3. */
    private long[] packed = new long[INITIAL_CAPACITY];
    private ShareGroup[] groups = new ShareGroup[INITIAL_CAPACITY];
    private int size;

    void add(final int packetId, final Message message, final int qos, final boolean retain, final int subscriptionId,
        final ShareGroup group)
    {
        if (size == packetIds.length)
        {
            final int capacity = size * 2;
            packetIds = Arrays.copyOf(packetIds, capacity);
            messages = Arrays.copyOf(messages, capacity);
            packed = Arrays.copyOf(packed, capacity);
            groups = Arrays.copyOf(groups, capacity);
        }
        packetIds[size] = packetId;
        messages[size] = message;
        packed[size] = qos | (retain ? RETAIN : 0) | (long)subscriptionId << 3;
        groups[size] = group;
        size++;
    }

    void add(final int packetId, final Delivery delivery)
    {
        add(packetId, delivery.message(), delivery.qos(), delivery.retain(), delivery.subscriptionId(),
            delivery.shareGroup());
    }

    /**
     * @return the index of the message sent under this packet id, or -1.
     */
    int indexOf(final int packetId)
    {
        for (int i = 0; i < size; i++)
        {
            if (packetIds[i] == packetId)
            {
                return i;
            }
        }
        return -1;
    }

    int size()
    {
        return size;
    }

    int packetId(final int index)
    {
        return packetIds[index];
    }

    Message message(final int index)
    {
        return messages[index];
    }

    int qos(final int index)
    {
        return (int)(packed[index] & 3);
    }

    boolean retain(final int index)
    {
        return (packed[index] & RETAIN) != 0;
    }

    int subscriptionId(final int index)
    {
        return (int)(packed[index] >>> 3);
    }

    ShareGroup group(final int index)
    {
        return groups[index];
    }

    /**
     * @return the entry as a delivery (made for the rare paths that keep or move one).
     */
    Delivery delivery(final int index)
    {
        return new Delivery(messages[index], qos(index), retain(index), subscriptionId(index), groups[index]);
    }

    /**
     * Remove an entry; those after it move up, in order.
     */
    void removeAt(final int index)
    {
        final int moved = size - index - 1;
        if (moved > 0)
        {
            System.arraycopy(packetIds, index + 1, packetIds, index, moved);
            System.arraycopy(messages, index + 1, messages, index, moved);
            System.arraycopy(packed, index + 1, packed, index, moved);
            System.arraycopy(groups, index + 1, groups, index, moved);
        }
        size--;
        messages[size] = null;
        groups[size] = null;
    }
}
