package io.robustmq.plugin.kafka.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.MessageSizeAccumulator;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Errors;

/**
 * Serialises responses into frames: the size, the response header, the body. Record batches held as
 * {@link ByteBufRecords} go into the frame without a copy.
 */
public final class ResponseEncoder
{
    private ResponseEncoder()
    {
    }

    /**
     * @param allocator where the frame's buffers come from.
     * @param request   the request answered (its correlation id, API and version).
     * @param body      the response's body, of the request's API.
     * @return the whole frame; the caller owns it.
     */
    public static ByteBuf encode(final ByteBufAllocator allocator, final KafkaRequest request, final ApiMessage body)
    {
        return encode(allocator, request.correlationId(), request.responseHeaderVersion(), body, request.version());
    }

    /**
     * @param allocator      where the frame's buffers come from.
     * @param correlationId  the request's.
     * @param headerVersion  the response header's version.
     * @param body           the response's body.
     * @param version        the body's version.
     * @return the whole frame; the caller owns it.
     */
    public static ByteBuf encode(
        final ByteBufAllocator allocator,
        final int correlationId,
        final short headerVersion,
        final ApiMessage body,
        final short version)
    {
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        final MessageSizeAccumulator size = new MessageSizeAccumulator();
        header.addSize(size, cache, headerVersion);
        body.addSize(size, cache, version);
        final CompositeWritable out = new CompositeWritable(allocator, 4 + size.sizeExcludingZeroCopy());
        try
        {
            out.writeInt(size.totalSize());
            header.write(out, cache, headerVersion);
            body.write(out, cache, version);
            return out.finish();
        }
        catch (final RuntimeException ex)
        {
            out.discard();
            throw ex;
        }
    }

    /**
     * The answer to a request for an API or version the broker does not serve, when the request
     * cannot be parsed as that version: the correlation id (header v0) and the error code
     * UNSUPPORTED_VERSION, which is how every response body but ApiVersions' begins up to its
     * flexible versions, and what ApiVersions v0 expects.
     *
     * @param allocator     where the frame comes from.
     * @param correlationId the request's.
     * @return the frame.
     */
    public static ByteBuf unsupportedVersion(final ByteBufAllocator allocator, final int correlationId)
    {
        final ByteBuf frame = allocator.buffer(10);
        frame.writeInt(6).writeInt(correlationId).writeShort(Errors.UNSUPPORTED_VERSION.code());
        return frame;
    }
}
