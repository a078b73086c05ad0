package io.robustmq.plugin.kafka.group;

import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorCallback;
import io.robustmq.plugin.api.cursor.CursorStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kafka groups' committed offsets, in the node's cursor store: one cursor per (group, partition),
 * the group named {@code kafka/<group id>} (so that no other protocol's group shares it), the
 * partition {@code <topic id>/<partition>} (so that a topic deleted and created again starts with
 * no offsets). An OffsetCommit is answered once its cursor commit is durable.
 */
public final class GroupOffsets implements CursorCallback
{
    /** The prefix of every Kafka group's name in the cursor store. */
    public static final String CURSOR_GROUP_PREFIX = "kafka/";

    /**
     * A committed offset.
     *
     * @param offset      the next offset to consume.
     * @param leaderEpoch the leader epoch given with it, or -1.
     * @param metadata    the metadata given with it.
     */
    public record Committed(long offset, int leaderEpoch, String metadata)
    {
    }

    /**
     * A committed offset and its partition.
     *
     * @param topicId   the partition's topic.
     * @param partition the partition.
     * @param committed what is committed.
     */
    public record PartitionOffset(UUID topicId, int partition, Committed committed)
    {
    }

    private final CursorStore cursors;
    private final int callbackId;
    private final AtomicLong nextId = new AtomicLong();
    private final Map<Long, CompletableFuture<Void>> waiting = new ConcurrentHashMap<>();

    public GroupOffsets(final CursorStore cursors)
    {
        this.cursors = cursors;
        this.callbackId = cursors.register(this);
    }

    /**
     * @return the longest metadata a commit may carry, in UTF-8 bytes.
     */
    public int maxMetadataBytes()
    {
        return cursors.maxMetadataBytes();
    }

    /**
     * Commit an offset.
     *
     * @return completes once it is durable; fails with the cursor's result code (as an
     * {@link IllegalStateException} message) if it was refused, or the store's failure reason.
     */
    public CompletableFuture<Void> commit(final String groupId, final UUID topicId, final int partition,
        final long offset, final int leaderEpoch, final String metadata)
    {
        final Cursor cursor;
        try
        {
            cursor = cursors.open(CURSOR_GROUP_PREFIX + groupId, shard(topicId, partition));
        }
        catch (final IllegalArgumentException tooLong)
        {
            return CompletableFuture.failedFuture(new Refused(Cursor.INVALID_OFFSET));
        }
        final long id = nextId.incrementAndGet();
        final CompletableFuture<Void> durable = new CompletableFuture<>();
        waiting.put(id, durable);
        final int result = cursor.commit(offset, leaderEpoch < 0 ? Cursor.NO_LEADER_EPOCH : leaderEpoch, metadata,
            callbackId, id);
        if (result != Cursor.OK)
        {
            waiting.remove(id);
            durable.completeExceptionally(new Refused(result));
        }
        return durable;
    }

    /**
     * @return what the group has committed for the partition, if anything.
     */
    public Optional<Committed> committed(final String groupId, final UUID topicId, final int partition)
    {
        final Cursor cursor = cursors.find(CURSOR_GROUP_PREFIX + groupId, shard(topicId, partition));
        return cursor == null || cursor.isDeleted() ? Optional.empty() :
            Optional.of(new Committed(cursor.committedOffset(), cursor.leaderEpoch(),
                cursor.metadata() == null ? "" : cursor.metadata()));
    }

    /**
     * @return every offset the group has committed.
     */
    public List<PartitionOffset> all(final String groupId)
    {
        final List<PartitionOffset> all = new ArrayList<>();
        for (final Cursor cursor : cursors.cursors(CURSOR_GROUP_PREFIX + groupId))
        {
            final String shard = cursor.shard();
            final int slash = shard.lastIndexOf('/');
            if (cursor.isDeleted() || slash < 0)
            {
                continue;
            }
            try
            {
                all.add(new PartitionOffset(UUID.fromString(shard.substring(0, slash)),
                    Integer.parseInt(shard.substring(slash + 1)), new Committed(cursor.committedOffset(),
                    cursor.leaderEpoch(), cursor.metadata() == null ? "" : cursor.metadata())));
            }
            catch (final IllegalArgumentException notOurs)
            {
                // A cursor of another naming: not a Kafka partition's.
            }
        }
        return all;
    }

    /**
     * @return the ids of every Kafka group with committed offsets.
     */
    public List<String> groups()
    {
        final List<String> ids = new ArrayList<>();
        for (final String group : cursors.groups())
        {
            if (group.startsWith(CURSOR_GROUP_PREFIX))
            {
                ids.add(group.substring(CURSOR_GROUP_PREFIX.length()));
            }
        }
        return ids;
    }

    /**
     * Delete a group's offsets.
     *
     * @return the cursor store's result: {@link Cursor#OK} or a refusal.
     */
    public int deleteGroup(final String groupId)
    {
        return cursors.deleteGroup(CURSOR_GROUP_PREFIX + groupId, CursorStore.NO_CALLBACK, 0);
    }

    /**
     * Delete a group's offset for one partition (Kafka's OffsetDelete); done also if there was none.
     *
     * @return completes once the deletion is durable; fails with {@link Refused} (the store's result:
     * {@link Cursor#BACK_PRESSURED} or {@link Cursor#CLOSED}) if it was refused, or the store's
     * failure reason.
     */
    public CompletableFuture<Void> delete(final String groupId, final UUID topicId, final int partition)
    {
        final long id = nextId.incrementAndGet();
        final CompletableFuture<Void> durable = new CompletableFuture<>();
        waiting.put(id, durable);
        final int result = cursors.delete(CURSOR_GROUP_PREFIX + groupId, shard(topicId, partition), callbackId, id);
        if (result != Cursor.OK)
        {
            waiting.remove(id);
            durable.completeExceptionally(new Refused(result));
        }
        return durable;
    }

    private static String shard(final UUID topicId, final int partition)
    {
        return topicId + "/" + partition;
    }

    @Override
    public void onDurable(final long correlationId)
    {
        final CompletableFuture<Void> durable = waiting.remove(correlationId);
        if (durable != null)
        {
            durable.complete(null);
        }
    }

    @Override
    public void onFailed(final long correlationId, final int reason)
    {
        final CompletableFuture<Void> durable = waiting.remove(correlationId);
        if (durable != null)
        {
            durable.completeExceptionally(new IllegalStateException("the cursor store failed: reason " + reason));
        }
    }

    /**
     * A commit or deletion the cursor store refused.
     */
    public static final class Refused extends RuntimeException
    {
        private final int result;

        Refused(final int result)
        {
            super("the cursor store refused: " + result, null, false, false);
            this.result = result;
        }

        /**
         * @return the cursor's result code ({@link Cursor#BACK_PRESSURED}, {@link Cursor#METADATA_TOO_LARGE}, ...).
         */
        public int result()
        {
            return result;
        }
    }
}
