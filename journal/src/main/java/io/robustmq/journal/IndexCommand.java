package io.robustmq.journal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code journal-tool index}: the sparse index entries of each segment ({@link SegmentIndex}). A
 * sealed segment's come from its index file; the active segment's index lives only in the
 * writer's memory, so its entries are worked out from its frames with the writer's rule: an entry
 * for the first frame after at least the index interval of bytes since the last entry.
 */
final class IndexCommand
{
    static final String HEADER = String.format("%15s %12s %10s %14s", "relative_offset", "offset", "position", "timestamp");

    /**
     * One index entry.
     *
     * @param relativeOffset the frame's base offset less the segment's.
     * @param position       the frame's position in the segment.
     * @param timestamp      the largest timestamp of every frame before it.
     */
    record Entry(int relativeOffset, int position, long timestamp)
    {
    }

    private final long segmentBase;
    private final int indexInterval;

    /**
     * @param segmentBase   the base offset of the one segment to show, or -1 for all.
     * @param indexInterval the shard's index interval, in bytes.
     */
    IndexCommand(final long segmentBase, final int indexInterval)
    {
        this.segmentBase = segmentBase;
        this.indexInterval = indexInterval;
    }

    int run(final ShardFiles shard, final PrintStream out) throws IOException
    {
        final List<Path> files = shard.segments();
        int status = JournalTool.OK;
        boolean found = false;
        for (int i = 0; i < files.size(); i++)
        {
            if (segmentBase >= 0 && Segment.parseBaseOffset(files.get(i)) != segmentBase)
            {
                continue;
            }
            found = true;
            try (ReadOnlySegment segment = ReadOnlySegment.map(files.get(i)))
            {
                if (shard.isSealed(i))
                {
                    status = Math.max(status, printSealed(segment, out));
                }
                else
                {
                    final List<Entry> entries = entriesFromFrames(segment, indexInterval);
                    out.println("# " + segment.name() + ": active segment, " + entryCount(entries.size()) + " as the " +
                        "writer indexes its frames (index interval " + indexInterval + " bytes)");
                    print(segment, entries, out);
                }
            }
        }
        if (!found && segmentBase >= 0)
        {
            throw new JournalTool.Failure("no segment with base offset " + segmentBase + " in " + shard.dir());
        }
        return status;
    }

    private int printSealed(final ReadOnlySegment segment, final PrintStream out)
    {
        final String indexName = segment.indexFile().getFileName().toString();
        try (SegmentIndex index = SegmentIndex.loadSealed(io.robustmq.journal.fs.FileLayer.SYSTEM, segment.indexFile(), segment.baseOffset(), segment.capacity()))
        {
            if (index == null)
            {
                final List<Entry> entries = entriesFromFrames(segment, indexInterval);
                out.println("# " + indexName + ": " + (segment.hasIndexFile() ? "malformed" : "missing") +
                    "; " + entryCount(entries.size()) + " as recovery would rebuild them from " + segment.name() +
                    " (index interval " + indexInterval + " bytes)");
                print(segment, entries, out);
                return JournalTool.PROBLEMS;
            }
            final SegmentIndex.SealedState state = index.sealedState();
            out.println("# " + indexName + ": sealed segment, frames end at position " + state.limit() +
                ", next offset " + state.nextOffset() + ", largest timestamp " +
                JournalTool.timestamp(state.maxTimestamp()) + ", " + entryCount(index.count()));
            final List<Entry> entries = new ArrayList<>(index.count());
            for (int i = 0; i < index.count(); i++)
            {
                entries.add(new Entry(index.relativeOffset(i), index.position(i), index.timestamp(i)));
            }
            print(segment, entries, out);
            return JournalTool.OK;
        }
    }

    private static String entryCount(final int count)
    {
        return count == 1 ? "1 entry" : count + " entries";
    }

    private static void print(final ReadOnlySegment segment, final List<Entry> entries, final PrintStream out)
    {
        out.println(HEADER);
        for (final Entry entry : entries)
        {
            out.println(String.format("%15d %12d %10d %14s", entry.relativeOffset(),
                segment.baseOffset() + entry.relativeOffset(), entry.position(), JournalTool.timestamp(entry.timestamp())));
        }
    }

    /**
     * Index a segment's frames as the writer does ({@link Segment#published}), up to the first frame
     * that recovery would not publish.
     *
     * @param segment       the segment.
     * @param indexInterval the shard's index interval, in bytes.
     * @return the entries.
     */
    static List<Entry> entriesFromFrames(final ReadOnlySegment segment, final int indexInterval)
    {
        final int capacity = segment.capacity();
        final int maxEntries = capacity >= ShardConfig.MIN_SEGMENT_BYTES && capacity % FrameDescriptor.FRAME_ALIGNMENT == 0 ?
            ShardRecovery.maxIndexEntries(new ShardConfig(capacity, indexInterval, Durability.NONE, 1, 0, 0)) :
            Integer.MAX_VALUE;
        final List<Entry> entries = new ArrayList<>();
        final FrameScanner frames = new FrameScanner(segment);
        int bytesSinceEntry = 0;
        while (frames.next() && frames.crcOk() && frames.offsetFollows())
        {
            if (frames.position() > 0 && bytesSinceEntry >= indexInterval && entries.size() < maxEntries)
            {
                entries.add(new Entry((int)(frames.baseOffset() - segment.baseOffset()), frames.position(),
                    frames.maxTimestampBefore()));
                bytesSinceEntry = 0;
            }
            bytesSinceEntry += frames.alignedLength();
        }
        return entries;
    }
}
