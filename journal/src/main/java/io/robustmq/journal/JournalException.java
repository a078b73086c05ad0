package io.robustmq.journal;

/**
 * A journal operation that failed; the message says what and where, in one line.
 */
public final class JournalException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and where.
     * @param cause   the underlying failure, or null.
     */
    public JournalException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
