package io.robustmq.bench.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Layout of the payload the MQTT load client publishes: the intended send time first, zeros after.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |              intended send time, System.nanoTime()            |
 *  |                      (big-endian long)                        |
 *  +---------------------------------------------------------------+
 *  |                 zeros up to the payload size                 ...
 *  +---------------------------------------------------------------+
 * </pre>
 * Publishers and subscribers run in the same JVM, so {@code System.nanoTime()} is one clock.
 */
final class LoadPayloadDescriptor
{
    /** Offset of the intended send time. */
    static final int SEND_TIME_OFFSET = 0;
    /** The smallest payload: the send time alone. */
    static final int MIN_LENGTH = Long.BYTES;

    private LoadPayloadDescriptor()
    {
    }

    /**
     * @param alloc    the allocator of the publisher's channel.
     * @param length   the payload's size in bytes, at least {@link #MIN_LENGTH}.
     * @param sendTime the intended send time, {@code System.nanoTime()}.
     * @return a new payload the caller owns.
     */
    static ByteBuf encode(final ByteBufAllocator alloc, final int length, final long sendTime)
    {
        final ByteBuf payload = alloc.buffer(length, length);
        payload.writeLong(sendTime);
        payload.writeZero(length - MIN_LENGTH);
        return payload;
    }

    /**
     * @param payload a received payload; its indexes are not changed.
     * @return the intended send time written by {@link #encode}.
     */
    static long sendTime(final ByteBuf payload)
    {
        return payload.getLong(payload.readerIndex() + SEND_TIME_OFFSET);
    }
}
