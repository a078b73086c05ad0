package io.robustmq.journal;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * journal-tool run in-process on shards written by {@link ShardLog}: what it prints, its exit
 * status, and that it changes nothing.
 */
class JournalToolTest
{
    private static final ShardConfig SMALL = new ShardConfig(8192, 256, Durability.NONE, 1000, 0, 0);

    @TempDir
    Path temp;
    private Path shard;
    private final List<Batches.Batch> written = new ArrayList<>();

    record Run(int status, String out, String err)
    {
        List<String> lines()
        {
            return out.lines().toList();
        }

        /**
         * @return the dump's frame lines, split into columns.
         */
        List<String[]> frames()
        {
            return out.lines().skip(1).filter(line -> !line.startsWith("#")).map(line -> line.trim().split("\\s+")).toList();
        }
    }

    static Run tool(final String... args)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = JournalTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void writeShard()
    {
        shard = temp.resolve("orders-0");
        try (ShardLog log = ShardLog.open(shard, SMALL))
        {
            for (int i = 0; i < 150; i++)
            {
                written.add(Batches.append(log, i, i * 37 % 400, 1 + i % 3, 1_000_000 + i * 10L));
            }
            assertTrue(log.segmentCount() >= 4, "rolled: " + log.segmentCount());
        }
    }

    @Test
    void dumpListsEveryBatchWithItsOffsets()
    {
        final Run dump = tool("dump", shard.toString());
        assertEquals(JournalTool.OK, dump.status(), dump.err());
        assertEquals(DumpCommand.HEADER, dump.lines().get(0));
        final List<String[]> frames = dump.frames();
        assertEquals(written.size(), frames.size(), dump.out());
        String segment = "";
        for (int i = 0; i < written.size(); i++)
        {
            final Batches.Batch batch = written.get(i);
            final String[] frame = frames.get(i);
            assertEquals(List.of(Long.toString(batch.baseOffset()), Integer.toString(batch.recordCount()),
                Long.toString(batch.maxTimestamp()), Integer.toString(batch.format()),
                Integer.toString(batch.payload().length),
                Integer.toString(FrameDescriptor.frameLength(batch.payload().length)), "ok"),
                List.of(frame).subList(2, 9), "frame " + i);
            if (!frame[0].equals(segment))
            {
                segment = frame[0];
                assertEquals(Segment.fileName(batch.baseOffset(), Segment.LOG_SUFFIX), segment, "a segment starts at its base");
                assertEquals("0", frame[1]);
            }
        }
        assertEquals("# " + written.size() + " frames", dump.lines().get(dump.lines().size() - 1));
    }

    @Test
    void dumpStartsAtTheBatchHoldingAnOffsetAndStopsAtTheLimit()
    {
        final Batches.Batch middle = written.get(100);
        final long offset = middle.baseOffset() + middle.recordCount() - 1;
        final Run dump = tool("dump", shard.toString(), "--from-offset", Long.toString(offset), "--limit=5", "--payload");
        assertEquals(JournalTool.OK, dump.status(), dump.err());
        final List<String[]> frames = dump.frames();
        assertEquals(5, frames.size(), dump.out());
        for (int i = 0; i < 5; i++)
        {
            final Batches.Batch batch = written.get(100 + i);
            assertEquals(Long.toString(batch.baseOffset()), frames.get(i)[2]);
            final byte[] payload = batch.payload();
            final String hex = HexFormat.of().formatHex(payload, 0, Math.min(payload.length, DumpCommand.PAYLOAD_BYTES_SHOWN));
            assertEquals(payload.length == 0 ? "-" : hex + (payload.length > DumpCommand.PAYLOAD_BYTES_SHOWN ? "..." : ""),
                frames.get(i)[9]);
        }
        assertEquals("# 5 frames (the limit)", dump.lines().get(dump.lines().size() - 1));
    }

    @Test
    void verifyIsCleanOnAGoodShard() throws IOException
    {
        final Run verify = tool("verify", shard.toString());
        assertEquals(JournalTool.OK, verify.status(), verify.out() + verify.err());
        final long segments = segmentFiles().size();
        final Batches.Batch last = written.get(written.size() - 1);
        assertEquals("clean: " + segments + " segments, " + written.size() + " frames, offsets 0.." +
            (last.nextOffset() - 1) + ", " + framesBytes() + " bytes of frames", verify.lines().get(verify.lines().size() - 1));
        assertEquals(segments, verify.lines().stream().filter(line -> line.startsWith("segment ")).count());
        assertEquals(segments - 1, verify.lines().stream().filter(line -> line.contains(": sealed, ")).count());
        assertTrue(verify.out().contains("checkpoint: " + segmentFiles().get((int)segments - 1).getFileName() + " position "),
            verify.out());
        assertFalse(verify.out().contains("PROBLEM"), verify.out());
    }

