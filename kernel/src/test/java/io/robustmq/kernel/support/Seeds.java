package io.robustmq.kernel.support;

import java.util.Random;
import java.util.stream.LongStream;

/**
 * Seeds for randomised property tests. Each run draws new seeds from {@code -Dtest.seed} (default:
 * the time), and every test names its seed, so a failure is replayed with
 * {@code mvn -pl kernel -am verify -Dtest=Class -Dtest.seed=N -Dsurefire.failIfNoSpecifiedTests=false}
 * giving that seed as the first.
 */
public final class Seeds
{
    private Seeds()
    {
    }

    public static LongStream stream(final int count)
    {
        final String fixed = System.getProperty("test.seed");
        final long first = fixed != null ? Long.parseLong(fixed) : System.nanoTime();
        final Random random = new Random(first);
        return LongStream.concat(LongStream.of(first), LongStream.generate(random::nextLong).limit(count - 1L));
    }
}
