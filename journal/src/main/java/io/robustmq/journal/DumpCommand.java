package io.robustmq.journal;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code journal-tool dump}: one line per frame, oldest first, in every segment. Lines about
 * something other than a frame (an offset that does not follow, the place where a segment stops
 * being readable, the total) start with {@code #}.
 */
final class DumpCommand
{
    /** Payload bytes shown with {@code --payload}. */
    static final int PAYLOAD_BYTES_SHOWN = 32;
    static final String HEADER = String.format("%-24s %10s %12s %7s %14s %6s %10s %10s %3s",
        "segment", "position", "base_offset", "records", "max_timestamp", "format", "payload", "frame", "crc");

    private final long fromOffset;
    private final long limit;
    private final boolean payload;
    private final HexFormat hex = HexFormat.of();
    private long shown;

    /**
     * @param fromOffset start at the batch holding this offset.
     * @param limit      print at most this many frames.
     * @param payload    add the first payload bytes in hex.
     */
    DumpCommand(final long fromOffset, final long limit, final boolean payload)
    {
        this.fromOffset = fromOffset;
        this.limit = limit;
        this.payload = payload;
    }

    int run(final ShardFiles shard, final PrintStream out) throws IOException
    {
        out.println(payload ? HEADER + "  payload_hex" : HEADER);
        final List<Path> files = shard.segments();
        for (int i = 0; i < files.size() && shown < limit; i++)
        {
            if (i + 1 < files.size() && Segment.parseBaseOffset(files.get(i + 1)) <= fromOffset)
            {
                continue;
            }
            try (ReadOnlySegment segment = ReadOnlySegment.map(files.get(i)))
            {
                dump(segment, out);
            }
        }
        out.println("# " + shown + (shown == 1 ? " frame" : " frames") + (shown == limit ? " (the limit)" : ""));
        return JournalTool.OK;
    }

    private void dump(final ReadOnlySegment segment, final PrintStream out)
    {
        final FrameScanner frames = new FrameScanner(segment);
        while (shown < limit && frames.next())
        {
            if (frames.baseOffset() + frames.recordCount() <= fromOffset && frames.crcOk())
            {
                continue;
            }
            if (!frames.offsetFollows())
            {
                out.printf("# %s at %d: %s: expected %d%n", segment.name(), frames.position(),
                    BatchFrames.describe(BatchFrames.OFFSET_MISMATCH), frames.expectedBaseOffset());
            }
            out.print(String.format("%-24s %10d %12d %7d %14s %6d %10d %10d %3s", segment.name(), frames.position(),
                frames.baseOffset(), frames.recordCount(), JournalTool.timestamp(frames.maxTimestampOfFrame()),
                frames.format(), frames.payloadLength(), frames.frameLength(), frames.crcOk() ? "ok" : "BAD"));
            if (payload)
            {
                out.print("  " + payloadHex(frames));
            }
            out.println();
            shown++;
        }
        if (shown < limit && frames.stopResult() != BatchFrames.END)
        {
            out.printf("# %s at %d: %s: the rest of the segment cannot be read as frames%n", segment.name(),
                frames.endPosition(), BatchFrames.describe(frames.stopResult()));
        }
    }

    private String payloadHex(final FrameScanner frames)
    {
        final int length = Math.min(PAYLOAD_BYTES_SHOWN, frames.payloadLength());
        if (length == 0)
        {
            return "-";
        }
        final byte[] bytes = new byte[length];
        frames.segment().buffer().getBytes(BatchFrames.payloadOffset(frames.position()), bytes);
        return hex.formatHex(bytes) + (frames.payloadLength() > length ? "..." : "");
    }
}
