package io.robustmq.journal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code journal-tool verify}: checks a shard's files as recovery would find them, without
 * recovering: every frame of every segment with {@link BatchFrames#check} (lengths, header, CRC),
 * offsets dense within and across segments, each sealed segment's index file against its frames
 * ({@link SegmentIndex#loadSealed}, then entry by entry), and the checkpoint against the active
 * segment. A problem is damage, or files that disagree; what a crash or a running writer leaves
 * and recovery tidies up without losing anything (an unfinished append, a roll cut short, a lost
 * checkpoint, which only makes recovery check more) is a note. Output, one line each:
 * <pre>
 *   segment &lt;file&gt;: sealed|active, N frames, offsets A..B, N bytes of frames[, index N entries]
 *   checkpoint: &lt;file&gt; position P, next offset N: ok
 *   PROBLEM &lt;file&gt;[ at position P]: &lt;reason&gt;
 *   note: &lt;file&gt;: &lt;something recovery tidies up, not a problem&gt;
 *   clean: ... | N problems: ...
 * </pre>
 */
final class VerifyCommand
{
    private final PrintStream out;
    private int problems;
    private long frames;
    private long bytes;
    private long firstOffset = -1;
    private long nextOffset;

    private Checkpoint.Point checkpoint;
    private long offsetAtCheckpoint;
    private boolean checkpointPositionFound;
    private int checkpointSegmentEnd;
    private int entriesMatched;

    VerifyCommand(final PrintStream out)
    {
        this.out = out;
    }

    int run(final ShardFiles shard) throws IOException
    {
        checkpoint = shard.checkpoint();
        final List<Path> files = shard.segments();
        if (files.isEmpty())
        {
            problem(shard.dir().toString(), "no segment files");
        }
        int checkpointSegment = -1;
        long expected = -1;
        for (int i = 0; i < files.size(); i++)
        {
            try (ReadOnlySegment segment = ReadOnlySegment.map(files.get(i)))
            {
                final long base = segment.baseOffset();
                if (expected >= 0 && base != expected)
                {
                    problem(segment.name(), base < expected ?
                        "overlaps the previous segment, whose records end at offset " + expected :
                        "offsets " + expected + " to " + (base - 1) + " are missing: the previous segment's records end at " +
                            expected + ", this one starts at " + base);
                }
                if (firstOffset < 0)
                {
                    firstOffset = base;
                }
                if (checkpoint != null && checkpoint.segmentBaseOffset() == base)
                {
                    checkpointSegment = i;
                }
                expected = verifySegment(segment, shard.isSealed(i));
                nextOffset = expected;
            }
        }
        verifyCheckpoint(shard, checkpointSegment);
        for (final Path file : shard.quarantined())
        {
            problem(file.getFileName().toString(), "a segment quarantined by recovery: its offsets are not served");
        }
        for (final Path file : shard.temporary())
        {
            note(file.getFileName().toString(), file.getFileName().toString().startsWith(SegmentPreparer.PREPARED_PREFIX) ?
                "a next segment prepared ahead of the writer; recovery deletes it" :
                "a temporary file left by an interrupted write; recovery deletes it");
        }
        for (final Path file : shard.orphanIndexes())
        {
            note(file.getFileName().toString(), "an index file without its segment (left by retention or a crash); unused");
        }
        final String summary = files.size() + (files.size() == 1 ? " segment, " : " segments, ") + frames +
            (frames == 1 ? " frame, " : " frames, ") + offsets(Math.max(firstOffset, 0), nextOffset) + ", " + bytes +
            " bytes of frames";
        out.println(problems == 0 ? "clean: " + summary : problems + (problems == 1 ? " problem: " : " problems: ") + summary);
        return problems == 0 ? JournalTool.OK : JournalTool.PROBLEMS;
    }

    /**
     * @return the offset after the segment's last record, as its last frame says.
     */
    private long verifySegment(final ReadOnlySegment segment, final boolean sealed)
    {
        checkSize(segment, sealed);
        final SegmentIndex index = sealed ?
            SegmentIndex.loadSealed(io.robustmq.journal.fs.FileLayer.SYSTEM, segment.indexFile(), segment.baseOffset(), segment.capacity()) : null;
        try
        {
            final FrameScanner scanner = scanFrames(segment, index);
            checkEnd(scanner, sealed);
            frames += scanner.frames();
            bytes += scanner.endPosition();
            final String indexName = segment.indexFile().getFileName().toString();
            if (index != null)
            {
                checkSealedState(index, scanner, indexName);
            }
            else if (sealed && segment.hasIndexFile())
            {
                problem(indexName, "malformed (magic, CRC, sizes or entries do not check out); recovery rebuilds it " +
                    "from the segment's frames");
            }
            else if (sealed)
            {
                note(indexName, "missing: the segment is not sealed yet (sealing runs behind the writer) or its index " +
                    "was lost; recovery rebuilds it from the frames checked above");
            }
            out.println("segment " + segment.name() + ": " + (sealed ? "sealed, " : "active, ") + scanner.frames() +
                (scanner.frames() == 1 ? " frame, " : " frames, ") +
                offsets(segment.baseOffset(), scanner.lastFrameNextOffset()) + ", " + scanner.endPosition() +
                " bytes of frames" + (index == null ? "" : ", index " + index.count() +
                (index.count() == 1 ? " entry" : " entries")));
            return scanner.lastFrameNextOffset();
        }
        finally
        {
            if (index != null)
            {
                index.close();
            }
        }
    }

    private void checkSize(final ReadOnlySegment segment, final boolean sealed)
    {
        if (segment.capacity() >= ShardConfig.MIN_SEGMENT_BYTES && segment.capacity() % FrameDescriptor.FRAME_ALIGNMENT == 0)
        {
            return;
        }
        final String size = "the file is " + segment.capacity() + " bytes, not a segment's size (a multiple of " +
            FrameDescriptor.FRAME_ALIGNMENT + ", at least " + ShardConfig.MIN_SEGMENT_BYTES + ")";
        if (sealed)
        {
            problem(segment.name(), size);
        }
        else
        {
            note(segment.name(), size + ": a crash while it was being created, or a cut file; recovery restores its size");
        }
    }

    /**
     * Walk the frames, reporting each bad one, comparing the index entries with them (if there is an
     * index) and finding the offset at the checkpoint's position (if it names this segment).
     *
     * @return the scanner, at the end of the frames.
     */
    private FrameScanner scanFrames(final ReadOnlySegment segment, final SegmentIndex index)
    {
        final String name = segment.name();
        final String indexName = segment.indexFile().getFileName().toString();
        final boolean holdsCheckpoint = checkpoint != null && checkpoint.segmentBaseOffset() == segment.baseOffset();
        final FrameScanner scanner = new FrameScanner(segment);
        int entry = 0;
        while (scanner.next())
        {
            final int position = scanner.position();
            if (!scanner.crcOk())
            {
                problem(at(name, position), BatchFrames.describe(BatchFrames.CRC_MISMATCH));
            }
            else if (!scanner.offsetFollows())
            {
                problem(at(name, position), "base offset " + scanner.baseOffset() + " does not follow the previous " +
                    (position == 0 ? "segment: expected the segment's base offset " : "frame: expected ") +
                    scanner.expectedBaseOffset());
            }
            if (holdsCheckpoint && position == checkpoint.position())
            {
                checkpointAt(scanner.baseOffset());
            }
            if (index != null)
            {
                entry = checkEntries(index, entry, scanner, indexName);
            }
        }
        entriesMatched = entry;
        if (holdsCheckpoint)
        {
            checkpointSegmentEnd = scanner.endPosition();
            if (scanner.endPosition() == checkpoint.position())
            {
                checkpointAt(scanner.lastFrameNextOffset());
            }
        }
        return scanner;
    }

    /**
     * Report how the frames end: cleanly (with a note if bytes follow the end), or at a frame that
     * cannot be read.
     */
    private void checkEnd(final FrameScanner scanner, final boolean sealed)
    {
        final ReadOnlySegment segment = scanner.segment();
        final int end = scanner.endPosition();
        if (scanner.stopResult() != BatchFrames.END)
        {
            problem(at(segment.name(), end), BatchFrames.describe(scanner.stopResult()) +
                (sealed ? "" : "; recovery cuts the log here"));
            return;
        }
        final int nonZero = segment.nonZeroBytesFrom(end);
        if (nonZero > 0)
        {
            note(segment.name(), nonZero + " bytes after the last frame (position " + end +
                ") are not zero: an append under way, or one a crash cut short; recovery zeroes them");
        }
    }

    /**
     * Compare the index entries up to the scanner's frame with the frames: each entry must point at
     * the start of a frame, with that frame's relative offset and the largest timestamp before it.
     * After a frame whose CRC did not match (already a problem), timestamps are not compared: that
     * frame's own cannot be trusted.
     *
     * @return the first entry not yet matched.
     */
    private int checkEntries(final SegmentIndex index, final int first, final FrameScanner scanner, final String indexName)
    {
        int entry = first;
        final int position = scanner.position();
        while (entry < index.count() && index.position(entry) < position)
        {
            problem(indexName, "entry " + entry + " points at position " + index.position(entry) +
                ", which is not the start of a frame");
            entry++;
        }
        if (entry < index.count() && index.position(entry) == position)
        {
            final long relative = scanner.baseOffset() - scanner.segment().baseOffset();
            if (index.relativeOffset(entry) != relative)
            {
                problem(indexName, "entry " + entry + " (position " + position + ") says relative offset " +
                    index.relativeOffset(entry) + ", the frame there starts at relative offset " + relative);
            }
            if (scanner.badFrames() == 0 && index.timestamp(entry) != scanner.maxTimestampBefore())
            {
                problem(indexName, "entry " + entry + " (position " + position + ") says timestamp " +
                    index.timestamp(entry) + ", the largest before that frame is " +
                    JournalTool.timestamp(scanner.maxTimestampBefore()));
            }
            entry++;
        }
        return entry;
    }

    /**
     * Report entries past the frames, and compare where the index says the segment ends with its
     * frames. Not when the frames stop at one that cannot be read (every difference would follow from
     * that problem), and the offset and timestamp only if every frame was valid.
     */
    private void checkSealedState(final SegmentIndex index, final FrameScanner scanner, final String indexName)
    {
        if (scanner.stopResult() != BatchFrames.END)
        {
            return;
        }
        for (int i = entriesMatched; i < index.count(); i++)
        {
            problem(indexName, "entry " + i + " points at position " + index.position(i) + ", past the last frame");
        }
        final SegmentIndex.SealedState state = index.sealedState();
        if (state.limit() != scanner.endPosition())
        {
            problem(indexName, "says the frames end at position " + state.limit() + ", they end at " +
                scanner.endPosition());
        }
        if (scanner.badFrames() > 0)
        {
            return;
        }
        if (state.nextOffset() != scanner.nextOffset())
        {
            problem(indexName, "says the segment's records end at offset " + state.nextOffset() +
                ", its frames' end at " + scanner.nextOffset());
        }
        if (state.maxTimestamp() != scanner.maxTimestamp())
        {
            problem(indexName, "says the largest timestamp is " + JournalTool.timestamp(state.maxTimestamp()) +
                ", the frames' is " + JournalTool.timestamp(scanner.maxTimestamp()));
        }
    }

    private void checkpointAt(final long offset)
    {
        checkpointPositionFound = true;
        offsetAtCheckpoint = offset;
    }

    private void verifyCheckpoint(final ShardFiles shard, final int segment)
    {
        if (!shard.hasCheckpointFile())
        {
            note(Checkpoint.FILE_NAME, "missing; recovery checks the whole active segment");
            return;
        }
        if (checkpoint == null)
        {
            note(Checkpoint.FILE_NAME, "malformed (size, magic or CRC wrong); recovery ignores it and checks the " +
                "whole active segment");
            return;
        }
        final String name = Segment.fileName(checkpoint.segmentBaseOffset(), Segment.LOG_SUFFIX);
        final String where = name + " position " + checkpoint.position() + ", next offset " + checkpoint.nextOffset();
        if (segment < 0)
        {
            problem(Checkpoint.FILE_NAME, "names " + where + ", but there is no such segment");
        }
        else if (shard.isSealed(segment))
        {
            note(Checkpoint.FILE_NAME, "names " + where + ", a sealed segment: a roll was interrupted, or is under " +
                "way; recovery ignores it");
        }
        else if (checkpoint.position() > checkpointSegmentEnd)
        {
            problem(Checkpoint.FILE_NAME, "says the frames of " + name + " up to position " + checkpoint.position() +
                " were forced to disk, but its valid frames end at " + checkpointSegmentEnd + ": durable data is missing");
        }
        else if (!checkpointPositionFound)
        {
            problem(Checkpoint.FILE_NAME, "names " + where + ", which is not the start of a frame");
        }
        else if (offsetAtCheckpoint != checkpoint.nextOffset())
        {
            problem(Checkpoint.FILE_NAME, "names " + where + ", but the frame there starts at offset " +
                offsetAtCheckpoint);
        }
        else
        {
            out.println("checkpoint: " + where + ": ok");
        }
    }

    private static String at(final String file, final int position)
    {
        return file + " at position " + position;
    }

    private static String offsets(final long first, final long next)
    {
        return next > first ? "offsets " + first + ".." + (next - 1) : "no records (next offset " + next + ")";
    }

    private void problem(final String where, final String reason)
    {
        problems++;
        out.println("PROBLEM " + where + ": " + reason);
    }

    private void note(final String where, final String text)
    {
        out.println("note: " + where + ": " + text);
    }
}
