package io.robustmq.plugin.api.cursor;

/**
 * Where one consumer group stands in one shard, kept durably by the {@link CursorStore}:
 * <pre>
 *   offsets:  ... | acknowledged | C | u  a  u  u  a | H | not yet delivered ...
 *                                  '------ delivered ------'
 *   C = committedOffset(): every offset below it is acknowledged;
 *   H = deliveredOffset(): every offset below it has been delivered (or skipped);
 *   u = unacknowledged: delivered, not yet acknowledged, redelivered after a restart;
 *   a = acknowledged out of order: C moves past it once everything before it is acknowledged.
 * </pre>
 * C is the smallest unacknowledged offset, or H when there is none. A Kafka group uses
 * {@link #commit} alone (C = H, nothing unacknowledged); an AMQP queue uses {@link #delivered} and
 * {@link #acknowledge}.
 * <p>
 * <b>Results.</b> Every operation is applied in memory before it returns (the getters show it at
 * once, on every thread) and queued for the store's writer; the result says which, or why not:
 * {@link #OK}, or a negative code, in which case nothing changed. Back-pressure is a result
 * ({@link #BACK_PRESSURED}: the writer's queue is full; retry later), never a block or an exception.
 * <p>
 * <b>Durability.</b> Pass {@link CursorStore#NO_CALLBACK} as {@code callbackId} when nobody waits;
 * otherwise the callback registered under it is told, with {@code correlationId}, once the
 * operation is stored (and so survives a crash of the node) or that it could not be. Operations are
 * stored in the order they were accepted, across all cursors of the store: when one is durable,
 * every one accepted before it is too.
 * <p>
 * An operation naming a {@code callbackId} that was never registered throws
 * {@link IllegalArgumentException}: that is a bug in the caller, not a refusal.
 * <p>
 * Threading: any thread. Each cursor has an uncontended monitor that orders its operations with
 * their records: intended use is one owner (a group coordinator, a queue's event loop) per cursor.
 * Nothing here blocks on I/O or allocates (the set of unacknowledged offsets grows its array now
 * and then, up to twice {@link CursorStore#maxUnacknowledged()} offsets).
 */
public interface Cursor
{
    /** Result: applied in memory and queued to be stored. */
    int OK = 0;
    /** Result: the store's writer queue is full; nothing changed: retry later, or slow the consumer. */
    int BACK_PRESSURED = -1;
    /** Result: the cursor was deleted, or the store is closed. */
    int CLOSED = -2;
    /** Result: {@link #delivered} would hold more unacknowledged offsets than the store allows. */
    int TOO_MANY_UNACKNOWLEDGED = -3;
    /** Result: {@link #acknowledge} of an offset that is not delivered-and-unacknowledged. */
    int NOT_UNACKNOWLEDGED = -4;
    /** Result: {@link #delivered} of an offset below the delivered mark. */
    int ALREADY_DELIVERED = -5;
    /** Result: the metadata's UTF-8 encoding is longer than {@link CursorStore#maxMetadataBytes()}. */
    int METADATA_TOO_LARGE = -6;
    /** Result: a negative offset. */
    int INVALID_OFFSET = -7;

    /** {@link #leaderEpoch()} when none was given (Kafka's {@code -1}). */
    int NO_LEADER_EPOCH = -1;

    /**
     * @return the consumer group's name.
     */
    String group();

    /**
     * @return the shard's name.
     */
    String shard();

    /**
     * @return C: every offset below it is acknowledged (Kafka's committed offset, the next to consume).
     */
    long committedOffset();

    /**
     * @return H: every offset below it has been delivered or skipped; at least {@link #committedOffset()}.
     */
    long deliveredOffset();

    /**
     * @return the leader epoch of the last {@link #commit}, or {@link #NO_LEADER_EPOCH}.
     */
    int leaderEpoch();

    /**
     * @return the metadata of the last {@link #commit}; empty if none.
     */
    String metadata();

    /**
     * @return how many offsets are delivered and not yet acknowledged.
     */
    int unacknowledgedCount();

    /**
     * @param offset an offset.
     * @return true if it is delivered and not yet acknowledged (after a restart: deliver it again,
     * flagged as a redelivery).
     */
    boolean isUnacknowledged(long offset);

    /**
     * Copy the unacknowledged offsets from {@code fromOffset} on, in ascending order; page through
     * them by calling again from the last one plus 1.
     *
     * @param fromOffset the smallest offset wanted.
     * @param into       filled from index 0.
     * @return how many were copied: fewer than {@code into.length} when there are no more.
     */
    int unacknowledged(long fromOffset, long[] into);

    /**
     * Kafka's OffsetCommit: everything below {@code offset} is acknowledged. Moving forward drops the
     * unacknowledged offsets below it (and moves H up to it if it was below); moving back (a reset)
     * forgets every unacknowledged offset: C = H = {@code offset}.
     *
     * @param offset        the new committed offset, at least 0.
     * @param leaderEpoch   kept and handed back by {@link #leaderEpoch()}; {@link #NO_LEADER_EPOCH} if none.
     * @param metadata      kept and handed back by {@link #metadata()}; null means empty. At most
     *                      {@link CursorStore#maxMetadataBytes()} bytes of UTF-8.
     * @param callbackId    from {@link CursorStore#register}, or {@link CursorStore#NO_CALLBACK}.
     * @param correlationId handed back to the callback.
     * @return {@link #OK}, {@link #BACK_PRESSURED}, {@link #CLOSED}, {@link #METADATA_TOO_LARGE} or
     * {@link #INVALID_OFFSET}.
     */
    int commit(long offset, int leaderEpoch, String metadata, int callbackId, long correlationId);

    /**
     * An AMQP dispatch: {@code offset} is delivered and awaits its acknowledgement; H becomes
     * {@code offset + 1}. Offsets between the old H and {@code offset} are skipped: treated as
     * acknowledged (a queue that drops an expired message, or a consumer that filters).
     *
     * @param offset        at least H.
     * @param callbackId    from {@link CursorStore#register}, or {@link CursorStore#NO_CALLBACK}.
     * @param correlationId handed back to the callback.
     * @return {@link #OK}, {@link #BACK_PRESSURED}, {@link #CLOSED}, {@link #TOO_MANY_UNACKNOWLEDGED},
     * {@link #ALREADY_DELIVERED} or {@link #INVALID_OFFSET}.
     */
    int delivered(long offset, int callbackId, long correlationId);

    /**
     * Acknowledge a delivered offset, in any order; C moves over the acknowledged prefix.
     *
     * @param offset        the offset; with {@code multiple}, the last of those acknowledged.
     * @param multiple      AMQP's {@code multiple}: acknowledge every unacknowledged offset up to and
     *                      including {@code offset} (which must then be below H, and need not be
     *                      unacknowledged itself).
     * @param callbackId    from {@link CursorStore#register}, or {@link CursorStore#NO_CALLBACK}.
     * @param correlationId handed back to the callback.
     * @return {@link #OK}, {@link #BACK_PRESSURED}, {@link #CLOSED}, {@link #NOT_UNACKNOWLEDGED} or
     * {@link #INVALID_OFFSET}.
     */
    int acknowledge(long offset, boolean multiple, int callbackId, long correlationId);

    /**
     * @return true once the cursor was deleted (its handle then refuses every operation with
     * {@link #CLOSED}; {@link CursorStore#open} makes a new one).
     */
    boolean isDeleted();
}
