package io.robustmq.plugin.kafka.protocol;

import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Splits the byte stream into Kafka request frames: a 4-byte big-endian size, then that many bytes.
 * A size above the configured maximum fails at once, when the size is read, before anything is
 * allocated for the frame (a {@link io.netty.handler.codec.TooLongFrameException}; the connection
 * is then closed, as a Kafka broker closes it).
 */
public final class KafkaFrameDecoder extends LengthFieldBasedFrameDecoder
{
    /**
     * @param maxFrameBytes the largest request, size prefix excluded.
     */
    public KafkaFrameDecoder(final int maxFrameBytes)
    {
        super(maxFrameBytes, 0, 4, 0, 4, true);
    }
}
