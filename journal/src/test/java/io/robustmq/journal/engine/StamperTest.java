package io.robustmq.journal.engine;

import io.robustmq.journal.BatchFrames;
import io.robustmq.journal.Durability;
import io.robustmq.journal.FrameDescriptor;
import io.robustmq.journal.FrameStamper;
import io.robustmq.journal.JournalView;
import io.robustmq.journal.ShardConfig;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A shard's stamping hook: it writes into the stored batch as the offset is assigned, may refuse a
 * batch (which then takes no offset), and what it wrote is covered by the frame's CRCs, so that
 * recovery, checking every frame, finds the shard clean.
 */
@Timeout(60)
class StamperTest
{
    private static final int FORMAT = 1;
    private static final int REFUSE = 0xEE;
    private static final int REASON = 150;

    @TempDir
    Path dir;

    private final AppendOutcomes outcomes = new AppendOutcomes();

    /** Kafka-like: a big-endian base offset at 0 and the append time at 8; refuses a marked batch. */
    private static final class OffsetStamper implements FrameStamper
    {
        @Override
        public int stampedBytes()
        {
            return 16;
        }

        @Override
        public int stamp(
            final MutableDirectBuffer buffer,
            final int payloadOffset,
            final int payloadLength,
            final long baseOffset,
            final int recordCount,
            final long appendTimeMs)
        {
            if (payloadLength < 17 || (buffer.getByte(payloadOffset + 16) & 0xFF) == REFUSE)
            {
                return REASON;
            }
            buffer.putLong(payloadOffset, baseOffset, ByteOrder.BIG_ENDIAN);
            buffer.putLong(payloadOffset + 8, appendTimeMs, ByteOrder.BIG_ENDIAN);
            return ACCEPT;
        }
    }

    @Test
    void theStamperWritesTheOffsetRefusesAtomicallyAndRecoveryFindsEveryFrameIntact() throws Exception
    {
        final ShardConfig config = new ShardConfig(1 << 20, 4096, Durability.ALWAYS, 1000, 0, 0);
        final List<byte[]> accepted = new ArrayList<>();
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final int id = journal.registerCompletion(outcomes);
            final JournalShard shard = journal.createShard("stamped", config);
            shard.stamper(FORMAT, new OffsetStamper());
            assertThrows(IllegalStateException.class, () -> shard.stamper(FORMAT, new OffsetStamper()),
                "a format has one stamper for the shard's life");

            long expected = 0;
            for (int i = 0; i < 60; i++)
            {
                final byte[] payload = new byte[100 + i * 13];
                for (int b = 16; b < payload.length; b++)
                {
                    payload[b] = (byte)(i + b);
                }
                final boolean refuse = i % 7 == 3;
                payload[16] = (byte)(refuse ? REFUSE : 1);
                assertEquals(JournalShard.SUBMITTED, shard.append(new UnsafeBuffer(payload), 0, payload.length, 2, i,
                    FORMAT, id, i));
                final long result = outcomes.outcome(i).get(30, TimeUnit.SECONDS);
                if (refuse)
                {
                    assertEquals(-REASON, result, "the stamper's reason reaches the producer");
                    continue;
                }
                assertEquals(expected, result, "a refused batch takes no offset");
                accepted.add(payload);
                expected += 2;
            }

            final JournalView view = new JournalView();
            long offset = 0;
            int index = 0;
            while (shard.read(offset, 1 << 20, 1000, view) > 0)
            {
                final UnsafeBuffer buffer = (UnsafeBuffer)view.buffer();
                for (int at = view.offset(); at < view.offset() + view.length();
                    at += FrameDescriptor.alignedLength(BatchFrames.frameLength(buffer, at)))
                {
                    final int payloadAt = BatchFrames.payloadOffset(at);
                    final byte[] sent = accepted.get(index++);
                    assertEquals(BatchFrames.baseOffset(buffer, at), buffer.getLong(payloadAt, ByteOrder.BIG_ENDIAN));
                    assertTrue(buffer.getLong(payloadAt + 8, ByteOrder.BIG_ENDIAN) > 0, "append time stamped");
                    assertEquals(16, BatchFrames.stampedLength(buffer, at));
                    for (int b = 16; b < sent.length; b++)
                    {
                        assertEquals(sent[b], buffer.getByte(payloadAt + b), "byte " + b + " of batch " + index);
                    }
                }
                offset = view.nextOffset();
                view.release();
            }
            assertEquals(accepted.size(), index);
        }

        Files.delete(dir.resolve("stamped").resolve("checkpoint"));
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir)))
        {
            final JournalShard shard = journal.shard("stamped");
            assertTrue(shard.recoveryReport().isClean(), "every frame's CRCs check out: " + shard.recoveryReport());
            assertEquals(expectedNext(accepted.size()), shard.nextOffset());
            assertTrue(shard.recoveryReport().checkedBytes() > 0, "recovery checked the CRCs");
        }
    }

    private static long expectedNext(final int batches)
    {
        return batches * 2L;
    }
}
