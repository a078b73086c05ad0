package io.robustmq.plugin.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.robustmq.plugin.mqtt.MqttSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fan-out path makes no garbage: routing a message to a thousand connected subscribers, at
 * QoS 0 and at QoS 1 (sent, then acknowledged), allocates nothing per delivery once warm. The
 * connections are links that take the packets and keep the packet ids (what the connection's
 * encoder does with them is {@code PublishEncoder}'s, measured by its own tests).
 */
class FanOutAllocationTest
{
    private static final int SUBSCRIBERS = 1_000;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop()
    {
        scheduler.shutdownNow();
    }

    /** A connection that takes every delivery and remembers the packet ids to acknowledge. */
    private static final class CountingLink implements Link
    {
        private final int[] packetIds = new int[16];
        private int pending;
        private long published;

        @Override
        public boolean writable()
        {
            return true;
        }

        @Override
        public boolean fits(final Message message, final int qos, final int subscriptionId)
        {
            return true;
        }

        @Override
        public void publish(final Message message, final int qos, final boolean retain, final int subscriptionId,
            final int packetId, final boolean duplicate)
        {
            published++;
            if (qos > 0)
            {
                packetIds[pending++] = packetId;
            }
        }

        @Override
        public void release(final int packetId)
        {
        }

        @Override
        public void takenOver()
        {
        }
    }

    private static MqttSettings settings()
    {
        return new MqttSettings(1 << 20, 1024, 64, 1000, 2, true, true, true, true, 100, 65535, 4_294_967_295L, 65535,
            MqttSettings.Anonymous.ALWAYS, 0, false, false, 1 << 26, 3600, 1000, 10, 1024);
    }

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void routingToAThousandSubscribersAllocatesNothingPerDelivery()
    {
        final MqttBroker broker = new MqttBroker(settings(), System::currentTimeMillis, scheduler);
        final List<CountingLink> links = new ArrayList<>();
        final List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < SUBSCRIBERS; i++)
        {
            final Session session = broker.open("subscriber-" + i, true).session();
            final CountingLink link = new CountingLink();
            session.attach(link, 64);
            broker.subscribe(new Subscription(session, "fan/out", null, 1, false, false, 0, 0));
            links.add(link);
            sessions.add(session);
        }
        final Message qos0 = new Message("fan/out", new byte[256], 0, false, MqttProperties.NO_PROPERTIES, 0, "p");
        final Message qos1 = new Message("fan/out", new byte[256], 1, false, MqttProperties.NO_PROPERTIES, 0, "p");
        for (int warm = 0; warm < 2_000; warm++)
        {
            route(broker, sessions, links, warm % 2 == 0 ? qos0 : qos1);
        }

        final int rounds = 200;
        final long before = allocatedBytes();
        for (int round = 0; round < rounds; round++)
        {
            route(broker, sessions, links, round % 2 == 0 ? qos0 : qos1);
        }
        final long allocated = allocatedBytes() - before;
        // A few bytes per message at most (the thread's bookkeeping), none per delivery: under 1 byte for each of 200,000.
        assertTrue(allocated < (long)rounds * SUBSCRIBERS / 10, allocated + " bytes allocated for " + rounds * SUBSCRIBERS +
            " deliveries");
        assertTrue(links.get(0).published >= 2_200);
    }

    private static void route(final MqttBroker broker, final List<Session> sessions, final List<CountingLink> links,
        final Message message)
    {
        broker.publish(message);
        for (int i = 0; i < SUBSCRIBERS; i++)
        {
            final CountingLink link = links.get(i);
            for (int j = 0; j < link.pending; j++)
            {
                sessions.get(i).acknowledged(link.packetIds[j]);
            }
            link.pending = 0;
        }
    }
}
