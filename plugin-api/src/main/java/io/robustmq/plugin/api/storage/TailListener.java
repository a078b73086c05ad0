package io.robustmq.plugin.api.storage;

/**
 * Woken when a shard's durable offset moves, so a reader waits for new batches without polling.
 * <p>
 * Threading: called on an engine thread, at most once per batch of appends. Must not block.
 */
@FunctionalInterface
public interface TailListener
{
    /**
     * @param shard      the shard that grew.
     * @param durableOffset everything below this offset is now readable (see
     *                      {@link Shard#durableOffset()}).
     */
    void onAppend(Shard shard, long durableOffset);
}
