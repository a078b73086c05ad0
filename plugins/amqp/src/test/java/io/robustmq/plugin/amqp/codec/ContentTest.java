package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.impl.AMQImpl;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.robustmq.plugin.amqp.queue.StoredMessage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * basic.deliver written without a method object is, byte for byte, what RabbitMQ's generated method
 * class writes: small bodies copied after the headers, large ones split at frame-max.
 */
class ContentTest
{
    private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);

    @Test
    void basicDeliverIsWrittenAsTheGeneratedMethodWritesIt()
    {
        for (final int bodyBytes : new int[] {0, 12, 1024, Content.COPY_BELOW_BYTES + 1, 20_000})
        {
            for (final boolean redelivered : new boolean[] {false, true})
            {
                assertSameFrames(bodyBytes, redelivered, "amq.ctag-héllo", "amq.topic", "orders.eu.créé");
            }
        }
        assertSameFrames(100, false, "", "", "");
    }

    private static void assertSameFrames(final int bodyBytes, final boolean redelivered, final String consumerTag,
        final String exchange, final String routingKey)
    {
        final ByteBuf properties = Unpooled.wrappedBuffer(new byte[] {(byte)0x90, 0, 10, 't', 'e', 'x', 't', '/', 'p', 'l',
            'a', 'i', 'n', 2});
        final byte[] bodyArray = new byte[bodyBytes];
        for (int i = 0; i < bodyBytes; i++)
        {
            bodyArray[i] = (byte)i;
        }
        final ByteBuf stored = Unpooled.buffer();
        StoredMessage.write(stored, exchange, routingKey, properties, Unpooled.wrappedBuffer(bodyArray));
        final StoredMessage message = new StoredMessage().wrap(stored);
        final long deliveryTag = 0x0102030405060708L;

        final ByteBuf expected = Content.frames(ALLOC, 7, new AMQImpl.Basic.Deliver(consumerTag, deliveryTag, redelivered,
            exchange, routingKey), message.properties(), message.body(), 8192);
        final ByteBuf actual = Content.deliver(ALLOC, 7, Content.shortString(consumerTag), deliveryTag, redelivered,
            stored, message.exchangeAt(), message.routingKeyAt(), message.properties(), message.body(), 8192);
        assertEquals(ByteBufUtil.hexDump(expected), ByteBufUtil.hexDump(actual),
            bodyBytes + " bytes, redelivered " + redelivered + ", tag '" + consumerTag + "'");
        expected.release();
        actual.release();
        assertEquals(consumerTag.getBytes(StandardCharsets.UTF_8).length, Content.shortString(consumerTag)[0] & 0xFF);
    }
}
