package io.robustmq.journal.engine;

/**
 * Woken when a shard's log grows, so readers wait for data without polling.
 * <p>
 * Threading: called on the shard's writer thread, at most once per writer duty cycle however many
 * batches the cycle appended. Must not block: wake the reader's own thread and return.
 */
@FunctionalInterface
public interface TailListener
{
    /**
     * @param shard      the shard that grew.
     * @param nextOffset the offset its next record will get: everything below is readable.
     */
    void onAppend(JournalShard shard, long nextOffset);
}
