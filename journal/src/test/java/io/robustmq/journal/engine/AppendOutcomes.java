package io.robustmq.journal.engine;

import org.agrona.concurrent.UnsafeBuffer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A completion that keeps each append's outcome by correlation id: its base offset, or minus its
 * failure reason; and an append of a 100-byte batch that waits for it.
 */
final class AppendOutcomes implements AppendCompletion
{
    private final Map<Long, CompletableFuture<Long>> outcomes = new ConcurrentHashMap<>();

    CompletableFuture<Long> outcome(final long correlationId)
    {
        return outcomes.computeIfAbsent(correlationId, id -> new CompletableFuture<>());
    }

    @Override
    public void onAppended(final long correlationId, final long baseOffset)
    {
        outcome(correlationId).complete(baseOffset);
    }

    @Override
    public void onFailed(final long correlationId, final int reason)
    {
        outcome(correlationId).complete((long)-reason);
    }

    /**
     * Append a 100-byte batch holding the correlation id and wait up to 30 s for its outcome.
     *
     * @return its base offset, or minus the reason it failed.
     */
    long append(final JournalShard shard, final int completionId, final long correlationId) throws Exception
    {
        final byte[] payload = new byte[100];
        new UnsafeBuffer(payload).putLong(0, correlationId);
        assertEquals(JournalShard.SUBMITTED,
            shard.append(new UnsafeBuffer(payload), 0, payload.length, 1, 0, 0, completionId, correlationId));
        return outcome(correlationId).get(30, TimeUnit.SECONDS);
    }
}
