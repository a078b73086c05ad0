package io.robustmq.plugin.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttProperties;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InFlightTest
{
    private static Message message(final String topic)
    {
        return new Message(topic, new byte[1], 2, false, MqttProperties.NO_PROPERTIES, 0, "p");
    }

    @Test
    void keepsTheOrderSentThroughRemovalsAndGrowth()
    {
        final InFlight inFlight = new InFlight();
        final Message[] messages = new Message[20];
        for (int i = 0; i < 20; i++)
        {
            messages[i] = message("t/" + i);
            inFlight.add(100 + i, messages[i], 1 + i % 2, i % 3 == 0, i == 7 ? 268_435_455 : i, null);
        }
        inFlight.removeAt(inFlight.indexOf(105));
        inFlight.removeAt(inFlight.indexOf(100));
        inFlight.removeAt(inFlight.indexOf(119));
        assertEquals(17, inFlight.size());
        assertEquals(-1, inFlight.indexOf(105));
        int expected = 101;
        for (int i = 0; i < inFlight.size(); i++, expected++)
        {
            if (expected == 105)
            {
                expected++;
            }
            final int n = expected - 100;
            assertEquals(expected, inFlight.packetId(i));
            assertSame(messages[n], inFlight.message(i));
            assertEquals(1 + n % 2, inFlight.qos(i));
            assertEquals(n % 3 == 0, inFlight.retain(i));
            assertEquals(n == 7 ? 268_435_455 : n, inFlight.subscriptionId(i), "the largest identifier fits");
        }
        final Delivery delivery = inFlight.delivery(0);
        assertSame(messages[1], delivery.message());
        assertNull(delivery.shareGroup());
    }

    @Test
    void anEmptiedTableLetsItsMessagesGo()
    {
        final InFlight inFlight = new InFlight();
        inFlight.add(1, message("a"), 1, false, 0, null);
        inFlight.removeAt(0);
        assertEquals(0, inFlight.size());
        assertTrue(inFlight.indexOf(1) < 0);
        inFlight.add(2, message("b"), 1, false, 0, null);
        assertFalse(inFlight.indexOf(2) < 0);
    }
}
