package io.robustmq.journal.crash;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.JournalTool;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.ShardLog;
import org.agrona.DirectBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What the crash tests do with a shard directory a kill left: copy it before recovery touches it,
 * keep the copy as evidence when a check fails, ask journal-tool what it finds there, and read the
 * recovered log back batch by batch, comparing each with what was written.
 */
final class KilledShard
{
    /** Where failing runs keep the shard as the kill left it, under the module's directory. */
    static final Path EVIDENCE = Path.of("target", "crash-evidence");

    private KilledShard()
    {
    }

    /**
     * Reads whole batches from an offset, as {@code ShardLog.read} and {@code JournalShard.read} do.
     */
    @FunctionalInterface
    interface Reader
    {
        /**
         * @param offset the first offset wanted.
         * @param view   filled in.
         * @return bytes read, 0 at the next offset, or a negative status.
         */
        int read(long offset, JournalView view);
    }

    /**
     * Checks one batch of the log; fails the test if the batch is not the one written there.
     */
    @FunctionalInterface
    interface BatchCheck
    {
        /**
         * @param buffer   the segment.
         * @param position the batch's frame.
         */
        void check(DirectBuffer buffer, int position);
    }

    /**
     * Read the whole log from offset 0, checking that offsets are dense, that every read succeeds
     * and that nothing is served past the last batch, and hand each batch to {@code check}.
     *
     * @param reader reads the log.
     * @param check  checks each batch.
     * @param where  names the run and what recovery reported, for failure messages.
     * @return the next offset: where the last batch read ends.
     */
    static long readAll(final Reader reader, final BatchCheck check, final String where)
    {
        final JournalView view = new JournalView();
        long offset = 0;
        while (true)
        {
            final int read = reader.read(offset, view);
            if (read == 0)
            {
                assertEquals(ShardLog.OUT_OF_RANGE, reader.read(offset + 1, view), where + ": nothing is served past " +
                    "the next offset " + offset);
                return offset;
            }
            assertTrue(read > 0, where + ": read at offset " + offset + " failed: " + read);
            try
            {
                int position = view.offset();
                final int end = view.offset() + view.length();
                while (position < end)
                {
                    assertEquals(offset, BatchFrames.baseOffset(view.buffer(), position), where + ": offsets are dense");
                    check.check(view.buffer(), position);
                    offset += BatchFrames.recordCount(view.buffer(), position);
                    position += FrameDescriptor.alignedLength(BatchFrames.frameLength(view.buffer(), position));
                }
                assertEquals(offset, view.nextOffset(), where + ": the view ends where its last batch does");
            }
            finally
            {
                view.release();
            }
        }
    }

    /**
     * Fail unless the batch at {@code position} is the one expected, byte for byte.
     *
     * @param buffer      the segment.
     * @param position    the batch's frame.
     * @param recordCount the records expected.
     * @param timestamp   the largest timestamp expected.
     * @param format      the format expected.
     * @param payload     the payload expected.
     * @param writer      who wrote it, for the failure message.
     * @param where       names the run and what recovery reported.
     */
    static void assertBatch(
        final DirectBuffer buffer,
        final int position,
        final int recordCount,
        final long timestamp,
        final int format,
        final byte[] payload,
        final String writer,
        final String where)
    {
        final byte[] read = new byte[BatchFrames.payloadLength(buffer, position)];
        buffer.getBytes(BatchFrames.payloadOffset(position), read);
        if (BatchFrames.recordCount(buffer, position) != recordCount ||
            BatchFrames.maxTimestamp(buffer, position) != timestamp ||
            BatchFrames.format(buffer, position) != format ||
            !Arrays.equals(payload, read))
        {
            fail(where + ": the batch at offset " + BatchFrames.baseOffset(buffer, position) + " is not the one " + writer +
                " wrote: " + read.length + " bytes read, " + payload.length + " written");
        }
    }

    /**
     * A check of a killed shard's recovery.
     */
    @FunctionalInterface
    interface Check
    {
        void run() throws Exception;
    }

    /**
     * Run a check; if it fails, keep the shard as the kill left it and say where.
     *
     * @param killed   the copy taken before recovery, or null if the kill left no shard.
     * @param evidence the name to keep it under: the seed and the iteration.
     * @param check    the check.
     */
    static void keepingEvidence(final Path killed, final String evidence, final Check check) throws Exception
    {
        try
        {
            check.run();
        }
        catch (final AssertionError | RuntimeException ex)
        {
            if (killed == null)
            {
                throw ex;
            }
            final Path kept = copy(killed, EVIDENCE.resolve(evidence)).toAbsolutePath();
            throw new AssertionError(ex.getMessage() + "\nthe shard as the kill left it, before recovery: " + kept +
                " (look with: scripts/journal-tool verify <dir>)", ex);
        }
    }

    /**
     * @return {@code to}, now a copy of the files of {@code from}, replacing what it held.
     */
    static Path copy(final Path from, final Path to) throws IOException
    {
        if (Files.exists(to))
        {
            try (Stream<Path> old = Files.list(to))
            {
                for (final Path file : old.toList())
                {
                    Files.delete(file);
                }
            }
        }
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from))
        {
            for (final Path file : files.toList())
            {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    /**
     * @param dir a shard's directory, which may not exist.
     * @return true if it holds a segment file or a checkpoint: something journal-tool can look at.
     * A kill as a shard is being created may leave it empty, or with its settings alone.
     */
    static boolean holdsLog(final Path dir) throws IOException
    {
        if (!Files.isDirectory(dir))
        {
            return false;
        }
        try (Stream<Path> files = Files.list(dir))
        {
            return files.map(file -> file.getFileName().toString())
                .anyMatch(name -> name.endsWith(".log") || name.equals("checkpoint"));
        }
    }

    /**
     * What {@code journal-tool verify} said about a shard.
     *
     * @param status its exit status.
     * @param out    its stdout.
     * @param err    its stderr.
     */
    record Verify(int status, String out, String err)
    {
        /**
         * Tell from journal-tool's notes on a killed shard where the kill landed, to show what a
         * run covered.
         *
         * @return the state.
         */
        String stateLeft()
        {
            final List<String> segments = out.lines().filter(line -> line.startsWith("segment ")).toList();
            final boolean lastSealed = !segments.isEmpty() && segments.get(segments.size() - 1).contains(": sealed, ");
            return out.contains(".index.tmp: a temporary file") ? "mid index write" :
                out.contains("while it was being created") ? "segment file created, not sized" :
                lastSealed ? "sealed, next segment not created" :
                out.contains("names ") && out.contains("a sealed segment") ? "new segment, checkpoint not moved" :
                out.contains("are not zero") ? "mid append" :
                "between appends";
        }

        @Override
        public String toString()
        {
            return "status " + status + "\n" + out + err;
        }
    }

    /**
     * @param shard a shard's directory.
     * @return what {@code journal-tool verify} says about it.
     */
    static Verify verify(final Path shard)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = JournalTool.run(new String[]{"verify", shard.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Verify(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
