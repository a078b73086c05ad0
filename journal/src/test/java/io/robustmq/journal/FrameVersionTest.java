package io.robustmq.journal;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal written before the frame's CRC was split in two (schema version 0: one CRC over
 * everything after it) still opens, checks clean and reads back.
 */
class FrameVersionTest
{
    private static final ShardConfig CONFIG = new ShardConfig(64 * 1024, 1024, Durability.NONE, 1000, 0, 0);

    @TempDir
    Path dir;

    @Test
    void framesOfSchemaVersionZeroAreCheckedAndRead() throws IOException
    {
        final List<Batches.Batch> written = new ArrayList<>();
        try (ShardLog log = ShardLog.open(dir, CONFIG))
        {
            for (int i = 0; i < 20; i++)
            {
                written.add(Batches.append(log, i, 50 + i * 11, 1 + i % 2, i));
            }
        }
        final Path segment = dir.resolve(Segment.fileName(0, Segment.LOG_SUFFIX));
        final byte[] bytes = Files.readAllBytes(segment);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        int position = 0;
        int frames = 0;
        while (BatchFrames.frameLength(buffer, position) > 0)
        {
            final int frameLength = BatchFrames.frameLength(buffer, position);
            buffer.putInt(position + FrameDescriptor.PAYLOAD_CRC_OFFSET, 0);
            buffer.putShort(position + FrameDescriptor.SBE_HEADER_OFFSET + 6, (short)0, ByteOrder.LITTLE_ENDIAN);
            buffer.putShort(position + FrameDescriptor.STAMPED_LENGTH_OFFSET, (short)0, ByteOrder.LITTLE_ENDIAN);
            final CRC32C crc = new CRC32C();
            crc.update(bytes, position + FrameDescriptor.CRC_COVERED_OFFSET, frameLength - FrameDescriptor.CRC_COVERED_OFFSET);
            buffer.putInt(position + FrameDescriptor.CRC_OFFSET, (int)crc.getValue(), ByteOrder.LITTLE_ENDIAN);
            position += FrameDescriptor.alignedLength(frameLength);
            frames++;
        }
        assertEquals(20, frames);
        Files.write(segment, bytes);
        Files.delete(dir.resolve(Checkpoint.FILE_NAME));
        Files.deleteIfExists(Segment.indexFileOf(segment));

        try (ShardLog log = ShardLog.open(dir, CONFIG))
        {
            assertTrue(log.recoveryReport().isClean(), log.recoveryReport().toString());
            assertTrue(log.recoveryReport().checkedBytes() > 0);
            Batches.assertSame(written, Batches.readAll(log, 0, 4096));
            Batches.append(log, 99, 10, 1, 0);
        }
        try (ShardLog log = ShardLog.open(dir, CONFIG))
        {
            assertTrue(log.recoveryReport().isClean(), "old and new frames side by side: " + log.recoveryReport());
            assertEquals(written.get(19).nextOffset() + 1, log.nextOffset());
        }
    }
}
