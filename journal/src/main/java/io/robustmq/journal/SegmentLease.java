package io.robustmq.journal;

/**
 * A hold on a segment's mapping, taken from a {@link JournalView}: the memory the view's frames live
 * in stays mapped (and the file, if retention or a delete retired it, on disk) until the lease is
 * released, whatever becomes of the view. For payloads handed to asynchronous I/O.
 * <p>
 * Threading: released once, by its owner, from any thread.
 */
public final class SegmentLease
{
    private Segment segment;

    SegmentLease(final Segment segment)
    {
        this.segment = segment;
    }

    /**
     * Let the segment go. Only the first call counts.
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
