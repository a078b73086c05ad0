package io.robustmq.journal.crash;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The batches of the engine crash test. A batch is named by the run's seed, the iteration (which
 * child JVM wrote it), the producer thread within that child and the producer's sequence number;
 * everything else (record count, timestamp, format, payload) follows from those, and the payload
 * starts with them, so the test can tell who wrote any batch it reads and check it byte for byte,
 * acknowledged or not. No two children share an iteration, so a name is never used twice.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        Seed                                   |  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Iteration                              |  8
 *  +---------------------------------------------------------------+
 *  |                        Producer                               | 12
 *  +---------------------------------------------------------------+
 *  |                        Sequence                               | 16
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                        Body (from the name)                ...| 24
 *  +---------------------------------------------------------------+
 * </pre>
 * Little-endian.
 */
final class ProducerBatches
{
    static final int SEED_OFFSET = 0;
    static final int ITERATION_OFFSET = 8;
    static final int PRODUCER_OFFSET = 12;
    static final int SEQUENCE_OFFSET = 16;
    static final int HEADER_LENGTH = 24;
    static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** A correlation id is the producer in the high bits and the sequence number below. */
    private static final int SEQUENCE_BITS = 40;

    /**
     * Who wrote a batch.
     *
     * @param iteration the child JVM.
     * @param producer  the producer thread in it.
     * @param sequence  the producer's sequence number, from 0.
     */
    record Name(int iteration, int producer, long sequence)
    {
        @Override
        public String toString()
        {
            return "iteration " + iteration + " producer " + producer + " seq " + sequence;
        }
    }

    /**
     * One batch.
     *
     * @param recordCount its records.
     * @param timestamp   its largest timestamp.
     * @param format      its payload format.
     * @param payload     its bytes.
     */
    record Batch(int recordCount, long timestamp, int format, byte[] payload)
    {
    }

    private ProducerBatches()
    {
    }

    /**
     * @param seed the run's seed.
     * @param name who writes it.
     * @return the batch.
     */
    static Batch of(final long seed, final Name name)
    {
        final long hash = hash(seed, name.iteration(), name.producer(), name.sequence());
        final SplittableRandom random = new SplittableRandom(hash);
        final int bodyLength = random.nextInt(8) == 0 ? 1500 + random.nextInt(20_000) : random.nextInt(1500);
        final byte[] payload = new byte[HEADER_LENGTH + bodyLength];
        final UnsafeBuffer buffer = new UnsafeBuffer(payload);
        buffer.putLong(SEED_OFFSET, seed, BYTE_ORDER);
        buffer.putInt(ITERATION_OFFSET, name.iteration(), BYTE_ORDER);
        buffer.putInt(PRODUCER_OFFSET, name.producer(), BYTE_ORDER);
        buffer.putLong(SEQUENCE_OFFSET, name.sequence(), BYTE_ORDER);
        final byte[] body = new byte[bodyLength];
        random.nextBytes(body);
        buffer.putBytes(HEADER_LENGTH, body);
        return new Batch(recordCount(hash), CrashBatches.FIRST_TIMESTAMP + name.iteration() * 1_000_000L + name.sequence(),
            (int)(hash >>> 60) & 3, payload);
    }

    /**
     * Cheap, for the writer thread's acks: no allocation.
     *
     * @return the record count of the batch {@link #of} makes for that name.
     */
    static int recordCount(final long seed, final int iteration, final int producer, final long sequence)
    {
        return recordCount(hash(seed, iteration, producer, sequence));
    }

    private static int recordCount(final long hash)
    {
        return 1 + (int)Long.remainderUnsigned(hash, 5);
    }

    /**
     * @param buffer   holds a payload.
     * @param offset   where it starts.
     * @param length   its length.
     * @return the seed written in it, or 0 if it is too short to hold a name.
     */
    static long seedOf(final DirectBuffer buffer, final int offset, final int length)
    {
        return length < HEADER_LENGTH ? 0 : buffer.getLong(offset + SEED_OFFSET, BYTE_ORDER);
    }

    /**
     * @param buffer holds a payload of at least {@link #HEADER_LENGTH} bytes.
     * @param offset where it starts.
     * @return the name written in it.
     */
    static Name nameOf(final DirectBuffer buffer, final int offset)
    {
        return new Name(buffer.getInt(offset + ITERATION_OFFSET, BYTE_ORDER), buffer.getInt(offset + PRODUCER_OFFSET,
            BYTE_ORDER), buffer.getLong(offset + SEQUENCE_OFFSET, BYTE_ORDER));
    }

    static long correlationId(final int producer, final long sequence)
    {
        return (long)producer << SEQUENCE_BITS | sequence;
    }

    static int producerOf(final long correlationId)
    {
        return (int)(correlationId >>> SEQUENCE_BITS);
    }

    static long sequenceOf(final long correlationId)
    {
        return correlationId & ((1L << SEQUENCE_BITS) - 1);
    }

    private static long hash(final long seed, final int iteration, final int producer, final long sequence)
    {
        long hash = mix(seed ^ 0x9E3779B97F4A7C15L);
        hash = mix(hash ^ iteration);
        hash = mix(hash ^ ((long)producer << 32));
        return mix(hash ^ sequence);
    }

    /**
     * A 64-bit finaliser: every input bit flips about half the output bits.
     */
    private static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
        z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return z ^ (z >>> 33);
    }
}
