package io.robustmq.kernel.status;

import java.util.Locale;

/**
 * Where a node component is in its life.
 */
public enum ComponentState
{
    /** Not started yet: a component before it is still starting. */
    PENDING,
    /** Being started. */
    STARTING,
    /** Started and serving. */
    READY,
    /** Being stopped. */
    STOPPING,
    /** Stopped. */
    STOPPED,
    /** Failed to start. */
    FAILED;

    /**
     * @return the lower-case name that the admin API reports.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
