package io.robustmq.kernel.storage;

import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.robustmq.journal.SegmentLease;

import java.nio.ByteBuffer;

/**
 * A batch payload in a journal segment's mapped memory, as a Netty buffer that holds the segment:
 * when its reference count falls to 0 it lets the segment go, instead of freeing memory it does not
 * own. Handed out read-only (see {@link JournalShardView#retainedPayload()}).
 */
final class LeasedPayloadBuf extends UnpooledDirectByteBuf
{
    private final SegmentLease lease;

    /**
     * @param payload the payload's bytes in the mapping, position 0 to limit.
     * @param lease   the hold on the segment, released with this buffer.
     */
    LeasedPayloadBuf(final ByteBuffer payload, final SegmentLease lease)
    {
        super(UnpooledByteBufAllocator.DEFAULT, payload, payload.remaining());
        this.lease = lease;
    }

    @Override
    protected void deallocate()
    {
        super.deallocate();
        lease.release();
    }
}
