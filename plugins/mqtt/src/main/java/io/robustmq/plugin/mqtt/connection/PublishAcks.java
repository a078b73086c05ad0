package io.robustmq.plugin.mqtt.connection;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.robustmq.plugin.mqtt.persistence.SessionLog;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The PUBACKs and PUBRECs a connection owes its client, written in the order the PUBLISH packets
 * came (as MQTT requires) though a message that must be stored first is answered only once the
 * session log holds it, and one that need not be is answered at once.
 * <p>
 * Threading: {@link #expect} and {@link #answer} on the connection's event loop; a
 * {@link SessionLog.Completion} from any thread, handed to the event loop.
 */
final class PublishAcks
{
    private final Channel channel;
    private final Runnable scheduleFlush;
    private final Consumer<String> onFailure;
    private final ArrayDeque<Pending> owed = new ArrayDeque<>(0);

    /**
     * @param channel       the connection.
     * @param scheduleFlush flushes the connection at the end of the event loop's turn.
     * @param onFailure     told why a message could not be stored; it answers the client as its
     *                      protocol version can (MQTT 5: the reason code goes with the answer;
     *                      MQTT 3: the connection is closed, as there is no way to say it).
     */
    PublishAcks(final Channel channel, final Runnable scheduleFlush, final Consumer<String> onFailure)
    {
        this.channel = channel;
        this.scheduleFlush = scheduleFlush;
        this.onFailure = onFailure;
    }

    private final class Pending implements SessionLog.Completion
    {
        private final MqttMessageType type;
        private final int packetId;
        private byte reasonCode;
        private boolean done;

        Pending(final MqttMessageType type, final int packetId)
        {
            this.type = type;
            this.packetId = packetId;
        }

        @Override
        public void stored()
        {
            complete(Packets.SUCCESS, null);
        }

        @Override
        public void failed(final String why)
        {
            complete(Packets.UNSPECIFIED_ERROR, why);
        }

        private void complete(final byte code, final String why)
        {
            if (channel.eventLoop().inEventLoop())
            {
                finish(code, why);
            }
            else
            {
                channel.eventLoop().execute(() -> finish(code, why));
            }
        }

        private void finish(final byte code, final String why)
        {
            reasonCode = code;
            done = true;
            if (why != null)
            {
                onFailure.accept(why);
            }
            drain();
        }
    }

    /**
     * @param type     PUBACK or PUBREC (or PUBCOMP, for a PUBREL).
     * @param packetId the packet id.
     * @return told when the answer may go; it goes after the answers owed before it.
     */
    SessionLog.Completion expect(final MqttMessageType type, final int packetId)
    {
        final Pending pending = new Pending(type, packetId);
        owed.add(pending);
        return pending;
    }

    /**
     * Answer at once (after the answers owed before it).
     *
     * @param type       PUBACK or PUBREC.
     * @param packetId   the PUBLISH's packet id.
     * @param reasonCode the reason code.
     */
    void answer(final MqttMessageType type, final int packetId, final byte reasonCode)
    {
        final Pending pending = new Pending(type, packetId);
        pending.reasonCode = reasonCode;
        pending.done = true;
        owed.add(pending);
        drain();
    }

    private void drain()
    {
        boolean wrote = false;
        while (!owed.isEmpty() && owed.peek().done)
        {
            final Pending next = owed.poll();
            if (channel.isActive())
            {
                channel.write(Packets.pubReply(next.type, next.packetId, next.reasonCode));
                wrote = true;
            }
        }
        if (wrote)
        {
            scheduleFlush.run();
        }
    }
}
