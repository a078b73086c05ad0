package io.robustmq.journal.engine;

/**
 * Told when an append submitted with {@link JournalShard#append} is stored as its shard's
 * durability promises, or why it was not.
 * <p>
 * Threading: called on the shard's writer thread. Must not block and should not allocate: hand the
 * result to the caller's own thread (e.g. a Netty event loop) and return.
 */
public interface AppendCompletion
{
    /** {@link #onFailed} reason: the shard was deleted or closed before the batch reached it. */
    int SHARD_CLOSED = 1;
    /** {@link #onFailed} reason: the batch is larger than one of the shard's segments can hold. */
    int TOO_LARGE = 2;
    /** {@link #onFailed} reason: the shard could not write (disk full, I/O error); see the log. */
    int IO_ERROR = 3;
    /**
     * {@link #onFailed} reasons from here up: the shard's stamping hook refused the batch, and the
     * reason is the hook's (see {@link io.robustmq.journal.FrameStamper}); a hook's reason below this one arrives as this one.
     */
    int FIRST_REFUSAL = 100;

    /**
     * @param correlationId the id given to {@link JournalShard#append}.
     * @param baseOffset    the offset of the batch's first record.
     */
    void onAppended(long correlationId, long baseOffset);

    /**
     * @param correlationId the id given to {@link JournalShard#append}.
     * @param reason        {@link #SHARD_CLOSED}, {@link #TOO_LARGE}, {@link #IO_ERROR}, or a
     *                      stamping hook's refusal ({@link #FIRST_REFUSAL} and up).
     */
    void onFailed(long correlationId, int reason);
}
