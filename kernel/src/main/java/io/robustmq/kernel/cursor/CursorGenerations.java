package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.Shards;

import java.util.Arrays;
import java.util.List;

/**
 * The shards the cursor store keeps its log in, one per generation: the kernel's private shards
 * {@code cursors-<n>}, created with the settings of {@code [storage.private."$kernel/cursors-*"]}
 * (by default the node's, without retention, in segments of at most 8 MiB). The one place that
 * names, opens, lists and deletes them.
 * <p>
 * Threading: any thread; opening and deleting create and remove files, so they may block briefly.
 */
final class CursorGenerations
{
    /** Shard names in the kernel's private namespace: this, then the generation. */
    static final String SHARD_PREFIX = "cursors-";
    /** How their storage settings are overridden: {@code [storage.private."<this>"]}. */
    static final String STORAGE_OVERRIDE = "$kernel/cursors-*";

    private final Shards shards;

    CursorGenerations(final Shards shards)
    {
        this.shards = shards;
    }

    /**
     * @param generation a generation.
     * @return its shard, created if need be.
     */
    Shard open(final long generation)
    {
        return shards.openPrivate(SHARD_PREFIX + generation);
    }

    /**
     * @param generation a generation.
     * @return its shard.
     * @throws IllegalStateException if there is none.
     */
    Shard existing(final long generation)
    {
        return shards.findPrivate(SHARD_PREFIX + generation)
            .orElseThrow(() -> new IllegalStateException("no cursor shard " + SHARD_PREFIX + generation));
    }

    /**
     * @return the generations there are shards of, ascending.
     */
    long[] list()
    {
        final List<String> names = shards.listPrivate();
        final long[] generations = new long[names.size()];
        int count = 0;
        for (final String name : names)
        {
            if (name.startsWith(SHARD_PREFIX))
            {
                try
                {
                    final long generation = Long.parseLong(name.substring(SHARD_PREFIX.length()));
                    if (generation > 0 && name.equals(SHARD_PREFIX + generation))
                    {
                        generations[count++] = generation;
                    }
                }
                catch (final NumberFormatException ignored)
                {
                    // not one of ours: the name only shares the prefix
                }
            }
        }
        final long[] found = Arrays.copyOf(generations, count);
        Arrays.sort(found);
        return found;
    }

    /**
     * Delete every generation older than {@code keep}.
     *
     * @param keep the oldest generation kept.
     * @return generations deleted.
     */
    int deleteOlderThan(final long keep)
    {
        int deleted = 0;
        for (final long generation : list())
        {
            if (generation < keep && shards.deletePrivate(SHARD_PREFIX + generation))
            {
                deleted++;
            }
        }
        return deleted;
    }

    /**
     * @param generation a generation.
     * @return true if its shard existed.
     */
    boolean delete(final long generation)
    {
        return shards.deletePrivate(SHARD_PREFIX + generation);
    }
}
