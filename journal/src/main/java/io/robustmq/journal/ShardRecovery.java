package io.robustmq.journal;

import io.robustmq.journal.codecs.MessageHeaderDecoder;

import io.robustmq.journal.fs.FileLayer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Opens a shard's directory after a clean stop, a crash or a power cut. What it may trust follows
 * from the order in which the writer makes things durable (see {@link ShardLog#force}): a segment's
 * index file is written only after the segment is forced, and the checkpoint only after every frame
 * before it, in its segment and in all older ones, is forced. So:
 * <ul>
 *   <li>a segment with a valid index file is trusted up to where the index says it ends;</li>
 *   <li>a segment older than the checkpoint's was forced whole: without its index file it is checked
 *       frame by frame and its index rebuilt, or, if a frame is corrupt (damage, not a lost write),
 *       quarantined (renamed {@code .corrupt}) and its offsets reported as corrupt;</li>
 *   <li>from the checkpoint on is the tail, which a power cut may have torn anywhere: its frames are
 *       checked with their CRC and the first one that is torn, corrupt, or out of sequence (a gap
 *       where lost pages read as zeros) ends the log: it and everything after it are zeroed, and
 *       later segment files deleted. Nothing there was acknowledged as forced, since the writer
 *       completes {@code always} appends only after forcing every segment it wrote, in order.</li>
 * </ul>
 * Temporary files (segments prepared ahead of need) are deleted: a prepared file holds data only
 * once renamed, and the rename is made durable before any append to it is.
 * The work grows with the tail and the active segment, not the log's length.
 */
final class ShardRecovery
{
    private final FileLayer layer;
    private final Path dir;
    private final ShardConfig config;
    private final CRC32C crc = new CRC32C();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final List<String> quarantined = new ArrayList<>();
    private final List<CorruptRange> corruptRanges = new ArrayList<>();
    private Checkpoint.Point checkpoint;
    private int indexesRebuilt;
    private long checkedBytes;
    private int checkedFrom;
    private int truncatedAt = -1;
    private String truncationReason = "";
    private int zeroedBytes;

    /**
     * The outcome: the segments to serve, oldest first, the last one active.
     */
    record Result(List<Segment> segments, RecoveryReport report)
    {
    }

    ShardRecovery(final FileLayer layer, final Path dir, final ShardConfig config)
    {
        this.layer = layer;
        this.dir = dir;
        this.config = config;
    }

    /**
     * Recover a shard that is being opened: temporary files are deleted, an unfinished truncation
     * is finished.
     */
    Result recover() throws IOException
    {
        deleteTemporaryFiles();
        final long truncation = ShardTruncation.readIntent(layer, dir);
        if (truncation >= 0)
        {
            ShardTruncation.apply(layer, dir, truncation);
            quarantined.add("finished a truncation to offset " + truncation + " that a crash interrupted");
        }
        return recoverSegments();
    }

    /**
     * Recover the segments of a shard that is open, after a truncation: its prepared segment, a
     * temporary file, is kept.
     */
    Result recoverSegments() throws IOException
    {
        checkpoint = Checkpoint.read(layer, dir);
        final List<Path> files = segmentFiles();
        final List<Segment> segments = new ArrayList<>();
        try
        {
            if (files.isEmpty())
            {
                segments.add(newActive(0));
                return result(segments);
            }

            long expected = -1;
            for (int i = 0; i < files.size(); i++)
            {
                final Path file = files.get(i);
                final long base = Segment.parseBaseOffset(file);
                final boolean last = i == files.size() - 1;
                if (expected >= 0 && base != expected)
                {
                    if (isTail(base))
                    {
                        truncateFrom(files, i, "segment " + file.getFileName() + " does not follow offset " + expected);
                        segments.add(newActive(expected));
                        break;
                    }
                    if (base < expected)
                    {
                        quarantine(file, null, "overlaps the previous segment, which ends at offset " + expected);
                        if (last)
                        {
                            segments.add(newActive(expected));
                        }
                        continue;
                    }
                    corruptRanges.add(new CorruptRange(expected, base, "segment file missing"));
                }
                final Segment segment;
                try
                {
                    if (last && !layer.exists(Segment.indexFileOf(file)))
                    {
                        restoreFullSize(file);
                    }
                    segment = Segment.open(layer, file);
                }
                catch (final IOException ex)
                {
                    quarantine(file, null, ex.getMessage());
                    if (last)
                    {
                        segments.add(newActive(expected >= 0 ? expected : base));
                    }
                    else
                    {
                        expected = Segment.parseBaseOffset(files.get(i + 1));
                        corruptRanges.add(new CorruptRange(base, expected, "segment quarantined: " + ex.getMessage()));
                    }
                    continue;
                }

                final SegmentIndex sealed = SegmentIndex.loadSealed(layer, segment.indexFile(), base, segment.capacity());
                if (sealed != null)
                {
                    segment.recoveredSealed(sealed);
                    segments.add(segment);
                    if (last)
                    {
                        segments.add(newActive(segment.nextOffset()));
                    }
                }
                else if (last)
                {
                    recoverActive(segment);
                    segments.add(segment);
                }
                else if (isTail(base))
                {
                    if (!recoverTail(segment))
                    {
                        segments.add(segment);
                        truncateFrom(files, i + 1, truncationReason);
                        break;
                    }
                    segments.add(segment);
                }
                else if (rebuildSealed(segment, files.get(i + 1)))
                {
                    segments.add(segment);
                }
                else
                {
                    expected = Segment.parseBaseOffset(files.get(i + 1));
                    continue;
                }
                expected = segments.get(segments.size() - 1).nextOffset();
            }
            return result(segments);
        }
        catch (final IOException | RuntimeException ex)
        {
            segments.forEach(Segment::closeQuietly);
            throw ex;
        }
    }

    /**
     * @return true if a segment starting at this offset is at or past the checkpoint: not known
     * to have been forced whole.
     */
    private boolean isTail(final long segmentBase)
    {
        return checkpoint == null || segmentBase >= checkpoint.segmentBaseOffset();
    }

    private int trustedEnd(final Segment segment)
    {
        final Checkpoint.Point point = checkpoint;
        return point != null && point.segmentBaseOffset() == segment.baseOffset() &&
            point.position() <= segment.capacity() ? point.position() : 0;
    }

    private Result result(final List<Segment> segments)
    {
        return new Result(segments, new RecoveryReport(segments.size(), checkedFrom, checkedBytes, truncatedAt,
            truncationReason, zeroedBytes, indexesRebuilt, List.copyOf(quarantined), List.copyOf(corruptRanges)));
    }

    private Segment newActive(final long baseOffset) throws IOException
    {
        final Segment segment = Segment.create(layer, dir, baseOffset, config.segmentBytes(), config.fileAllocation(),
            maxIndexEntries(config));
        layer.syncDirectory(dir);
        return segment;
    }

    static int maxIndexEntries(final ShardConfig config)
    {
        return maxIndexEntries(config.segmentBytes(), config.indexIntervalBytes());
    }

    /**
     * @return the most index entries a segment of {@code segmentBytes} may need.
     */
    static int maxIndexEntries(final int segmentBytes, final int indexIntervalBytes)
    {
        return segmentBytes / Math.max(indexIntervalBytes, FrameDescriptor.HEADER_LENGTH) + 1;
    }

    private void recoverActive(final Segment segment) throws IOException
    {
        final int trustedEnd = trustedEnd(segment);
        checkedFrom = trustedEnd;
        segment.index(SegmentIndex.active(maxIndexEntries(segment.capacity(), config.indexIntervalBytes())));
        final int stop = replay(segment, trustedEnd);
        if (stop != BatchFrames.END)
        {
            truncatedAt = segment.limit();
            truncationReason = BatchFrames.describe(stop);
        }
        zeroedBytes = segment.zeroFrom(segment.limit());
        segment.force();
        layer.delete(segment.indexFile());
    }

    /**
     * A segment past the checkpoint that the writer had rolled past: check every frame from the
     * recovery point. A clean end seals it (forced, index written); a torn frame makes it the
     * log's end, zeroed from there, and the active segment.
     *
     * @return true if it ended cleanly.
     */
    private boolean recoverTail(final Segment segment) throws IOException
    {
        final int trustedEnd = trustedEnd(segment);
        segment.index(SegmentIndex.active(maxIndexEntries(segment.capacity(), config.indexIntervalBytes())));
        final int stop = replay(segment, trustedEnd);
        if (stop == BatchFrames.END && !segment.isEmpty())
        {
            segment.force();
            segment.writeIndexFile();
            indexesRebuilt++;
            return true;
        }
        checkedFrom = trustedEnd;
        truncatedAt = segment.limit();
        truncationReason = segment.isEmpty() ? "no valid frame in " + segment.logFile().getFileName() :
            BatchFrames.describe(stop) + " in " + segment.logFile().getFileName();
        zeroedBytes = segment.zeroFrom(segment.limit());
        segment.force();
        layer.delete(segment.indexFile());
        return false;
    }

    /**
     * Delete the segment files from a place in the list on: they follow a torn frame.
     */
    private void truncateFrom(final List<Path> files, final int from, final String reason) throws IOException
    {
        if (truncatedAt < 0)
        {
            truncatedAt = 0;
            truncationReason = reason;
        }
        for (int i = from; i < files.size(); i++)
        {
            layer.delete(Segment.indexFileOf(files.get(i)));
            layer.delete(files.get(i));
            quarantined.add(files.get(i).getFileName() + ": deleted, it follows the end of the log (" + reason + ")");
        }
        layer.syncDirectory(dir);
    }

    private boolean rebuildSealed(final Segment segment, final Path nextFile) throws IOException
    {
        segment.index(SegmentIndex.active(maxIndexEntries(segment.capacity(), config.indexIntervalBytes())));
        final int stop = replay(segment, 0);
        if (stop != BatchFrames.END || segment.isEmpty())
        {
            final long nextBase = Segment.parseBaseOffset(nextFile);
            final String reason = segment.isEmpty() ? "no valid frame" :
                BatchFrames.describe(stop) + " at position " + segment.limit();
            segment.closeQuietly();
            quarantine(segment.logFile(), segment.indexFile(), reason);
            corruptRanges.add(new CorruptRange(segment.baseOffset(), nextBase, "segment quarantined: " + reason));
            return false;
        }
        segment.markFlushed();
        segment.writeIndexFile();
        indexesRebuilt++;
        return true;
    }

    /**
     * Publish the segment's frames one by one, as the writer did, checking each.
     *
     * @return the check result that stopped the replay: {@link BatchFrames#END} at a clean end.
     */
    private int replay(final Segment segment, final int trustedEnd)
    {
        final ByteBuffer view = segment.writerView();
        while (true)
        {
            final int position = segment.limit();
            final boolean verify = position >= trustedEnd;
            final int result = BatchFrames.check(segment.buffer(), view, crc, headerDecoder, position,
                segment.capacity(), segment.nextOffset(), verify);
            if (result <= 0)
            {
                return result;
            }
            final int aligned = FrameDescriptor.alignedLength(result);
            if (verify)
            {
                checkedBytes += aligned;
            }
            segment.published(aligned, BatchFrames.recordCount(segment.buffer(), position),
                BatchFrames.maxTimestamp(segment.buffer(), position), config.indexIntervalBytes());
        }
    }

    /**
     * A truncated active segment (a file cut short, by a crash while it was being created or by
     * hand) is extended back to the segment size, so that its surviving frames can be recovered.
     */
    private void restoreFullSize(final Path file) throws IOException
    {
        if (layer.size(file) < config.segmentBytes())
        {
            layer.setLength(file, config.segmentBytes());
        }
    }

    private void quarantine(final Path logFile, final Path indexFile, final String reason) throws IOException
    {
        final Path target = logFile.resolveSibling(logFile.getFileName() + ".corrupt");
        layer.move(logFile, target);
        if (indexFile != null)
        {
            layer.delete(indexFile);
        }
        layer.syncDirectory(dir);
        quarantined.add(target.getFileName() + ": " + reason);
    }

    private void deleteTemporaryFiles() throws IOException
    {
        for (final Path entry : layer.list(dir))
        {
            if (entry.getFileName().toString().endsWith(".tmp"))
            {
                layer.delete(entry);
            }
        }
    }

    private List<Path> segmentFiles() throws IOException
    {
        final List<Path> files = new ArrayList<>();
        for (final Path entry : layer.list(dir))
        {
            if (entry.getFileName().toString().matches("\\d{20}\\.log"))
            {
                files.add(entry);
            }
        }
        return files;
    }
}
