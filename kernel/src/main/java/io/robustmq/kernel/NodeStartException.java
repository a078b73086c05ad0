package io.robustmq.kernel;

/**
 * A node that could not start: names the component that failed and why, in one line.
 */
public final class NodeStartException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final String component;

    /**
     * @param component the component that failed, e.g. {@code message-broker}.
     * @param reason    why, in one line.
     * @param cause     the underlying failure.
     */
    public NodeStartException(final String component, final String reason, final Throwable cause)
    {
        super(component + ": " + reason, cause);
        this.component = component;
    }

    /**
     * @return the component that failed.
     */
    public String component()
    {
        return component;
    }
}
