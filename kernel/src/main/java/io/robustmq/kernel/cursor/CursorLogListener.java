package io.robustmq.kernel.cursor;

/**
 * Told the records of a cursor log, one call per record (see {@link CursorDescriptor}), by a
 * {@link CursorLogAdapter}.
 * <p>
 * Threading: called on the thread that runs the adapter.
 */
interface CursorLogListener
{
    void onOpened(int cursorId, String group, String shard);

    /**
     * @param metadata the new metadata, or null if it did not change.
     */
    void onCommitted(int cursorId, int leaderEpoch, long offset, String metadata);

    void onDelivered(int cursorId, long offset);

    void onAcknowledged(int cursorId, long offset, boolean multiple);

    void onDeleted(int cursorId);

    void onGroupDeleted(String group);

    void onShardDeleted(String shard);

    void onCheckpointBegin(long generation);

    void onCursorState(int cursorId, String group, String shard, long delivered, int leaderEpoch, String metadata);

    void onUnacknowledged(int cursorId, long firstOffset, int length);

    void onCheckpointEnd(long generation, int cursors);
}
