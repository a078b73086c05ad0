package io.robustmq.journal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The files of one shard directory as {@link JournalTool} finds them, listed without opening,
 * creating or changing anything: the segment files ({@code <20-digit base>.log}, oldest first),
 * and what else recovery would act on: quarantined segments ({@code .corrupt}), temporary files
 * ({@code .tmp}), index files whose segment is gone, the checkpoint.
 * <p>
 * The checkpoint is read before the directory is listed: a running writer writes it only after
 * the data it describes and after it creates a new segment, so the segments listed and the frames
 * read afterwards include everything the checkpoint claims.
 */
final class ShardFiles
{
    static final String CORRUPT_SUFFIX = ".corrupt";
    static final String TEMPORARY_SUFFIX = ".tmp";
    private static final String SEGMENT_NAME = "\\d{20}\\" + Segment.LOG_SUFFIX;
    private static final String INDEX_NAME = "\\d{20}\\" + Segment.INDEX_SUFFIX;

    private final Path dir;
    private final List<Path> segments;
    private final List<Path> quarantined;
    private final List<Path> temporary;
    private final List<Path> orphanIndexes;
    private final boolean hasCheckpointFile;
    private final Checkpoint.Point checkpoint;

    private ShardFiles(
        final Path dir,
        final boolean hasCheckpointFile,
        final Checkpoint.Point checkpoint,
        final List<Path> segments,
        final List<Path> quarantined,
        final List<Path> temporary,
        final List<Path> orphanIndexes)
    {
        this.dir = dir;
        this.hasCheckpointFile = hasCheckpointFile;
        this.checkpoint = checkpoint;
        this.segments = segments;
        this.quarantined = quarantined;
        this.temporary = temporary;
        this.orphanIndexes = orphanIndexes;
    }

    /**
     * @param dir a shard's directory.
     * @return its files.
     * @throws JournalTool.Failure if it is not a directory, or holds nothing a shard holds.
     * @throws IOException         if it cannot be listed.
     */
    static ShardFiles list(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            throw new JournalTool.Failure("no such directory: " + dir);
        }
        if (!Files.isDirectory(dir))
        {
            throw new JournalTool.Failure("not a directory: " + dir);
        }
        final Checkpoint.Point checkpoint = Checkpoint.read(dir);
        final boolean hasCheckpointFile = Files.exists(dir.resolve(Checkpoint.FILE_NAME));
        final List<Path> segments = new ArrayList<>();
        final List<Path> quarantined = new ArrayList<>();
        final List<Path> temporary = new ArrayList<>();
        final List<Path> indexes = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir))
        {
            for (final Path entry : entries)
            {
                final String name = entry.getFileName().toString();
                if (name.matches(SEGMENT_NAME))
                {
                    segments.add(entry);
                }
                else if (name.matches(INDEX_NAME))
                {
                    indexes.add(entry);
                }
                else if (name.endsWith(CORRUPT_SUFFIX))
                {
                    quarantined.add(entry);
                }
                else if (name.endsWith(TEMPORARY_SUFFIX))
                {
                    temporary.add(entry);
                }
            }
        }
        if (segments.isEmpty() && quarantined.isEmpty() && !hasCheckpointFile)
        {
            throw new JournalTool.Failure(dir + " is not a shard directory: no segment files (<20-digit offset>" +
                Segment.LOG_SUFFIX + ") and no " + Checkpoint.FILE_NAME);
        }
        segments.sort(null);
        quarantined.sort(null);
        temporary.sort(null);
        final List<Path> orphanIndexes = new ArrayList<>();
        for (final Path index : indexes)
        {
            final String name = index.getFileName().toString();
            final Path log = index.resolveSibling(name.substring(0, name.length() - Segment.INDEX_SUFFIX.length()) +
                Segment.LOG_SUFFIX);
            if (!segments.contains(log))
            {
                orphanIndexes.add(index);
            }
        }
        orphanIndexes.sort(null);
        return new ShardFiles(dir, hasCheckpointFile, checkpoint, List.copyOf(segments), List.copyOf(quarantined),
            List.copyOf(temporary), List.copyOf(orphanIndexes));
    }

    Path dir()
    {
        return dir;
    }

    /**
     * @return true if there is a checkpoint file, readable or not.
     */
    boolean hasCheckpointFile()
    {
        return hasCheckpointFile;
    }

    /**
     * @return the recovery point the checkpoint records; null if there is none or it does not
     * check out.
     */
    Checkpoint.Point checkpoint()
    {
        return checkpoint;
    }

    /**
     * @return the segment files, oldest first.
     */
    List<Path> segments()
    {
        return segments;
    }

    /**
     * @param i a segment's place in {@link #segments()}.
     * @return true if recovery would treat it as sealed: it is not the last, or it has an index file
     * (the writer sealed it, and was stopped before it created the next segment).
     */
    boolean isSealed(final int i)
    {
        return i < segments.size() - 1 || Files.exists(Segment.indexFileOf(segments.get(i)));
    }

    List<Path> quarantined()
    {
        return quarantined;
    }

    List<Path> temporary()
    {
        return temporary;
    }

    List<Path> orphanIndexes()
    {
        return orphanIndexes;
    }
}
