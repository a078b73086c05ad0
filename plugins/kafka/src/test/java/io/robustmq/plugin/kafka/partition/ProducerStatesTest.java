package io.robustmq.plugin.kafka.partition;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProducerStatesTest
{
    private final ProducerStates states = new ProducerStates();

    @Test
    void batchesInSequenceAreAcceptedAndOneSentAgainIsADuplicateOfItsFirstOffset()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 0, 10, 100));
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 10, 5, 110));
        assertEquals(ProducerStates.DUPLICATE, states.check(7, (short)0, 0, 10, 200));
        assertEquals(100, states.duplicateOffset());
        assertEquals(ProducerStates.DUPLICATE, states.check(7, (short)0, 10, 5, 200));
        assertEquals(110, states.duplicateOffset());
    }

    @Test
    void aBatchThatSkipsAheadIsOutOfOrder()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 0, 10, 100));
        assertEquals(ProducerStates.OUT_OF_ORDER, states.check(7, (short)0, 11, 1, 110));
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)0, 10, 1, 110), "the right one still goes");
    }

    @Test
    void anOlderEpochIsFencedAndANewerOneStartsAtSequenceZero()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)3, 0, 1, 0));
        assertEquals(ProducerStates.FENCED, states.check(7, (short)2, 1, 1, 1));
        assertEquals(ProducerStates.OUT_OF_ORDER, states.check(7, (short)4, 5, 1, 1));
        assertEquals(ProducerStates.ACCEPT, states.check(7, (short)4, 0, 1, 1));
    }

    @Test
    void aProducerNotSeenBeforeStartsAtAnySequenceAndProducersAreApart()
    {
        assertEquals(ProducerStates.ACCEPT, states.check(1, (short)0, 500, 1, 0));
        assertEquals(ProducerStates.ACCEPT, states.check(2, (short)0, 0, 1, 1));
        assertEquals(ProducerStates.ACCEPT, states.check(1, (short)0, 501, 1, 2));
        assertEquals(2, states.size());
    }

    @Test
    void onlyTheLastFiveBatchesAreRememberedAndSequencesWrapAround()
    {
        int sequence = Integer.MAX_VALUE - 3;
        for (int i = 0; i < 8; i++)
        {
            assertEquals(ProducerStates.ACCEPT, states.check(9, (short)0, sequence, 1, i));
            sequence = (sequence + 1) & Integer.MAX_VALUE;
        }
        assertEquals(4, sequence, "wrapped past the largest sequence to 0");
        assertEquals(ProducerStates.DUPLICATE, states.check(9, (short)0, 3, 1, 99));
        assertEquals(7, states.duplicateOffset());
        // The oldest three are forgotten: sent again, they no longer follow the last one.
        assertEquals(ProducerStates.OUT_OF_ORDER, states.check(9, (short)0, Integer.MAX_VALUE - 3, 1, 99));
    }
}
