package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.robustmq.plugin.mqtt.persistence.SessionLog;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The PUBACKs and PUBRECs a connection owes its client, written in the order the PUBLISH packets
 * came (as MQTT requires) though a message that must be stored first is answered only once the
 * session log holds it, and one that need not be is answered at once. The answers are encoded
 * straight into one buffer per event-loop turn, and what is owed is kept in objects reused from one
 * PUBLISH to the next: a steady stream of QoS 1 messages makes no garbage here.
 * <p>
 * Threading: {@link #expect} and {@link #answer} on the connection's event loop; a
 * {@link SessionLog.Completion} from any thread, handed to the event loop.
 */
final class PublishAcks
{
    private final Channel channel;
    private final Runnable scheduleFlush;
    private final Consumer<String> onFailure;
    private boolean mqtt5;
    private static final int MAX_FREE = 64;

    /** What is owed, in order; made on the first QoS 1 or 2 PUBLISH. */
    private ArrayDeque<Pending> owed;
    /** Answered, kept for the next ones. */
    private ArrayDeque<Pending> free;
    private ByteBuf out;

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
        private MqttMessageType type;
        private int packetId;
        private byte reasonCode;
        private boolean done;

        Pending reset(final MqttMessageType newType, final int newPacketId)
        {
            this.type = newType;
            this.packetId = newPacketId;
            this.reasonCode = Packets.SUCCESS;
            this.done = false;
            return this;
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
        final Pending pending = take().reset(type, packetId);
        owed().add(pending);
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
        final Pending pending = take().reset(type, packetId);
        pending.reasonCode = reasonCode;
        pending.done = true;
        owed().add(pending);
        drain();
    }

    private ArrayDeque<Pending> owed()
    {
        if (owed == null)
        {
            owed = new ArrayDeque<>();
        }
        return owed;
    }

    private Pending take()
    {
        final Pending reused = free == null ? null : free.poll();
        return reused != null ? reused : new Pending();
    }

    private void drain()
    {
        boolean wrote = false;
        while (owed != null && !owed.isEmpty() && owed.peek().done)
        {
            final Pending next = owed.poll();
            if (channel.isActive())
            {
                encode(next);
                wrote = true;
            }
            if (free == null)
            {
                free = new ArrayDeque<>();
            }
            if (free.size() < MAX_FREE)
            {
                free.add(next);
            }
        }
        if (wrote)
        {
            scheduleFlush.run();
        }
    }

    /**
     * PUBACK, PUBREC or PUBCOMP: the packet id, and the reason code unless it is Success (which
     * MQTT 5 lets a server leave out, and MQTT 3 has not).
     */
    private void encode(final Pending answer)
    {
        if (out == null)
        {
            out = channel.alloc().buffer(64);
        }
        final boolean withReason = answer.reasonCode != Packets.SUCCESS && mqtt5;
        out.writeByte(answer.type.value() << 4 | (answer.type == MqttMessageType.PUBREL ? 0x02 : 0))
            .writeByte(withReason ? 3 : 2)
            .writeShort(answer.packetId);
        if (withReason)
        {
            out.writeByte(answer.reasonCode);
        }
    }

    /**
     * Hand what was encoded this turn to the channel (the connection flushes after).
     */
    void writeEncoded()
    {
        if (out != null)
        {
            final ByteBuf encoded = out;
            out = null;
            channel.write(encoded, channel.voidPromise());
        }
    }

    /**
     * @param isMqtt5 whether the client speaks MQTT 5 (reason codes other than Success are sent).
     */
    void mqtt5(final boolean isMqtt5)
    {
        this.mqtt5 = isMqtt5;
    }

    /**
     * The connection closed: let the encoded answers go.
     */
    void close()
    {
        if (out != null)
        {
            out.release();
            out = null;
        }
    }
}
