package io.robustmq.bench.journal;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * The records every benchmark writes: the same pseudo-random bytes (fixed seed), so that the
 * journal, the raw copy and Chronicle Queue copy exactly the same payloads.
 */
final class Records
{
    /** The payload format tag the journal benchmarks store. */
    static final int FORMAT = 1;
    /** The timestamp stored with every batch: the producer already has it, so it costs nothing. */
    static final long TIMESTAMP = 1_764_000_000_000L;

    private Records()
    {
    }

    /**
     * @param recordSize bytes per record.
     * @param batch      records in one append.
     * @return a direct, page-aligned buffer of {@code recordSize * batch} bytes.
     */
    static UnsafeBuffer payload(final int recordSize, final int batch)
    {
        final int length = recordSize * batch;
        final UnsafeBuffer buffer = new UnsafeBuffer(BufferUtil.allocateDirectAligned(Math.max(length, 8), 4096));
        final SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < length; i++)
        {
            buffer.putByte(i, (byte)random.nextInt(256));
        }
        return buffer;
    }

    /**
     * @param payload a buffer from {@link #payload}.
     * @param length  bytes of it.
     * @return the CRC32C of those bytes, as a journal producer computes it (the journal's payload
     * CRC, with no stamped prefix), for appends that pass it to the writer.
     */
    static long payloadCrc(final UnsafeBuffer payload, final int length)
    {
        final CRC32C crc = new CRC32C();
        crc.update(payload.byteBuffer().duplicate().limit(length).position(0));
        return crc.getValue();
    }
}