    @Test
    void verifyIsCleanOnTheShardOfALiveLog()
    {
        try (ShardLog log = ShardLog.open(shard, SMALL))
        {
            Batches.append(log, 500, 100, 1, 2_000_000);
            log.force();
            Batches.append(log, 501, 100, 1, 2_000_001);
            final Run verify = tool("verify", shard.toString());
            assertEquals(JournalTool.OK, verify.status(), verify.out());
            assertTrue(verify.lines().get(verify.lines().size() - 1).startsWith("clean: "), verify.out());
        }
    }

    @Test
    void verifyReportsAFlippedByteWithItsSegmentAndPosition() throws IOException
    {
        final List<String[]> frames = tool("dump", shard.toString()).frames();
        final String[] sealed = frames.get(20);
        final String[] active = frames.get(frames.size() - 1);
        assertFalse(sealed[0].equals(active[0]), "one frame in a sealed segment, one in the active one");
        flipByte(shard.resolve(sealed[0]), Integer.parseInt(sealed[1]) + FrameDescriptor.HEADER_LENGTH + 3);
        flipByte(shard.resolve(active[0]), Integer.parseInt(active[1]) + FrameDescriptor.HEADER_LENGTH + 3);

        final Run verify = tool("verify", shard.toString());
        assertEquals(JournalTool.PROBLEMS, verify.status(), verify.out());
        final List<String> problems = verify.lines().stream().filter(line -> line.startsWith("PROBLEM")).toList();
        assertEquals(List.of(
            "PROBLEM " + sealed[0] + " at position " + sealed[1] + ": CRC mismatch",
            "PROBLEM " + active[0] + " at position " + active[1] + ": CRC mismatch"), problems, verify.out());
        assertTrue(verify.lines().get(verify.lines().size() - 1).startsWith("2 problems: "), verify.out());

        final Run dump = tool("dump", shard.toString());
        assertEquals(JournalTool.OK, dump.status());
        assertEquals(2, dump.frames().stream().filter(frame -> frame[8].equals("BAD")).count(), dump.out());
    }

    @Test
    void aDamagedLastFrameOfASealedSegmentIsOneProblem() throws IOException
    {
        final List<String[]> frames = tool("dump", shard.toString()).frames();
        final String firstSegment = frames.get(0)[0];
        final String[] last = frames.stream().filter(frame -> frame[0].equals(firstSegment)).reduce((a, b) -> b).orElseThrow();
        assertTrue(Integer.parseInt(last[6]) > 0, "a frame with a payload");
        flipByte(shard.resolve(last[0]), Integer.parseInt(last[1]) + FrameDescriptor.HEADER_LENGTH);

        final Run verify = tool("verify", shard.toString());
        assertEquals(List.of("PROBLEM " + last[0] + " at position " + last[1] + ": CRC mismatch"),
            verify.lines().stream().filter(line -> line.startsWith("PROBLEM")).toList(), verify.out());
    }

    @Test
    void verifyReportsAMissingSegment() throws IOException
    {
        final List<Path> segments = segmentFiles();
        Files.delete(segments.get(2));
        Files.delete(Segment.indexFileOf(segments.get(2)));
        final long from = Segment.parseBaseOffset(segments.get(2));
        final long to = Segment.parseBaseOffset(segments.get(3));

        final Run verify = tool("verify", shard.toString());
        assertEquals(JournalTool.PROBLEMS, verify.status(), verify.out());
        assertEquals(List.of("PROBLEM " + segments.get(3).getFileName() + ": offsets " + from + " to " + (to - 1) +
                " are missing: the previous segment's records end at " + from + ", this one starts at " + to),
            verify.lines().stream().filter(line -> line.startsWith("PROBLEM")).toList(), verify.out());
    }

