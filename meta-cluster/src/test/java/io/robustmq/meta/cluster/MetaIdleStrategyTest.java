package io.robustmq.meta.cluster;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The written form of an idle strategy, and the Agrona strategy each one makes.
 */
class MetaIdleStrategyTest
{
    @Test
    void parsesEveryKindWithAndWithoutAPeriod()
    {
        assertEquals(new MetaIdleStrategy(MetaIdleStrategy.Kind.BACKOFF, TimeUnit.MILLISECONDS.toNanos(1)),
            MetaIdleStrategy.parse("backoff"));
        assertEquals(new MetaIdleStrategy(MetaIdleStrategy.Kind.BACKOFF, TimeUnit.MICROSECONDS.toNanos(100)),
            MetaIdleStrategy.parse(" Backoff:100us "));
        assertEquals(new MetaIdleStrategy(MetaIdleStrategy.Kind.SLEEPING, TimeUnit.MILLISECONDS.toNanos(2)),
            MetaIdleStrategy.parse("sleeping:2ms"));
        assertEquals(new MetaIdleStrategy(MetaIdleStrategy.Kind.YIELDING, 0), MetaIdleStrategy.parse("yielding"));
        assertEquals(new MetaIdleStrategy(MetaIdleStrategy.Kind.BUSY, 0), MetaIdleStrategy.parse("BUSY"));
        assertEquals(MetaIdleStrategy.AERON_DEFAULT, MetaIdleStrategy.parse("backoff:1000us"));
    }

    @Test
    void writesTheFormItParses()
    {
        for (final String text : new String[]{"backoff:1ms", "backoff:250us", "sleeping:1000ms", "yielding", "busy"})
        {
            assertEquals(text, MetaIdleStrategy.parse(text).toString());
        }
        assertEquals("backoff:1ms", MetaIdleStrategy.parse("backoff").toString());
    }

    @Test
    void refusesWhatIsNotAStrategyAndSaysWhatIs()
    {
        for (final String text : new String[]{"", "spin", "backoff:", "backoff:100", "backoff:0us", "backoff:2000ms",
            "backoff:-5us", "backoff:1.5ms", "sleeping:10ns", "yielding:1ms", "busy:5us", "backoff:99999999999ms"})
        {
            final IllegalArgumentException ex =
                assertThrows(IllegalArgumentException.class, () -> MetaIdleStrategy.parse(text), text);
            assertTrue(ex.getMessage().contains("'" + text + "'"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class,
            () -> new MetaIdleStrategy(MetaIdleStrategy.Kind.BACKOFF, 1500), "not whole microseconds");
        assertThrows(IllegalArgumentException.class, () -> new MetaIdleStrategy(MetaIdleStrategy.Kind.YIELDING, 1000));
    }

    @Test
    void makesAFreshAgronaStrategyOfItsKind()
    {
        final BackoffIdleStrategy backoff = assertInstanceOf(BackoffIdleStrategy.class,
            MetaIdleStrategy.parse("backoff:100us").newIdleStrategy());
        assertTrue(backoff.toString().contains("maxParkPeriodNs=100000"), backoff.toString());
        final SleepingIdleStrategy sleeping = assertInstanceOf(SleepingIdleStrategy.class,
            MetaIdleStrategy.parse("sleeping:50us").newIdleStrategy());
        assertTrue(sleeping.toString().contains("sleepPeriodNs=50000"), sleeping.toString());
        assertInstanceOf(YieldingIdleStrategy.class, MetaIdleStrategy.parse("yielding").newIdleStrategy());
        assertInstanceOf(BusySpinIdleStrategy.class, MetaIdleStrategy.parse("busy").newIdleStrategy());
        final MetaIdleStrategy strategy = MetaIdleStrategy.parse("backoff");
        assertTrue(strategy.newIdleStrategy() != strategy.newIdleStrategy(), "one per thread: they keep state");
    }
}
