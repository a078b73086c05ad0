package io.robustmq.plugin.amqp.codec;

import com.rabbitmq.client.impl.AMQImpl;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * basic.publish read in place reads what RabbitMQ's generated class wrote, keeps the last exchange
 * and routing key while they repeat, and leaves a malformed one to the full decoder.
 */
class PublishReaderTest
{
    @Test
    void aPublishIsReadInPlaceAsTheGeneratedClassWroteIt()
    {
        final PublishReader reader = new PublishReader();
        final String[][] names = {{"", "queue"}, {"amq.topic", "orders.eu.créé"}, {"x".repeat(255), "y".repeat(255)}};
        for (final String[] name : names)
        {
            for (int bits = 0; bits < 4; bits++)
            {
                final ByteBuf payload = payloadOf(new AMQImpl.Basic.Publish(0, name[0], name[1], (bits & 1) != 0,
                    (bits & 2) != 0));
                assertTrue(Methods.isBasicPublish(payload));
                reader.read(payload);
                assertEquals(name[0], reader.exchange());
                assertEquals(name[1], reader.routingKey());
                assertEquals((bits & 1) != 0, reader.mandatory());
                assertEquals((bits & 2) != 0, reader.immediate());
            }
        }
        final String exchange = reader.read(payloadOf(new AMQImpl.Basic.Publish(0, "ex", "rk", false, false))).exchange();
        assertSame(exchange, reader.read(payloadOf(new AMQImpl.Basic.Publish(0, "ex", "other", false, false))).exchange(),
            "the same exchange again: the same String");
        assertNotSame(exchange, reader.read(payloadOf(new AMQImpl.Basic.Publish(0, "ez", "other", false, false))).exchange());

        final ByteBuf longer = payloadOf(new AMQImpl.Basic.Publish(0, "ex", "rk", false, false));
        longer.writeByte(0);
        assertFalse(Methods.isBasicPublish(longer));
        final ByteBuf cut = payloadOf(new AMQImpl.Basic.Publish(0, "ex", "rk", false, false));
        cut.writerIndex(cut.writerIndex() - 2);
        assertFalse(Methods.isBasicPublish(cut), "a routing key running past the frame goes to the full decoder");
        assertFalse(Methods.isBasicPublish(payloadOf(new AMQImpl.Basic.Ack(1, false))));
    }

    private static ByteBuf payloadOf(final com.rabbitmq.client.impl.Method method)
    {
        final ByteBuf frame = Unpooled.buffer();
        Methods.write(frame, 1, method);
        return frame.slice(Frames.HEADER_BYTES, frame.readableBytes() - Frames.HEADER_BYTES - 1).copy();
    }
}
