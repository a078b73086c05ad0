package io.robustmq.journal.crash;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;

import java.util.SplittableRandom;

/**
 * The batches of the crash test: everything about a batch (record count, timestamp, format,
 * payload) follows from the run's seed and the batch's base offset, so the test can check any
 * batch it reads without being told what was written. Since each batch's record count follows from
 * its base offset, a dense log from offset 0 is the one sequence of batches and differs from run
 * to run only in its length.
 */
final class CrashBatches
{
    /** Small segments, so that the writer rolls often and kills land in and around rolls. */
    static final ShardConfig CONFIG = new ShardConfig(64 * 1024, 1024, Durability.ALWAYS, 1000, 0, 0);
    static final long FIRST_TIMESTAMP = 1_764_000_000_000L;

    /**
     * One batch.
     *
     * @param baseOffset  its base offset.
     * @param recordCount its records.
     * @param timestamp   its largest timestamp.
     * @param format      its payload format.
     * @param payload     its bytes.
     */
    record Batch(long baseOffset, int recordCount, long timestamp, int format, byte[] payload)
    {
        long nextOffset()
        {
            return baseOffset + recordCount;
        }
    }

    private CrashBatches()
    {
    }

    /**
     * @param seed       the run's seed.
     * @param baseOffset a base offset.
     * @return the batch that the writer of that run appends at that offset.
     */
    static Batch at(final long seed, final long baseOffset)
    {
        final SplittableRandom random = new SplittableRandom(seed ^ (baseOffset * 0x9E3779B97F4A7C15L));
        final int recordCount = 1 + random.nextInt(5);
        final int format = random.nextInt(4);
        final int length = random.nextInt(8) == 0 ? 1500 + random.nextInt(20_000) : random.nextInt(1500);
        final byte[] payload = new byte[length];
        random.nextBytes(payload);
        return new Batch(baseOffset, recordCount, FIRST_TIMESTAMP + baseOffset, format, payload);
    }
}
