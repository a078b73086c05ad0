package io.robustmq.kernel.network;

/**
 * A listener that could not be bound: port in use, certificate unreadable. The message names the
 * listener and says why, in one line.
 */
public final class ListenerBindException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message one line naming the listener and the reason.
     * @param cause   the underlying failure, or null.
     */
    public ListenerBindException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
