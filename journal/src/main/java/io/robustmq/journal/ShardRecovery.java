package io.robustmq.journal;

import io.robustmq.journal.codecs.MessageHeaderDecoder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Opens a shard's directory after a clean stop or a crash:
 * <ul>
 *   <li>sealed segments are trusted through their index files, which record where each ends; one
 *       without a valid index file is checked frame by frame and its index rebuilt, or, if a frame is
 *       corrupt, quarantined (renamed {@code .corrupt}) and its offsets reported as corrupt;</li>
 *   <li>the active segment's frames are replayed from position 0, checking CRCs from the recovery
 *       point on; the first frame that is torn or corrupt ends the log: it and everything after
 *       it is zeroed.</li>
 * </ul>
 * So the work grows with the unflushed tail and the active segment, not the log's length.
 */
final class ShardRecovery
{
    private final Path dir;
    private final ShardConfig config;
    private final CRC32C crc = new CRC32C();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final List<String> quarantined = new ArrayList<>();
    private final List<CorruptRange> corruptRanges = new ArrayList<>();
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

    ShardRecovery(final Path dir, final ShardConfig config)
    {
        this.dir = dir;
        this.config = config;
    }

    Result recover() throws IOException
    {
        deleteTemporaryFiles();
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
                    if (last && !Files.exists(Segment.indexFileOf(file)))
                    {
                        restoreFullSize(file);
                    }
                    segment = Segment.open(file);
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

                final SegmentIndex sealed = SegmentIndex.loadSealed(segment.indexFile(), base, segment.capacity());
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

    private Result result(final List<Segment> segments)
    {
        return new Result(segments, new RecoveryReport(segments.size(), checkedFrom, checkedBytes, truncatedAt,
            truncationReason, zeroedBytes, indexesRebuilt, List.copyOf(quarantined), List.copyOf(corruptRanges)));
    }

    private Segment newActive(final long baseOffset) throws IOException
    {
        return Segment.create(dir, baseOffset, config.segmentBytes(), maxIndexEntries(config));
    }

    static int maxIndexEntries(final ShardConfig config)
    {
        return config.segmentBytes() / Math.max(config.indexIntervalBytes(), FrameDescriptor.HEADER_LENGTH) + 1;
    }

    private void recoverActive(final Segment segment)
    {
        final Checkpoint.Point point = Checkpoint.read(dir);
        final int trustedEnd = point != null && point.segmentBaseOffset() == segment.baseOffset() &&
            point.position() <= segment.capacity() ? point.position() : 0;
        checkedFrom = trustedEnd;
        segment.index(SegmentIndex.active(maxIndexEntries(config)));
        final int stop = replay(segment, trustedEnd);
        if (stop != BatchFrames.END)
        {
            truncatedAt = segment.limit();
            truncationReason = BatchFrames.describe(stop);
        }
        zeroedBytes = segment.zeroFrom(segment.limit());
        segment.markFlushed();
        try
        {
            Files.deleteIfExists(segment.indexFile());
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot delete stale index " + segment.indexFile() + ": " + ex.getMessage(), ex);
        }
    }

    private boolean rebuildSealed(final Segment segment, final Path nextFile) throws IOException
    {
        segment.index(SegmentIndex.active(maxIndexEntries(config)));
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
        if (Files.size(file) < config.segmentBytes())
        {
            try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw"))
            {
                raf.setLength(config.segmentBytes());
            }
        }
    }

    private void quarantine(final Path logFile, final Path indexFile, final String reason) throws IOException
    {
        final Path target = logFile.resolveSibling(logFile.getFileName() + ".corrupt");
        Files.move(logFile, target, StandardCopyOption.REPLACE_EXISTING);
        if (indexFile != null)
        {
            Files.deleteIfExists(indexFile);
        }
        quarantined.add(target.getFileName() + ": " + reason);
    }

    private void deleteTemporaryFiles() throws IOException
    {
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, "*.tmp"))
        {
            for (final Path temp : temps)
            {
                Files.delete(temp);
            }
        }
    }

    private List<Path> segmentFiles() throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*" + Segment.LOG_SUFFIX))
        {
            for (final Path file : logs)
            {
                final String name = file.getFileName().toString();
                if (name.matches("\\d{20}\\.log"))
                {
                    files.add(file);
                }
            }
        }
        files.sort(null);
        return files;
    }
}