    @Test
    void verifyReportsAMissingIndexFileAndADamagedOne() throws IOException
    {
        final List<Path> segments = segmentFiles();
        Files.delete(Segment.indexFileOf(segments.get(1)));
        final Path damaged = Segment.indexFileOf(segments.get(2));
        flipByte(damaged, SegmentIndex.FILE_HEADER_LENGTH + 4);

        final Run verify = tool("verify", shard.toString());
        assertEquals(JournalTool.PROBLEMS, verify.status(), verify.out());
        final List<String> problems = verify.lines().stream().filter(line -> line.startsWith("PROBLEM")).toList();
        assertEquals(List.of(
            "PROBLEM " + damaged.getFileName() +
                ": malformed (magic, CRC, sizes or entries do not check out); recovery rebuilds it from the segment's frames"),
            problems, verify.out());
        assertTrue(verify.lines().contains("note: " + Segment.indexFileOf(segments.get(1)).getFileName() +
            ": missing: the segment is not sealed yet (sealing runs behind the writer) or its index was lost; " +
            "recovery rebuilds it from the frames checked above"), "a missing index is a note: " + verify.out());

        final Run index = tool("index", shard.toString(), "--segment", Long.toString(Segment.parseBaseOffset(segments.get(1))));
        assertEquals(JournalTool.PROBLEMS, index.status(), index.out());
        assertTrue(index.lines().get(0).contains(": missing; "), index.out());
    }

    @Test
    void verifyReportsACheckpointAheadOfTheFrames() throws IOException
    {
        final List<String[]> frames = tool("dump", shard.toString()).frames();
        final String[] last = frames.get(frames.size() - 1);
        try (RandomAccessFile raf = new RandomAccessFile(shard.resolve(last[0]).toFile(), "rw"))
        {
            raf.seek(Long.parseLong(last[1]));
            raf.writeInt(0);
        }
        final Run verify = tool("verify", shard.toString());
        assertEquals(JournalTool.PROBLEMS, verify.status(), verify.out());
        assertTrue(verify.out().contains("PROBLEM checkpoint: says the frames of " + last[0] + " up to position " +
            (Long.parseLong(last[1]) + FrameDescriptor.alignedLength(Integer.parseInt(last[7]))) +
            " were forced to disk, but its valid frames end at " + last[1] + ": durable data is missing"), verify.out());
    }

    @Test
    void indexPrintsEntriesConsistentWithTheFrames() throws IOException
    {
        final Run index = tool("index", shard.toString(), "--index-interval", Integer.toString(SMALL.indexIntervalBytes()));
        assertEquals(JournalTool.OK, index.status(), index.err());

        final Map<String, TreeMap<Integer, String[]>> framesAt = new TreeMap<>();
        for (final String[] frame : tool("dump", shard.toString()).frames())
        {
            framesAt.computeIfAbsent(frame[0], name -> new TreeMap<>()).put(Integer.parseInt(frame[1]), frame);
        }
        String segment = null;
        int entries = 0;
        for (final String line : index.lines())
        {
            if (line.startsWith("# "))
            {
                segment = Segment.fileName(Long.parseLong(line.substring(2, 22)), Segment.LOG_SUFFIX);
                continue;
            }
            if (line.equals(IndexCommand.HEADER))
            {
                continue;
            }
            final String[] entry = line.trim().split("\\s+");
            final int position = Integer.parseInt(entry[2]);
            final String[] frame = framesAt.get(segment).get(position);
            assertTrue(frame != null, "entry " + line + " of " + segment + " points at a frame");
            assertEquals(frame[2], entry[1], "the entry's offset is the frame's base offset");
            assertEquals(Long.parseLong(entry[1]) - Segment.parseBaseOffset(Path.of(segment)), Long.parseLong(entry[0]));
            final long maxBefore = framesAt.get(segment).headMap(position).values().stream()
                .mapToLong(f -> Long.parseLong(f[4])).max().orElseThrow();
            assertEquals(Long.toString(maxBefore), entry[3], "the largest timestamp before the frame");
            entries++;
        }
        assertTrue(entries > 20, index.out());
        final List<Path> segments = segmentFiles();
        assertEquals(segments.size(), index.lines().stream().filter(line -> line.startsWith("# ")).count());
        assertTrue(index.lines().get(index.lines().size() - 1).startsWith(" ") &&
            index.out().contains("# " + segments.get(segments.size() - 1).getFileName() + ": active segment, "), index.out());
    }

