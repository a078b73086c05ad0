package io.robustmq.plugin.api.metadata;

/**
 * Why a metadata write was refused, or did not complete.
 */
public final class MetadataException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * The kinds of refusal.
     */
    public enum Reason
    {
        /** What it would create exists. */
        ALREADY_EXISTS,
        /** What it names does not exist. */
        NOT_FOUND,
        /** A field is out of range or malformed. */
        INVALID,
        /** The cluster did not answer in time (no leader, or no quorum). */
        UNAVAILABLE,
        /** The object is not at the version the write expected: another write came first. */
        CONFLICT
    }

    private final Reason reason;

    /**
     * @param reason  the kind of refusal.
     * @param message what was refused, and why.
     */
    public MetadataException(final Reason reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    /**
     * @return the kind of refusal.
     */
    public Reason reason()
    {
        return reason;
    }
}
