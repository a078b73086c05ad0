package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.impl.AMQImpl;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * basic.ack read in place reads what RabbitMQ's generated class wrote; anything else is left to the
 * full decoder.
 */
class BasicAckTest
{
    @Test
    void anAckIsReadInPlaceAsTheGeneratedClassWroteIt() throws Exception
    {
        for (final long tag : new long[] {1, 255, 1L << 40, Long.MAX_VALUE})
        {
            for (final boolean multiple : new boolean[] {false, true})
            {
                final ByteBuf payload = payloadOf(new AMQImpl.Basic.Ack(tag, multiple));
                assertTrue(Methods.isBasicAck(payload));
                assertEquals(tag, Methods.basicAckDeliveryTag(payload));
                assertEquals(multiple, Methods.basicAckMultiple(payload));
            }
        }
        assertFalse(Methods.isBasicAck(payloadOf(new AMQImpl.Basic.Nack(1, false, true))));
        assertFalse(Methods.isBasicAck(payloadOf(new AMQImpl.Basic.Reject(1, true))));
        final ByteBuf longer = payloadOf(new AMQImpl.Basic.Ack(1, false));
        longer.writeByte(0);
        assertFalse(Methods.isBasicAck(longer), "a malformed ack goes to the full decoder, which refuses it");
    }

    /**
     * @return the method frame's payload: from the class id to before the frame-end octet.
     */
    private static ByteBuf payloadOf(final com.rabbitmq.client.impl.Method method)
    {
        final ByteBuf frame = Unpooled.buffer();
        Methods.write(frame, 1, method);
        return frame.slice(Frames.HEADER_BYTES, frame.readableBytes() - Frames.HEADER_BYTES - 1).copy();
    }
}
