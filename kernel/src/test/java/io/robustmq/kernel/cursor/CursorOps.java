package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Random operations on a store's cursors, each checked against a {@link CursorModel} of its cursor:
 * deliveries (sometimes skipping, sometimes behind the mark), acknowledgements out of order and by
 * {@code multiple}, commits forward and back with metadata, and now and then a deletion.
 */
final class CursorOps
{
    private final Random random;
    private final int maxUnacknowledged;
    private final List<String[]> keys = new ArrayList<>();
    /** The models of the cursors that exist in the store (a logged cursor, or one that stays at its start). */
    final Map<String, CursorModel> models = new TreeMap<>();
    long operations;
    /** Operations accepted (result OK): each tells its callback. */
    long accepted;
    /** Correlation ids of the operations accepted, in order. */
    final List<Long> acceptedIds = new ArrayList<>();

    /**
     * @param groups how many groups.
     * @param shards how many shards each group has cursors on.
     */
    CursorOps(final long seed, final int groups, final int shards, final int maxUnacknowledged)
    {
        this.random = new Random(seed);
        this.maxUnacknowledged = maxUnacknowledged;
        for (int g = 0; g < groups; g++)
        {
            for (int s = 0; s < shards; s++)
            {
                keys.add(new String[] {"group-" + g, "orders/" + s});
            }
        }
    }

    /**
     * @return the operation's result, retried while the store is back-pressured (its writer behind).
     */
    static int retry(final java.util.function.IntSupplier operation)
    {
        int result;
        while ((result = operation.getAsInt()) == Cursor.BACK_PRESSURED)
        {
            Thread.yield();
        }
        return result;
    }

    static String key(final String group, final String shard)
    {
        return group + " @ " + shard;
    }

    /**
     * One random operation, with a callback if {@code callbackId} is not {@link CursorStore#NO_CALLBACK}.
     *
     * @return its result.
     */
    int step(final CursorStore store, final int callbackId)
    {
        final int result = operate(store, callbackId);
        if (result == Cursor.OK)
        {
            accepted++;
            acceptedIds.add(operations);
        }
        return result;
    }

    private int operate(final CursorStore store, final int callbackId)
    {
        final String[] key = keys.get(random.nextInt(keys.size()));
        final String name = key(key[0], key[1]);
        final long correlationId = ++operations;
        final int dice = random.nextInt(1000);
        if (dice < 3)
        {
            assertEquals(Cursor.OK, retry(() -> store.delete(key[0], key[1], callbackId, correlationId)), "delete " + name);
            models.remove(name);
            return Cursor.OK;
        }
        final Cursor cursor = store.open(key[0], key[1]);
        final CursorModel model = models.computeIfAbsent(name, k -> new CursorModel());
        if (dice < 450)
        {
            final long offset = model.delivered + (random.nextInt(8) == 0 ? random.nextInt(4) - 1 : 0);
            final int expected = model.deliver(offset, maxUnacknowledged);
            assertEquals(expected, retry(() -> cursor.delivered(offset, callbackId, correlationId)), "deliver " + offset + " " + name);
            return expected;
        }
        else if (dice < 920)
        {
            final boolean multiple = random.nextInt(10) == 0;
            long offset = Math.max(0, model.delivered + random.nextInt(4) - 3);
            if (!model.unacknowledged.isEmpty() && random.nextInt(5) != 0)
            {
                final Long[] offsets = model.unacknowledged.toArray(new Long[0]);
                offset = offsets[random.nextInt(offsets.length)];
            }
            final long acknowledged = offset;
            final int expected = model.acknowledge(offset, multiple);
            assertEquals(expected, retry(() -> cursor.acknowledge(acknowledged, multiple, callbackId, correlationId)),
                "acknowledge " + offset + (multiple ? " multiple " : " ") + name);
            return expected;
        }
        else
        {
            final long offset = Math.max(0, model.committed() + random.nextInt(30) - 10);
            final int epoch = random.nextInt(4);
            final String metadata = random.nextInt(3) == 0 ? "meta-" + random.nextInt(5) + "-\u00e9\u4e2d" : model.metadata;
            final int expected = model.commit(offset, epoch, metadata);
            assertEquals(expected, retry(() -> cursor.commit(offset, epoch, metadata, callbackId, correlationId)),
                "commit " + offset + " " + name);
            return expected;
        }
    }

    /**
     * On every cursor, deliver {@code count} more offsets and acknowledge every other one: holes that
     * make checkpoints large (a run per unacknowledged offset).
     */
    void spread(final CursorStore store, final int callbackId, final int count)
    {
        for (final String[] key : keys)
        {
            final String name = key(key[0], key[1]);
            final Cursor cursor = store.open(key[0], key[1]);
            final CursorModel model = models.computeIfAbsent(name, k -> new CursorModel());
            final long first = model.delivered;
            for (long offset = first; offset < first + count; offset++)
            {
                final int expected = model.deliver(offset, maxUnacknowledged);
                final long delivered = offset;
                final long id = ++operations;
                assertEquals(expected, retry(() -> cursor.delivered(delivered, callbackId, id)), "deliver " + offset + " " + name);
                if (expected == Cursor.OK)
                {
                    accepted++;
                    acceptedIds.add(operations);
                }
            }
            for (long offset = first; offset < first + count; offset += 2)
            {
                final int expected = model.acknowledge(offset, false);
                final long acknowledged = offset;
                final long id = ++operations;
                assertEquals(expected, retry(() -> cursor.acknowledge(acknowledged, false, callbackId, id)),
                    "ack " + offset + " " + name);
                if (expected == Cursor.OK)
                {
                    accepted++;
                    acceptedIds.add(operations);
                }
            }
        }
    }

    /**
     * @return every cursor of the model, described.
     */
    Map<String, String> expected()
    {
        final Map<String, String> described = new TreeMap<>();
        models.forEach((name, model) -> described.put(name, model.describe()));
        return described;
    }

    /**
     * @return every cursor of the store whose state differs from a fresh one (a cursor at its start
     * may or may not have been stored), described.
     */
    static Map<String, String> actual(final CursorStore store)
    {
        final Map<String, String> described = new TreeMap<>();
        for (final String group : store.groups())
        {
            for (final Cursor cursor : store.cursors(group))
            {
                described.put(key(cursor.group(), cursor.shard()), CursorModel.describe(cursor));
            }
        }
        return described;
    }

    /**
     * @return the model's cursors, those at their start left out, as {@link #actual} leaves them after a restart.
     */
    Map<String, String> expectedStored()
    {
        final Map<String, String> described = new TreeMap<>();
        final String fresh = new CursorModel().describe();
        models.forEach((name, model) ->
        {
            if (!model.describe().equals(fresh))
            {
                described.put(name, model.describe());
            }
        });
        return described;
    }

    /**
     * A restart: the cursors at their start were never stored, so they are gone.
     */
    void restarted()
    {
        final String fresh = new CursorModel().describe();
        models.values().removeIf(model -> model.describe().equals(fresh));
    }

    static Map<String, String> actualStored(final CursorStore store)
    {
        final Map<String, String> described = actual(store);
        final String fresh = new CursorModel().describe();
        described.values().removeIf(fresh::equals);
        return described;
    }
}
