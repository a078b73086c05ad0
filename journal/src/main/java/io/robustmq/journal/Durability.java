package io.robustmq.journal;

import java.util.Locale;

/**
 * When an appended batch counts as stored. {@link ShardLog} itself only appends and forces when
 * told; the engine's writer ({@code io.robustmq.journal.engine}) applies the durability: it forces
 * {@link #ALWAYS} shards after each duty cycle's appends and {@link #INTERVAL} shards on their
 * interval, and acknowledges accordingly.
 */
public enum Durability
{
    /** Written to the page cache; the OS writes it to disk when it chooses. Survives a process crash. */
    NONE,
    /** Written to the page cache, and forced to disk by a group fsync every flush interval. */
    INTERVAL,
    /** Forced to disk before it is acknowledged; appends waiting for the same force share it. */
    ALWAYS;

    /**
     * @return the lower-case name used in configuration.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param label {@code none}, {@code interval} or {@code always}.
     * @return the durability.
     * @throws IllegalArgumentException for any other label.
     */
    public static Durability fromLabel(final String label)
    {
        return valueOf(label.toUpperCase(Locale.ROOT));
    }
}
