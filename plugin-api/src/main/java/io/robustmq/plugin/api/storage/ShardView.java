package io.robustmq.plugin.api.storage;

import io.netty.buffer.ByteBuf;

/**
 * Batches read from a shard, in place: the payloads are views of the engine's memory (the mapped
 * journal segment, or the memory engine's buffers), not copies. Valid until {@link #release()}.
 * <pre>{@code
 * while (view.next()) { use(view.baseOffset(), view.payload()); }
 * view.release();
 * }</pre>
 */
public interface ShardView
{
    /**
     * Move to the next batch of the read.
     *
     * @return false when there is none.
     */
    boolean next();

    /**
     * @return the current batch's base offset.
     */
    long baseOffset();

    /**
     * @return the current batch's record count.
     */
    int recordCount();

    /**
     * @return the current batch's largest record timestamp, epoch ms.
     */
    long maxTimestamp();

    /**
     * @return the current batch's format.
     */
    int format();

    /**
     * @return the current batch's payload, without a copy; valid until {@link #release()}. Do not
     * release the buffer itself; to keep it past the view, take {@link #retainedPayload()}.
     */
    ByteBuf payload();

    /**
     * The current batch's payload, without a copy, as a read-only buffer of its own: it keeps the
     * engine's memory (the journal segment's mapping) alive until it is released, even after the
     * view is released, or retention or {@code delete} removes the segment. The caller owns it:
     * hand it to a channel's {@code write} (which releases it once written) and release the view at
     * once.
     *
     * @return the payload, with a reference count of 1 that the caller owns.
     */
    ByteBuf retainedPayload();

    /**
     * @return the offset after the read's last batch: where the next read starts.
     */
    long nextOffset();

    /**
     * Let the engine's memory go. Safe to call twice; the view can then be read into again.
     */
    void release();
}
