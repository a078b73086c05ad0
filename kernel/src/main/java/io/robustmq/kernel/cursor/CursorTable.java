package io.robustmq.kernel.cursor;

import io.robustmq.plugin.api.cursor.Cursor;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.function.Consumer;

/**
 * Every cursor as the log states it: the state that the records read so far produce. Recovery
 * builds one by replaying a generation; the writer then keeps it, applying each record as it puts
 * it into a batch, so that a checkpoint is a snapshot of exactly the records before it, with no lock
 * and no coordination with the threads that operate on cursors.
 * <p>
 * A record of an unknown cursor id is one of a cursor deleted before it was stored: it is ignored,
 * as the live cursor's deletion ignored it.
 * <p>
 * Threading: one thread at a time (recovery, then the writer, which {@code Thread.start} hands it to).
 */
final class CursorTable implements CursorLogListener
{
    /** One cursor. */
    static final class Entry
    {
        final int id;
        final String group;
        final String shard;
        final int groupBytes;
        final int shardBytes;
        final CursorState state = new CursorState();

        Entry(final int id, final String group, final String shard)
        {
            this.id = id;
            this.group = group;
            this.shard = shard;
            this.groupBytes = group.getBytes(StandardCharsets.UTF_8).length;
            this.shardBytes = shard.getBytes(StandardCharsets.UTF_8).length;
        }
    }

    /** Where a checkpoint's records go. */
    interface RecordSink
    {
        /**
         * Make room for a record; an earlier record's bytes may be handed on (a batch submitted).
         *
         * @param length the record's length.
         * @return where in {@link #buffer()} to write it.
         */
        int reserve(int length);

        /**
         * @return the buffer {@link #reserve} indexes.
         */
        MutableDirectBuffer buffer();
    }

    private final Int2ObjectHashMap<Entry> cursors = new Int2ObjectHashMap<>();
    private final RunWriter runWriter = new RunWriter();
    private int maxId;
    private long begunGeneration = -1;
    private long endedGeneration = -1;
    private long records;

    /**
     * @return cursors held.
     */
    int size()
    {
        return cursors.size();
    }

    /**
     * @return the largest cursor id seen, 0 if none.
     */
    int maxId()
    {
        return maxId;
    }

    /**
     * @return the generation whose checkpoint was read whole (begin to end), or -1.
     */
    long completeGeneration()
    {
        return endedGeneration >= 0 && endedGeneration == begunGeneration ? endedGeneration : -1;
    }

    /**
     * @return records applied.
     */
    long records()
    {
        return records;
    }

    /**
     * @param id a cursor id.
     * @return its entry, or null.
     */
    Entry get(final int id)
    {
        return cursors.get(id);
    }

    /**
     * @param consumer told every entry.
     */
    void forEach(final Consumer<Entry> consumer)
    {
        cursors.values().forEach(consumer);
    }

    @Override
    public void onOpened(final int cursorId, final String group, final String shard)
    {
        records++;
        if (cursors.containsKey(cursorId))
        {
            throw new IllegalStateException("cursor " + cursorId + " opened twice");
        }
        cursors.put(cursorId, new Entry(cursorId, group, shard));
        maxId = Math.max(maxId, cursorId);
    }

    @Override
    public void onCommitted(final int cursorId, final int leaderEpoch, final long offset, final String metadata)
    {
        records++;
        final Entry entry = cursors.get(cursorId);
        if (entry != null)
        {
            check(CursorState.canCommit(offset), "commit", cursorId, offset);
            entry.state.commit(offset, leaderEpoch, metadata);
        }
    }

    @Override
    public void onDelivered(final int cursorId, final long offset)
    {
        records++;
        final Entry entry = cursors.get(cursorId);
        if (entry != null)
        {
            check(entry.state.canDeliver(offset, Integer.MAX_VALUE), "delivery", cursorId, offset);
            entry.state.deliver(offset);
        }
    }

    @Override
    public void onAcknowledged(final int cursorId, final long offset, final boolean multiple)
    {
        records++;
        final Entry entry = cursors.get(cursorId);
        if (entry != null)
        {
            check(entry.state.canAcknowledge(offset, multiple), "acknowledgement", cursorId, offset);
            entry.state.acknowledge(offset, multiple);
        }
    }

    @Override
    public void onDeleted(final int cursorId)
    {
        records++;
        cursors.remove(cursorId);
    }

    @Override
    public void onGroupDeleted(final String group)
    {
        records++;
        final Iterator<Entry> entries = cursors.values().iterator();
        while (entries.hasNext())
        {
            if (entries.next().group.equals(group))
            {
                entries.remove();
            }
        }
    }

    @Override
    public void onShardDeleted(final String shard)
    {
        records++;
        final Iterator<Entry> entries = cursors.values().iterator();
        while (entries.hasNext())
        {
            if (entries.next().shard.equals(shard))
            {
                entries.remove();
            }
        }
    }

    @Override
    public void onCheckpointBegin(final long generation)
    {
        if (records > 0)
        {
            throw new IllegalStateException("a checkpoint begins after " + records + " records");
        }
        records++;
        begunGeneration = generation;
    }

