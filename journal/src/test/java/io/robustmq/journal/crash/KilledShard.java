package io.robustmq.journal.crash;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.JournalTool;
import io.robustmq.journal.JournalView;
import org.agrona.DirectBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the crash tests do with a shard directory a kill left: copy it before recovery touches it,
 * keep the copy as evidence when a check fails, ask journal-tool what it finds there, and read the
 * recovered log back batch by batch.
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
     * Read the whole log from offset 0, checking that offsets are dense and that every read
     * succeeds, and hand each batch to {@code check}.
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
     * @return a copy of the payload of the batch at {@code position}.
     */
    static byte[] payload(final DirectBuffer buffer, final int position)
    {
        final byte[] payload = new byte[BatchFrames.payloadLength(buffer, position)];
        buffer.getBytes(BatchFrames.payloadOffset(position), payload);
        return payload;
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
     * Keep a copy of a killed shard where the build leaves it.
     *
     * @param killed the copy taken before recovery.
     * @param name   the evidence's name: the seed and the iteration.
     * @return where it is kept.
     */
    static Path keepAsEvidence(final Path killed, final String name) throws IOException
    {
        return copy(killed, EVIDENCE.resolve(name)).toAbsolutePath();
    }

    static boolean isEmpty(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            return files.findAny().isEmpty();
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
            return out.contains("a temporary file") ? "mid index write" :
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
