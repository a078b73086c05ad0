package io.robustmq.kernel.cursor;

import io.robustmq.kernel.support.Seeds;
import io.robustmq.plugin.api.cursor.Cursor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The cursor rules ({@link CursorState} over {@link OffsetSet}) against {@link CursorModel}: many
 * seeded operations, acknowledgements out of order and by {@code multiple}, commits forward and back.
 */
class CursorStateTest
{
    static LongStream seeds()
    {
        return Seeds.stream(20);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void followsTheModel(final long seed)
    {
        final Random random = new Random(seed);
        final int max = 1 + random.nextInt(200);
        final CursorState state = new CursorState();
        final CursorModel model = new CursorModel();
        for (int i = 0; i < 20_000; i++)
        {
            final String where = "seed " + seed + " step " + i;
            final int dice = random.nextInt(100);
            if (dice < 45)
            {
                final long offset = model.delivered + (random.nextInt(10) == 0 ? random.nextInt(5) - 2 : 0);
                final int expected = model.deliver(offset, max);
                final int result = offset < 0 ? Cursor.INVALID_OFFSET : state.canDeliver(offset, max);
                assertEquals(expected, result, where + ": deliver " + offset);
                if (result == Cursor.OK)
                {
                    state.deliver(offset);
                }
            }
            else if (dice < 90)
            {
                final boolean multiple = random.nextInt(8) == 0;
                final long offset = pick(random, model);
                final int expected = model.acknowledge(offset, multiple);
                final int result = state.canAcknowledge(offset, multiple);
                assertEquals(expected, result, where + ": acknowledge " + offset + (multiple ? " multiple" : ""));
                if (result == Cursor.OK)
                {
                    state.acknowledge(offset, multiple);
                }
            }
            else
            {
                final long offset = Math.max(-1, model.committed() + random.nextInt(20) - 8);
                final int epoch = random.nextInt(5);
                final String metadata = random.nextBoolean() ? null : "m" + random.nextInt(3);
                final int expected = model.commit(offset, epoch, metadata);
                final int result = CursorState.canCommit(offset);
                assertEquals(expected, result, where + ": commit " + offset);
                if (result == Cursor.OK)
                {
                    state.commit(offset, epoch, metadata == null ? "" : metadata);
                }
            }
            assertEquals(model.committed(), state.committedOffset(), where);
            assertEquals(model.delivered, state.deliveredOffset(), where);
            assertEquals(model.unacknowledged.size(), state.unacknowledged().size(), where);
            if (i % 97 == 0)
            {
                assertArrayEquals(toArray(model.unacknowledged), copy(state.unacknowledged(), 0), where);
                assertRuns(model.unacknowledged, state.unacknowledged(), where);
            }
        }
    }

    @Test
    void pagesThroughTheUnacknowledged()
    {
        final OffsetSet set = new OffsetSet();
        for (long offset = 0; offset < 100; offset++)
        {
            set.addLast(offset * 2);
        }
        set.remove(10);
        final long[] page = new long[7];
        assertEquals(7, set.copy(9, page));
        assertArrayEquals(new long[] {12, 14, 16, 18, 20, 22, 24}, page);
        assertEquals(2, set.copy(196, page));
        assertEquals(196, page[0]);
        assertEquals(198, page[1]);
        assertEquals(0, set.copy(199, page));
    }

    private static long pick(final Random random, final CursorModel model)
    {
        if (!model.unacknowledged.isEmpty() && random.nextInt(4) != 0)
        {
            final Long[] offsets = model.unacknowledged.toArray(new Long[0]);
            return offsets[random.nextInt(offsets.length)];
        }
        return Math.max(-1, model.delivered + random.nextInt(6) - 5);
    }

    private static long[] toArray(final TreeSet<Long> offsets)
    {
        return offsets.stream().mapToLong(Long::longValue).toArray();
    }

    private static long[] copy(final OffsetSet set, final long from)
    {
        final long[] into = new long[set.size()];
        assertEquals(set.size(), set.copy(from, into));
        return into;
    }

    private static void assertRuns(final TreeSet<Long> expected, final OffsetSet set, final String where)
    {
        final List<Long> offsets = new ArrayList<>();
        set.forEachRun((first, length) ->
        {
            for (int i = 0; i < length; i++)
            {
                offsets.add(first + i);
            }
        });
        assertEquals(new ArrayList<>(expected), offsets, where + ": runs");
    }
}
