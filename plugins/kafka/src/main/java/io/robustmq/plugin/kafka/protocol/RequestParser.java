package io.robustmq.plugin.kafka.protocol;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.requests.RequestHeader;

import java.nio.ByteBuffer;

/**
 * Reads a request frame into a {@link KafkaRequest}, after checking that its API and version are
 * ones the broker answers ({@link SupportedApis}); those it does not are told apart, so that the
 * connection answers them with UNSUPPORTED_VERSION instead of closing.
 */
public final class RequestParser
{
    /** Bytes of the fields every request header starts with: API key, version, correlation id. */
    public static final int HEADER_PREFIX_BYTES = 8;

    private RequestParser()
    {
    }

    /**
     * What a frame holds, before its body is read.
     *
     * @param apiKey        the API key, possibly unknown.
     * @param version       the version asked for.
     * @param correlationId echoed in the answer.
     */
    public record Prefix(short apiKey, short version, int correlationId)
    {
    }

    /**
     * @param frame a whole request frame, size prefix removed.
     * @return its first fields, or null if the frame is shorter than they are.
     */
    public static Prefix prefix(final ByteBuf frame)
    {
        if (frame.readableBytes() < HEADER_PREFIX_BYTES)
        {
            return null;
        }
        final int at = frame.readerIndex();
        return new Prefix(frame.getShort(at), frame.getShort(at + 2), frame.getInt(at + 4));
    }

    /**
     * Parse a frame whose API and version {@link SupportedApis#supports} the broker.
     *
     * @param frame a whole request frame; the request's records are views of it.
     * @return the request.
     * @throws RuntimeException if the frame is malformed (kafka-clients throws several kinds).
     */
    public static KafkaRequest parse(final ByteBuf frame)
    {
        final ByteBuffer buffer = frame.nioBuffer();
        final RequestHeader header = RequestHeader.parse(buffer);
        final ApiKeys api = header.apiKey();
        final ApiMessage body = api.messageType.newRequest();
        body.read(new ByteBufferAccessor(buffer), header.apiVersion());
        return new KafkaRequest(api, header.apiVersion(), header.correlationId(), header.clientId(), body);
    }
}
