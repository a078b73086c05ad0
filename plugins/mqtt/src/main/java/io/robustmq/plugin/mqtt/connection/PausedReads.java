package io.robustmq.plugin.mqtt.connection;

import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * A publisher's connection while it waits for subscribers that fell behind (back-pressure): how
 * many it waits on, and the packets its last read had already brought, kept in order until the
 * wait is over. Acknowledgements of deliveries and pings are never kept: the connection's own
 * deliveries must go on draining. Used on the connection's event loop only.
 */
final class PausedReads
{
    private int waitingOn;
    /** Made on the first packet kept. */
    private ArrayDeque<MqttMessage> kept;

    /**
     * @param packet a packet just read.
     * @return true if it is kept for later (the connection waits, or packets before it wait).
     */
    boolean keep(final MqttMessage packet)
    {
        if ((waitingOn == 0 && (kept == null || kept.isEmpty())) || !deferrable(packet))
        {
            return false;
        }
        if (kept == null)
        {
            kept = new ArrayDeque<>();
        }
        kept.add(packet);
        return true;
    }

    /**
     * One more subscriber to wait for.
     */
    void waitForOne()
    {
        waitingOn++;
    }

    /**
     * One subscriber caught up (or the wait timed out).
     *
     * @return true if the connection waits for none any more.
     */
    boolean oneCaughtUp()
    {
        return --waitingOn == 0;
    }

    /**
     * @return the next packet kept, while the connection waits for nobody; else null.
     */
    MqttMessage nextKept()
    {
        return waitingOn == 0 && kept != null ? kept.poll() : null;
    }

    /**
     * @return true while it waits for a subscriber.
     */
    boolean waiting()
    {
        return waitingOn > 0;
    }

    /**
     * The connection closed: let the packets kept go.
     */
    void release()
    {
        if (kept != null)
        {
            kept.forEach(ReferenceCountUtil::release);
            kept.clear();
        }
    }

    private static boolean deferrable(final MqttMessage packet)
    {
        final MqttMessageType type = packet.fixedHeader() == null ? null : packet.fixedHeader().messageType();
        return type != MqttMessageType.PUBACK && type != MqttMessageType.PUBREC && type != MqttMessageType.PUBCOMP &&
            type != MqttMessageType.PINGREQ;
    }
}
