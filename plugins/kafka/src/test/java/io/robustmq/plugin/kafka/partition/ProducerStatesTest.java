package io.robustmq.plugin.kafka.partition;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProducerStatesTest
{
    private final ProducerStates states = new ProducerStates();

    @Test
    void batchesInSequenceAreAcceptedAndOneSentAgainIsADuplicateOfItsFirstOffset()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 0, 10, 100, 0));
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 10, 5, 110, 0));
        assertEquals(ProducerStates.DUPLICATE, states.check(7, (short)0, 0, 10, 200, 0));
        assertEquals(100, states.duplicateOffset());
        assertEquals(ProducerStates.DUPLICATE, states.check(7, (short)0, 10, 5, 200, 0));
        assertEquals(110, states.duplicateOffset());
    }

    @Test
    void aBatchThatSkipsAheadIsOutOfOrder()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 0, 10, 100, 0));
        assertEquals(ProducerStates.OUT_OF_ORDER, states.check(7, (short)0, 11, 1, 110, 0));
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 10, 1, 110, 0), "the right one still goes");
    }

    @Test
    void anOlderEpochIsFencedAndANewerOneStartsAtSequenceZero()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)3, 0, 1, 0, 0));
        assertEquals(ProducerStates.FENCED, states.check(7, (short)2, 1, 1, 1, 0));
        assertEquals(ProducerStates.OUT_OF_ORDER, states.check(7, (short)4, 5, 1, 1, 0));
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)4, 0, 1, 1, 0));
    }

    @Test
    void aProducerNotSeenBeforeStartsAtAnySequenceAndProducersAreApart()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(1, (short)0, 500, 1, 0, 0));
        assertEquals(ProducerStates.ACCEPT, states.check(2, (short)0, 0, 1, 1, 0));
        assertEquals(ProducerStates.ACCEPT, states.check(1, (short)0, 501, 1, 2, 0));
        assertEquals(2, states.size());
    }

    @Test
    void aProducerSilentForADayIsForgotten()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 0, 1, 0, 0));
        // Another producer's checks carry the clock past the expiry; the sweep runs every 4,096.
        for (int i = 0; i < 4096; i++)
        {
            states.check(8, (short)0, i, 1, i + 1, ProducerStates.EXPIRY_MS + 1);
        }
        assertEquals(1, states.size(), "producer 7 forgotten");
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 0, 1, 9999, ProducerStates.EXPIRY_MS + 1),
            "so its first batch is stored again");
    }

    @Test
    void onlyTheLastFiveBatchesAreRememberedAndSequencesWrapAround()
    {
        int sequence = Integer.MAX_VALUE - 3;
        for (int i = 0; i < 8; i++)
        {
            assertEquals(ProducerStates.ACCEPT, states.check(9, (short)0, sequence, 1, i, 0));
            sequence = (sequence + 1) & Integer.MAX_VALUE;
        }
        assertEquals(4, sequence, "wrapped past the largest sequence to 0");
        assertEquals(ProducerStates.DUPLICATE, states.check(9, (short)0, 3, 1, 99, 0));
        assertEquals(7, states.duplicateOffset());
        // The oldest three are forgotten: sent again, they no longer follow the last one.
        assertEquals(ProducerStates.OUT_OF_ORDER, states.check(9, (short)0, Integer.MAX_VALUE - 3, 1, 99, 0));
    }
}