    @Test
    void entriesWorkedOutFromTheFramesAreTheOnesTheWriterWrote() throws IOException
    {
        final List<Path> segments = segmentFiles();
        for (final Path file : segments.subList(0, segments.size() - 1))
        {
            try (ReadOnlySegment segment = ReadOnlySegment.map(file);
                SegmentIndex sealed = SegmentIndex.loadSealed(io.robustmq.journal.fs.FileLayer.SYSTEM, segment.indexFile(), segment.baseOffset(), segment.capacity()))
            {
                final List<IndexCommand.Entry> fromFile = new ArrayList<>();
                for (int i = 0; i < sealed.count(); i++)
                {
                    fromFile.add(new IndexCommand.Entry(sealed.relativeOffset(i), sealed.position(i), sealed.timestamp(i)));
                }
                assertEquals(fromFile, IndexCommand.entriesFromFrames(segment, SMALL.indexIntervalBytes()), file.toString());
            }
        }
    }

    @Test
    void changesNothingEvenInADamagedShard() throws Exception
    {
        final List<Path> segments = segmentFiles();
        Files.delete(Segment.indexFileOf(segments.get(1)));
        Files.delete(shard.resolve(Checkpoint.FILE_NAME));
        flipByte(segments.get(segments.size() - 1), 100);
        final Path cut = segments.get(segments.size() - 1);
        try (RandomAccessFile raf = new RandomAccessFile(cut.toFile(), "rw"))
        {
            raf.setLength(raf.length() / 2 + 4);
        }
        final Map<String, String> before = digests();
        assertEquals(JournalTool.PROBLEMS, tool("verify", shard.toString()).status());
        assertEquals(JournalTool.OK, tool("dump", shard.toString(), "--payload").status());
        assertEquals(JournalTool.PROBLEMS, tool("index", shard.toString()).status());
        assertEquals(before, digests());
    }

    @Test
    void failsWithOneLineOnBadUse() throws IOException
    {
        final Path empty = Files.createDirectory(temp.resolve("empty"));
        final Map<List<String>, String> cases = Map.of(
            List.of("verify", temp.resolve("nope").toString()), "journal-tool: no such directory: " + temp.resolve("nope"),
            List.of("dump", empty.toString()), "journal-tool: " + empty + " is not a shard directory: no segment files " +
                "(<20-digit offset>.log) and no checkpoint",
            List.of("frobnicate", shard.toString()), "journal-tool: unknown command 'frobnicate' (see journal-tool --help)",
            List.of("dump", shard.toString(), "--limit", "0"),
            "journal-tool: --limit wants a whole number of at least 1, not '0' (see journal-tool --help)",
            List.of("verify", shard.toString(), "--payload"),
            "journal-tool: unknown option '--payload' for verify (see journal-tool --help)",
            List.of("index", shard.toString(), "--segment", "12345"),
            "journal-tool: no segment with base offset 12345 in " + shard,
            List.of(), "journal-tool: no command (see journal-tool --help)");
        cases.forEach((args, expected) ->
        {
            final Run run = tool(args.toArray(new String[0]));
            assertEquals(JournalTool.FAILED, run.status(), args.toString());
            assertEquals(expected + System.lineSeparator(), run.err(), args.toString());
        });
        final Run help = tool("--help");
        assertEquals(JournalTool.OK, help.status());
        assertTrue(help.out().startsWith("usage: journal-tool dump"), help.out());
        assertEquals("", help.err());
    }

    private List<Path> segmentFiles() throws IOException
    {
        try (Stream<Path> files = Files.list(shard))
        {
            return files.filter(file -> file.getFileName().toString().endsWith(Segment.LOG_SUFFIX)).sorted().toList();
        }
    }

    private long framesBytes()
    {
        return written.stream()
            .mapToLong(batch -> FrameDescriptor.alignedLength(FrameDescriptor.frameLength(batch.payload().length)))
            .sum();
    }

    private Map<String, String> digests() throws Exception
    {
        final Map<String, String> digests = new TreeMap<>();
        try (Stream<Path> files = Files.list(shard))
        {
            for (final Path file : files.toList())
            {
                final byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
                digests.put(file.getFileName().toString(), HexFormat.of().formatHex(digest) + " " +
                    Files.getLastModifiedTime(file));
            }
        }
        return digests;
    }

    static void flipByte(final Path file, final long position) throws IOException
    {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
        {
            raf.seek(position);
            final int old = raf.read();
            raf.seek(position);
            raf.write(old ^ 0x5A);
        }
    }
}
