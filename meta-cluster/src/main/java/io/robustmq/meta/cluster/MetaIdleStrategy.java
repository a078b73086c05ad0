package io.robustmq.meta.cluster;

import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * How the Meta Service's threads wait when a duty cycle finds no work: one choice for both threads
 * of a member (the one running its media driver, archive and consensus module, and the service
 * container's) and for the thread of a {@link MetaClient} while it waits for results. A command crosses several of these threads on its way to commit and back, so
 * how soon an idle thread notices new work is most of a command's latency on a quiet cluster, and
 * how often it looks is what an idle node costs in CPU.
 * <p>
 * Written as in the configuration: {@code backoff}, {@code backoff:100us}, {@code sleeping:1ms},
 * {@code yielding}, {@code busy}. A period is {@code <n>us} or {@code <n>ms}, 1 us to 1 s;
 * without one, {@code backoff} parks up to 1 ms (Aeron's default) and {@code sleeping} sleeps 1 ms.
 *
 * @param kind   how to wait.
 * @param parkNs for {@link Kind#BACKOFF} the longest park, for {@link Kind#SLEEPING} the sleep; 0 for
 *               the others.
 */
public record MetaIdleStrategy(Kind kind, long parkNs)
{
    /**
     * The ways to wait, from the cheapest when idle to the quickest to react.
     */
    public enum Kind
    {
        /**
         * Sleep {@code parkNs} whenever a duty cycle finds no work.
         */
        SLEEPING,
        /**
         * Spin 10 times, yield 5 times, then park from 1 us, doubling up to {@code parkNs}, until a
         * duty cycle finds work.
         */
        BACKOFF,
        /**
         * {@link Thread#yield()} whenever a duty cycle finds no work: a core per thread while idle,
         * shared with whatever else is runnable.
         */
        YIELDING,
        /**
         * Spin ({@link Thread#onSpinWait()}) whenever a duty cycle finds no work: a core per
         * thread, always.
         */
        BUSY
    }

    /** Shortest period accepted. */
    public static final long MIN_PARK_NS = TimeUnit.MICROSECONDS.toNanos(1);
    /** Longest period accepted. */
    public static final long MAX_PARK_NS = TimeUnit.SECONDS.toNanos(1);
    /** The period of {@code backoff} and {@code sleeping} written without one. */
    public static final long DEFAULT_PARK_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Aeron's own default: backoff parking up to 1 ms. */
    public static final MetaIdleStrategy AERON_DEFAULT = new MetaIdleStrategy(Kind.BACKOFF, DEFAULT_PARK_NS);
    /** What a member and a client use unless told otherwise. */
    public static final MetaIdleStrategy DEFAULT = AERON_DEFAULT;

    private static final long SPINS = 10;
    private static final long YIELDS = 5;

    /**
     * @throws IllegalArgumentException if the period does not suit the kind: backoff and sleeping
     *                                  need whole microseconds, 1 us to 1 s; the others none.
     */
    public MetaIdleStrategy
    {
        Objects.requireNonNull(kind, "kind");
        final boolean parks = kind == Kind.BACKOFF || kind == Kind.SLEEPING;
        if (parks && (parkNs < MIN_PARK_NS || parkNs > MAX_PARK_NS || parkNs % MIN_PARK_NS != 0))
        {
            throw new IllegalArgumentException(name(kind) + " needs a period of whole microseconds, 1us to 1000ms, got " +
                parkNs + " ns");
        }
        if (!parks && parkNs != 0)
        {
            throw new IllegalArgumentException(name(kind) + " takes no period");
        }
    }

    /**
     * @param text as in the configuration, e.g. {@code backoff:100us}; case and surrounding blanks
     *             are ignored.
     * @return the strategy.
     * @throws IllegalArgumentException naming what is accepted, if the text is not a strategy.
     */
    public static MetaIdleStrategy parse(final String text)
    {
        final String value = text.trim().toLowerCase(Locale.ROOT);
        final int colon = value.indexOf(':');
        final String name = colon < 0 ? value : value.substring(0, colon);
        final Kind kind = switch (name)
        {
            case "sleeping" -> Kind.SLEEPING;
            case "backoff" -> Kind.BACKOFF;
            case "yielding" -> Kind.YIELDING;
            case "busy" -> Kind.BUSY;
            default -> throw new IllegalArgumentException("expected backoff[:<period>], sleeping[:<period>], " +
                "yielding or busy (a period is <n>us or <n>ms), got '" + text + "'");
        };
        final boolean parks = kind == Kind.BACKOFF || kind == Kind.SLEEPING;
        if (colon < 0)
        {
            return new MetaIdleStrategy(kind, parks ? DEFAULT_PARK_NS : 0);
        }
        if (!parks)
        {
            throw new IllegalArgumentException(name + " takes no period, got '" + text + "'");
        }
        return new MetaIdleStrategy(kind, parsePeriod(value.substring(colon + 1), text));
    }

    private static long parsePeriod(final String period, final String text)
    {
        final TimeUnit unit = period.endsWith("us") ? TimeUnit.MICROSECONDS :
            period.endsWith("ms") ? TimeUnit.MILLISECONDS : null;
        final String digits = unit == null ? "" : period.substring(0, period.length() - 2);
        if (digits.isEmpty() || !digits.chars().allMatch(Character::isDigit) || digits.length() > 9)
        {
            throw new IllegalArgumentException("expected a period of <n>us or <n>ms, 1us to 1000ms, got '" + text + "'");
        }
        final long parkNs = unit.toNanos(Long.parseLong(digits));
        if (parkNs < MIN_PARK_NS || parkNs > MAX_PARK_NS)
        {
            throw new IllegalArgumentException("expected a period of 1us to 1000ms, got '" + text + "'");
        }
        return parkNs;
    }

    /**
     * @return a new idle strategy of this kind, for one thread (an idle strategy keeps state).
     */
    public IdleStrategy newIdleStrategy()
    {
        return switch (kind)
        {
            case SLEEPING -> new SleepingIdleStrategy(parkNs);
            case BACKOFF -> new BackoffIdleStrategy(SPINS, YIELDS, MIN_PARK_NS, parkNs);
            case YIELDING -> new YieldingIdleStrategy();
            case BUSY -> new BusySpinIdleStrategy();
        };
    }

    /**
     * @return the form the configuration takes, e.g. {@code backoff:100us}.
     */
    @Override
    public String toString()
    {
        if (kind != Kind.BACKOFF && kind != Kind.SLEEPING)
        {
            return name(kind);
        }
        final long micros = TimeUnit.NANOSECONDS.toMicros(parkNs);
        return name(kind) + ":" + (micros % 1000 == 0 ? micros / 1000 + "ms" : micros + "us");
    }

    private static String name(final Kind kind)
    {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
