package io.robustmq.journal;

import org.agrona.DirectBuffer;

/**
 * A read of a shard: whole frames, in place in the mapped segment, valid until {@link #release()}.
 * Walk the frames with {@link BatchFrames}: the first starts at {@link #offset()}, each next one
 * at the previous one's position plus its aligned length. Reusable: {@link ShardLog#read} fills
 * it again after a release.
 */
public final class JournalView
{
    private Segment segment;
    private int offset;
    private int length;
    private long firstOffset;
    private long nextOffset;

    void wrap(final Segment segment, final int offset, final int length, final long firstOffset, final long nextOffset)
    {
        if (this.segment != null)
        {
            throw new IllegalStateException("view still holds a segment: release it first");
        }
        this.segment = segment;
        this.offset = offset;
        this.length = length;
        this.firstOffset = firstOffset;
        this.nextOffset = nextOffset;
    }

    /**
     * @return the segment's memory; read only between {@link #offset()} and its end.
     */
    public DirectBuffer buffer()
    {
        return segment.buffer();
    }

    /**
     * @return the address of the first frame, for wrapping without a copy (e.g. a Netty ByteBuf).
     */
    public long address()
    {
        return segment.buffer().addressOffset() + offset;
    }

    /**
     * @return the first frame's position in {@link #buffer()}.
     */
    public int offset()
    {
        return offset;
    }

    /**
     * @return bytes of frames, padding included.
     */
    public int length()
    {
        return length;
    }

    /**
     * @return the base offset of the first frame (which may start before the offset asked for).
     */
    public long firstOffset()
    {
        return firstOffset;
    }

    /**
     * @return the offset after the last record in the view: where the next read starts.
     */
    public long nextOffset()
    {
        return nextOffset;
    }

    /**
     * Take a hold of its own on the view's segment, which outlives the view's release.
     *
     * @return the lease; release it when the memory is no longer read.
     * @throws IllegalStateException if the view holds nothing.
     */
    public SegmentLease lease()
    {
        final Segment held = segment;
        if (held == null || !held.tryRetain())
        {
            throw new IllegalStateException("the view holds no segment");
        }
        return new SegmentLease(held);
    }

    /**
     * @return true while the view holds a segment.
     */
    public boolean isHeld()
    {
        return segment != null;
    }

    /**
     * Let the segment go; the view's memory must not be read afterwards.
     */
    public void release()
    {
        final Segment held = segment;
        if (held != null)
        {
            segment = null;
            held.release();
        }
    }
}