    @Override
    public void onCursorState(
        final int cursorId,
        final String group,
        final String shard,
        final long delivered,
        final int leaderEpoch,
        final String metadata)
    {
        onOpened(cursorId, group, shard);
        cursors.get(cursorId).state.restore(delivered, leaderEpoch, metadata);
    }

    @Override
    public void onUnacknowledged(final int cursorId, final long firstOffset, final int length)
    {
        records++;
        final Entry entry = cursors.get(cursorId);
        if (entry == null || (entry.state.unacknowledged().size() > 0 && firstOffset <= entry.state.unacknowledged().last()) ||
            firstOffset < 0 || length <= 0 || firstOffset + length > entry.state.deliveredOffset())
        {
            throw new IllegalStateException("unacknowledged offsets " + firstOffset + "+" + length + " of cursor " +
                cursorId + " do not fit its checkpointed state");
        }
        entry.state.restoreRun(firstOffset, length);
    }

    @Override
    public void onCheckpointEnd(final long generation, final int cursorCount)
    {
        records++;
        if (generation != begunGeneration || cursorCount != cursors.size())
        {
            throw new IllegalStateException("checkpoint end of generation " + generation + " with " + cursorCount +
                " cursors, after the beginning of generation " + begunGeneration + " and " + cursors.size() + " cursors");
        }
        endedGeneration = generation;
    }

    private static void check(final int result, final String what, final int cursorId, final long offset)
    {
        if (result != Cursor.OK)
        {
            throw new IllegalStateException("the log's " + what + " of offset " + offset + " on cursor " + cursorId +
                " breaks its rules (result " + result + ")");
        }
    }

    /**
     * Write the snapshot of every cursor: CHECKPOINT_BEGIN, a CURSOR_STATE and the UNACKNOWLEDGED
     * runs of each, CHECKPOINT_END.
     *
     * @param generation    the new generation.
     * @param sink          where the records go.
     * @param maxRecordBytes the longest record a batch takes.
     * @return records written.
     */
    long writeCheckpoint(final long generation, final RecordSink sink, final int maxRecordBytes)
    {
        int index = sink.reserve(CursorDescriptor.HEADER_LENGTH);
        CursorRecords.putHeader(sink.buffer(), index, CursorDescriptor.HEADER_LENGTH, CursorDescriptor.CHECKPOINT_BEGIN,
            (byte)0, 0, 0, generation);
        long written = 2;
        final int maxRuns = Math.max(1, Math.min(4096,
            (maxRecordBytes - CursorDescriptor.RUNS_OFFSET) / CursorDescriptor.RUN_LENGTH));
        for (final Entry entry : cursors.values())
        {
            final CursorState state = entry.state;
            final int metadataBytes = Utf8.length(state.metadata());
            final int length = CursorRecords.cursorStateLength(entry.groupBytes, entry.shardBytes, metadataBytes);
            index = sink.reserve(length);
            CursorRecords.putCursorState(sink.buffer(), index, entry.id, entry.group, entry.groupBytes, entry.shard,
                entry.shardBytes, state, metadataBytes);
            written++;
            if (state.unacknowledged().size() > 0)
            {
                written += runWriter.write(entry.id, state.unacknowledged(), sink, maxRuns);
            }
        }
        index = sink.reserve(CursorDescriptor.HEADER_LENGTH);
        CursorRecords.putHeader(sink.buffer(), index, CursorDescriptor.HEADER_LENGTH, CursorDescriptor.CHECKPOINT_END,
            (byte)0, cursors.size(), 0, generation);
        return written;
    }

    /** Writes one cursor's unacknowledged offsets as UNACKNOWLEDGED records of runs. */
    private static final class RunWriter implements OffsetSet.RunConsumer
    {
        private int cursorId;
        private RecordSink sink;
        private int maxRuns;
        private int runsLeft;
        private int recordIndex;
        private int runInRecord;
        private int runsInRecord;
        private int recordsWritten;

        int write(final int cursorId, final OffsetSet offsets, final RecordSink sink, final int maxRuns)
        {
            this.cursorId = cursorId;
            this.sink = sink;
            this.maxRuns = maxRuns;
            this.runsLeft = offsets.forEachRun((first, length) -> { });
            this.runInRecord = 0;
            this.runsInRecord = 0;
            this.recordsWritten = 0;
            offsets.forEachRun(this);
            this.sink = null;
            return recordsWritten;
        }

        @Override
        public void accept(final long first, final int length)
        {
            if (runInRecord == runsInRecord)
            {
                runsInRecord = Math.min(maxRuns, runsLeft);
                recordIndex = sink.reserve(CursorRecords.unacknowledgedLength(runsInRecord));
                CursorRecords.putUnacknowledgedHeader(sink.buffer(), recordIndex, cursorId, runsInRecord);
                runInRecord = 0;
                recordsWritten++;
            }
            CursorRecords.putRun(sink.buffer(), recordIndex, runInRecord++, first, length);
            runsLeft--;
        }
    }
}
