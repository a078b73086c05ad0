package io.robustmq.journal.engine;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * One producer thread's means of computing a CRC32C over bytes in a writer's ring buffer, without
 * allocating: its own CRC state and its own view of the ring's memory.
 * <p>
 * Threading: confined to the thread that made it (held in a {@link ThreadLocal}).
 */
final class RingChecksum
{
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer view;

    RingChecksum(final ByteBuffer ring)
    {
        this.view = ring.duplicate();
    }

    /**
     * @param index  where the bytes start in the ring.
     * @param length how many.
     * @return their CRC32C.
     */
    int compute(final int index, final int length)
    {
        view.limit(index + length).position(index);
        crc.reset();
        crc.update(view);
        view.clear();
        return (int)crc.getValue();
    }
}
