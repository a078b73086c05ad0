package io.robustmq.plugin.amqp.connection;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Publisher confirms coalesced: runs of stored messages as one multiple ack, never reaching over a
 * message that is not settled or was nacked.
 */
class ConfirmsTest
{
    private final Confirms confirms = new Confirms();
    private final List<String> sent = new ArrayList<>();

    @Test
    void aRunOfStoredMessagesIsOneMultipleAck()
    {
        confirms.stored(1);
        confirms.stored(2);
        confirms.stored(3);
        flush();
        assertEquals(List.of("ack 3 multiple"), sent);
        confirms.stored(4);
        flush();
        assertEquals(List.of("ack 3 multiple", "ack 4"), sent);
    }

    @Test
    void anAckNeverCoversAMessageStillPending()
    {
        confirms.stored(2);
        confirms.stored(3);
        flush();
        assertEquals(List.of(), sent, "1 is not settled: nothing can be told yet");
        confirms.stored(1);
        flush();
        assertEquals(List.of("ack 3 multiple"), sent);
    }

    @Test
    void aNackGoesAtOnceAndSplitsTheRuns()
    {
        confirms.stored(1);
        confirms.failed(2, this::record);
        confirms.stored(3);
        confirms.stored(4);
        flush();
        assertEquals(List.of("nack 2", "ack 1", "ack 4 multiple"), sent);
    }

    private void flush()
    {
        confirms.flush(this::record);
    }

    private void record(final Method method)
    {
        if (method instanceof AMQImpl.Basic.Ack ack)
        {
            sent.add("ack " + ack.getDeliveryTag() + (ack.getMultiple() ? " multiple" : ""));
        }
        else if (method instanceof AMQImpl.Basic.Nack nack)
        {
            sent.add("nack " + nack.getDeliveryTag() + (nack.getMultiple() ? " multiple" : ""));
        }
    }
}
