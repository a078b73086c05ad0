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
     * @return the current batch's payload, without a copy; valid until {@link #release()}. Retain
     * it (and so keep the view) only by not releasing the view; do not release the buffer itself.
     */
    ByteBuf payload();

    /**
     * @return the offset after the read's last batch: where the next read starts.
     */
    long nextOffset();

    /**
     * Let the engine's memory go. Safe to call twice; the view can then be read into again.
     */
    void release();
}
