package io.robustmq.plugin.kafka.api;

import java.util.concurrent.CompletionException;

/**
 * What went wrong, out of the wrapper a future's dependent stage gets.
 */
final class Failures
{
    private Failures()
    {
    }

    /**
     * @param failure as a {@code handle} or {@code whenComplete} stage receives it; may be null.
     * @return the failure itself, unwrapped from a {@link CompletionException}.
     */
    static Throwable cause(final Throwable failure)
    {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
