package io.robustmq.plugin.api.storage;

/**
 * Told the outcome of {@link Shard#append}.
 * <p>
 * Threading: called on an engine thread (the journal's writer), or on the appending thread itself
 * for engines that complete at once. Must not block: hand the result to the caller's own thread
 * (e.g. {@code channel.eventLoop().execute(...)}) and return.
 */
public interface AppendCallback
{
    /** {@link #onFailed} reason: the shard was deleted or closed before the batch reached it. */
    int SHARD_CLOSED = 1;
    /** {@link #onFailed} reason: the batch is too large for the shard. */
    int TOO_LARGE = 2;
    /** {@link #onFailed} reason: the engine could not write (disk full, I/O error). */
    int IO_ERROR = 3;
    /**
     * {@link #onFailed} reasons from here up: the shard's stamping hook refused the batch, and the
     * reason is the hook's (see {@link BatchStamper}); a hook's reason below this one arrives as this one.
     */
    int FIRST_REFUSAL = 100;

    /**
     * @param correlationId as given to {@link Shard#append}.
     * @param baseOffset    the offset of the batch's first record.
     */
    void onAppended(long correlationId, long baseOffset);

    /**
     * @param correlationId as given to {@link Shard#append}.
     * @param reason        {@link #SHARD_CLOSED}, {@link #TOO_LARGE}, {@link #IO_ERROR}, or a
     *                      stamping hook's refusal ({@link #FIRST_REFUSAL} and up).
     */
    void onFailed(long correlationId, int reason);
}
