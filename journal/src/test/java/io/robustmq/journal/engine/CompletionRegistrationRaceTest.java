package io.robustmq.journal.engine;

import io.robustmq.journal.Durability;
import io.robustmq.journal.ShardConfig;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An append that names a completion registered while the writer is in a duty cycle completes. It
 * once was dropped: {@link JournalShard#append} checks the completion id against the current
 * table, but the writer looks it up in the table it took at the start of its cycle, so the look-up
 * throws {@link ArrayIndexOutOfBoundsException}; the ring buffer has already consumed the request,
 * so the batch was never appended and its completion was told neither {@code onAppended} nor
 * {@code onFailed}. The writer now refreshes its table when a request names a newer completion.
 * <p>
 * To hit the window every time, the registration and the append happen inside a completion of the
 * same cycle, which the writer calls from within its ring-buffer read: any thread registering and
 * appending while the writer is between taking its table and reading that append does the same.
 */
@Timeout(30)
class CompletionRegistrationRaceTest
{
    @TempDir
    Path dir;

    @Test
    void anAppendNamingACompletionRegisteredDuringADutyCycleCompletes() throws Exception
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final CountDownLatch lateCompleted = new CountDownLatch(1);
        final AppendCompletion late = new AppendCompletion()
        {
            @Override
            public void onAppended(final long correlationId, final long baseOffset)
            {
                lateCompleted.countDown();
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                lateCompleted.countDown();
            }
        };
        try (Journal journal = Journal.launch(new Journal.Context().directory(dir).errorHandler(errors::add)))
        {
            final JournalShard shard = journal.createShard("race", new ShardConfig(64 * 1024, 1024, Durability.NONE, 1000, 0, 0));
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            final int first = journal.registerCompletion(new AppendCompletion()
            {
                @Override
                public void onAppended(final long correlationId, final long baseOffset)
                {
                    final int lateId = journal.registerCompletion(late);
                    assertEquals(JournalShard.SUBMITTED, shard.append(payload, 0, 16, 1, 0, 0, lateId, 2));
                }

                @Override
                public void onFailed(final long correlationId, final int reason)
                {
                }
            });
            assertEquals(JournalShard.SUBMITTED, shard.append(payload, 0, 16, 1, 0, 0, first, 1));
            assertTrue(lateCompleted.await(5, TimeUnit.SECONDS), "the append naming the late completion is completed " +
                "(appended or failed); errors on the writer: " + errors);
            assertEquals(List.of(), errors);
            assertEquals(2, shard.nextOffset());
        }
    }
}
