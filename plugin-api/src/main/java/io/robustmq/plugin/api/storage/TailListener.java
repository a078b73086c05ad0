package io.robustmq.plugin.api.storage;

/**
 * Woken when a shard grows, so a reader waits for new batches without polling.
 * <p>
 * Threading: called on an engine thread, at most once per batch of appends. Must not block.
 */
@FunctionalInterface
public interface TailListener
{
    /**
     * @param shard      the shard that grew.
     * @param nextOffset everything below this offset is now readable.
     */
    void onAppend(Shard shard, long nextOffset);
}
