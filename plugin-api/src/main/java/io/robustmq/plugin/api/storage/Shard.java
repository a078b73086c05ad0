package io.robustmq.plugin.api.storage;

import io.netty.buffer.ByteBuf;

import java.util.concurrent.CompletableFuture;

/**
 * One shard: a sequence of batches with dense offsets from its earliest, appended by anyone and
 * read by anyone.
 * <p>
 * Threading: every method may be called from any thread, and none blocks.
 */
public interface Shard
{
    /** {@link #append} result: submitted; the callback will be told the outcome. */
    int SUBMITTED = 0;
    /** {@link #append} result: the engine is full for now; retry later or slow the producer. */
    int BACK_PRESSURED = -1;
    /** {@link #append} result: the batch can never be stored: it is too large for this shard. */
    int TOO_LARGE = -2;
    /** {@link #append} result: the shard was deleted or the node is stopping. */
    int CLOSED = -3;
    /**
     * {@link #append} result: an I/O error stopped the shard; it takes no appends until the node
     * restarts (see the storage documentation). Reads below {@link #durableOffset()} still work.
     */
    int FAILED = -4;
    /**
     * {@link #append} result: this node does not lead the shard in the metadata (another node does,
     * none does, or the topic is gone); nothing was stored. Send the client to the leader, or answer
     * with the protocol's not-leader error.
     */
    int NOT_LEADER = -5;

    /** {@link #read} result: the offset is below the earliest kept or above the next offset. */
    int OUT_OF_RANGE = -1;
    /** {@link #read} result: the offset lies in data recovery could not vouch for. */
    int CORRUPT = -2;

    /**
     * @return a label for people: {@code <topic>-<partition>} for a topic's shard
     * ({@link ShardId#label()}), the name it was opened with for a private one.
     */
    String name();

    /**
     * @return the engine that stores it: {@code journal} or {@code memory}.
     */
    String engine();

    /**
     * @return what an acknowledgement means: {@code none}, {@code interval} or {@code always} for
     * the journal (see the storage documentation), {@code memory} for the memory engine.
     */
    String durability();

    /**
     * @return the largest batch payload {@link #append} accepts.
     */
    int maxBatchBytes();

    /**
     * Append a batch. Its bytes are copied, or retained, before this returns: the caller keeps
     * ownership of {@code batch} and releases it as usual. The callback registered under
     * {@code callbackId} is told the batch's base offset once the batch is stored as the shard's
     * durability promises, or why it was not; possibly before this method returns.
     *
     * @param batch         the batch's bytes, from its reader index.
     * @param recordCount   records in the batch, at least 1: the next batch's base offset is this
     *                      batch's plus this.
     * @param maxTimestamp  largest record timestamp, epoch ms.
     * @param format        who can read the payload (see {@link BatchFormat}).
     * @param callbackId    from {@link Shards#register}.
     * @param correlationId handed back to the callback.
     * @return {@link #SUBMITTED}, {@link #BACK_PRESSURED}, {@link #TOO_LARGE}, {@link #CLOSED},
     * {@link #FAILED} or {@link #NOT_LEADER}.
     */
    int append(ByteBuf batch, int recordCount, long maxTimestamp, int format, int callbackId, long correlationId);

    /**
     * Give the shard its stamping hook for a payload format (see {@link BatchStamper}). Set it once,
     * when the shard is opened, before the first append of that format.
     *
     * @param format  the payload format (see {@link BatchFormat}).
     * @param stamper the hook.
     * @throws IllegalStateException if the format has a stamper already.
     */
    void stamper(int format, BatchStamper stamper);

    /**
     * Read whole batches, starting with the one that holds {@code offset}, up to a byte and a
     * record limit, and only below {@link #durableOffset()}: a reader never sees a batch whose
     * append has not been acknowledged, or failed. At least one batch is read if one is there, even
     * if it is larger than either limit.
     *
     * @param offset     the first offset wanted.
     * @param maxBytes   stop before a batch that would take the read past this many bytes.
     * @param maxRecords stop once the read holds this many records from {@code offset} on.
     * @param view       filled in; release it when done with its payloads.
     * @return batches read; 0 if nothing is there yet (at or past the durable offset);
     * {@link #OUT_OF_RANGE} or {@link #CORRUPT}.
     */
    int read(long offset, int maxBytes, int maxRecords, ShardView view);

    /**
     * @return a view to read into; reuse it, one per reader.
     */
    ShardView newView();

    /**
     * @return the oldest offset kept.
     */
    long earliestOffset();

    /**
     * @return the offset the next record will get: everything below it is written, though not
     * necessarily stored as the shard's durability promises yet (see {@link #durableOffset()}).
     */
    long nextOffset();

    /**
     * The offset below which every batch is stored as the shard's durability promises: written to
     * the engine for {@code none}, {@code interval} and {@code memory}; forced to the device for
     * {@code always}. Appends are acknowledged, and readers read, below it. It never moves back,
     * and stops moving if the shard fails. With replication it will be the high watermark.
     *
     * @return the durable offset, at most {@link #nextOffset()}.
     */
    long durableOffset();

    /**
     * Remove every batch that holds an offset at or past {@code offset}: the shard then ends where
     * that batch began, and appends go on from there (a replica discarding a divergent,
     * unacknowledged tail). Crash-safe: after a crash or a power cut the shard holds either what it
     * held before or what it holds after, never part of each. Views already read keep their bytes
     * until released. The durable offset falls with the end of the shard.
     *
     * @param offset at least {@link #earliestOffset()}, at most {@link #nextOffset()}.
     * @return completes, on an engine thread, with the next offset after the truncation; fails with
     * {@link IllegalArgumentException} for an offset out of range, or one whose batch starts below
     * the earliest offset.
     */
    CompletableFuture<Long> truncateTo(long offset);

    /**
     * Make every offset below {@code offset} unreadable and free the storage they alone use (Kafka
     * DeleteRecords; a queue whose head has been consumed). Recorded durably before it completes;
     * the earliest offset never moves back.
     *
     * @param offset the new earliest offset, at most {@link #durableOffset()}.
     * @return completes, on an engine thread, with the earliest offset now; fails with
     * {@link IllegalArgumentException} for an offset past the durable offset.
     */
    CompletableFuture<Long> deleteBefore(long offset);

    /**
     * @param timestamp epoch ms.
     * @return the base offset of the first batch whose largest timestamp is at least this, or -1.
     */
    long offsetForTimestamp(long timestamp);

    /**
     * @param listener woken when the shard's durable offset moves.
     */
    void addTailListener(TailListener listener);

    /**
     * @param listener no longer woken.
     */
    void removeTailListener(TailListener listener);
}
