package io.robustmq.plugin.api.cursor;

import java.util.List;

/**
 * The node's cursors: per (consumer group, shard), a durable {@link Cursor}. The kernel keeps them in
 * shards of its own, compacted by checkpoints, and recovers them before any plugin starts.
 * <p>
 * Threading: every method may be called from any thread. {@link #find} takes no lock and allocates
 * nothing; {@link #open}, the deletions and the listings take the store's lock briefly (they are not
 * for the per-message path: keep the {@link Cursor} handle).
 */
public interface CursorStore
{
    /** {@code callbackId} of an operation whose durable outcome nobody waits for. */
    int NO_CALLBACK = -1;

    /**
     * Register who is told about durable outcomes. Register once (per plugin, connection handler or
     * event loop) and pass the id to every operation.
     *
     * @param callback told when operations are stored.
     * @return the callback's id.
     */
    int register(CursorCallback callback);

    /**
     * @param group a consumer group.
     * @param shard a shard's name.
     * @return the cursor, or null if the group has none on the shard.
     */
    Cursor find(String group, String shard);

    /**
     * The cursor of a group on a shard, created if it does not exist (at C = H = 0, nothing stored
     * until its first operation).
     *
     * @param group a consumer group, not empty, at most 1024 bytes of UTF-8.
     * @param shard a shard's name, not empty, at most 1024 bytes of UTF-8.
     * @return the cursor; keep it for the group's operations on the shard.
     * @throws IllegalArgumentException if a name is empty or too long.
     */
    Cursor open(String group, String shard);

    /**
     * @param group a consumer group.
     * @return the group's cursors, by shard name.
     */
    List<Cursor> cursors(String group);

    /**
     * @return every group with at least one cursor, sorted.
     */
    List<String> groups();

    /**
     * Delete one cursor: a later {@link #open} starts afresh.
     *
     * @param group         a consumer group.
     * @param shard         a shard's name.
     * @param callbackId    told when the deletion is stored, or {@link #NO_CALLBACK}.
     * @param correlationId handed back to the callback.
     * @return {@link Cursor#OK} (also when there was no such cursor), {@link Cursor#BACK_PRESSURED} or
     * {@link Cursor#CLOSED}.
     */
    int delete(String group, String shard, int callbackId, long correlationId);

    /**
     * Delete every cursor of a group (Kafka DeleteGroups, an AMQP queue deleted).
     *
     * @param group         a consumer group.
     * @param callbackId    told when the deletion is stored, or {@link #NO_CALLBACK}.
     * @param correlationId handed back to the callback.
     * @return {@link Cursor#OK}, {@link Cursor#BACK_PRESSURED} or {@link Cursor#CLOSED}. When
     * back-pressured, some of the group's cursors may already be deleted: call again.
     */
    int deleteGroup(String group, int callbackId, long correlationId);

    /**
     * Delete every cursor on a shard (the shard was deleted).
     *
     * @param shard         a shard's name.
     * @param callbackId    told when the deletion is stored, or {@link #NO_CALLBACK}.
     * @param correlationId handed back to the callback.
     * @return {@link Cursor#OK}, {@link Cursor#BACK_PRESSURED} or {@link Cursor#CLOSED}. When
     * back-pressured, some of the shard's cursors may already be deleted: call again.
     */
    int deleteShard(String shard, int callbackId, long correlationId);

    /**
     * @return the most unacknowledged offsets a cursor may hold ({@code storage.cursors.max_unacknowledged}).
     */
    int maxUnacknowledged();

    /**
     * @return the longest {@link Cursor#commit} metadata, UTF-8 bytes ({@code storage.cursors.max_metadata_bytes}).
     */
    int maxMetadataBytes();
}
