package io.robustmq.plugin.api.cursor;

/**
 * Told the durable outcome of a {@link Cursor} operation or a deletion that named it (by the id
 * {@link CursorStore#register} gave it).
 * <p>
 * Threading: called on the cursor store's writer thread ({@code robustmq-cursor-writer}), in the
 * order the operations were stored. Must not block: hand the result to the caller's own thread
 * (e.g. {@code channel.eventLoop().execute(...)}) and return. An exception thrown here is logged
 * and otherwise ignored.
 */
public interface CursorCallback
{
    /** {@link #onFailed} reason: the store's shard could not store the record (I/O error, disk full). */
    int IO_ERROR = 1;
    /** {@link #onFailed} reason: the store closed before the record was stored. */
    int CLOSED = 2;

    /**
     * The operation, and every operation of the store accepted before it, is stored as the store's
     * shards' durability promises.
     *
     * @param correlationId as given to the operation.
     */
    void onDurable(long correlationId);

    /**
     * The operation was applied in memory but may not survive a restart.
     *
     * @param correlationId as given to the operation.
     * @param reason        {@link #IO_ERROR} or {@link #CLOSED}.
     */
    void onFailed(long correlationId, int reason);
}
