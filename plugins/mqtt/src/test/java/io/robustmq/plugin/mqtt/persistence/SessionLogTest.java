package io.robustmq.plugin.mqtt.persistence;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionLogTest
{
    private final List<SessionLog> open = new ArrayList<>();

    @AfterEach
    void closeLogs()
    {
        open.forEach(SessionLog::close);
    }

    private SessionLog open(final MemoryShards shards, final List<LogRecord> replayed)
    {
        final SessionLog log = SessionLog.open(shards, replayed::add);
        open.add(log);
        return log;
    }

    private static void stored(final SessionLog log) throws Exception
    {
        final CompletableFuture<String> outcome = new CompletableFuture<>();
        log.append(new LogRecord.Barrier(), completion(outcome));
        assertEquals("stored", outcome.get(10, TimeUnit.SECONDS));
    }

    private static SessionLog.Completion completion(final CompletableFuture<String> outcome)
    {
        return new SessionLog.Completion()
        {
            @Override
            public void stored()
            {
                outcome.complete("stored");
            }

            @Override
            public void failed(final String why)
            {
                outcome.complete("failed: " + why);
            }
        };
    }

    /**
     * @return a state that announces nothing and captures as given.
     */
    private static SessionLog.StateSource state(final java.util.function.Consumer<java.util.function.Consumer<LogRecord>> capture)
    {
        return new SessionLog.StateSource()
        {
            @Override
            public void announce(final java.util.function.Consumer<LogRecord> sink)
            {
            }

            @Override
            public void capture(final java.util.function.Consumer<LogRecord> sink)
            {
                capture.accept(sink);
            }
        };
    }

    private static List<LogRecord> withoutMarkers(final List<LogRecord> records)
    {
        return records.stream().filter(record -> !(record instanceof LogRecord.Barrier) &&
            !(record instanceof LogRecord.Sealed) && !(record instanceof LogRecord.CheckpointEnd)).toList();
    }

    @Test
    void recordsComeBackInOrderWhenTheLogIsOpenedAgain() throws Exception
    {
        final MemoryShards shards = new MemoryShards(1 << 20);
        final SessionLog log = open(shards, new ArrayList<>());
        final List<LogRecord> written = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            final LogRecord record = i % 2 == 0 ? new LogRecord.SessionOpened("c" + i, i) :
                new LogRecord.Acknowledged("c" + i, i);
            written.add(record);
            log.append(record);
        }
        stored(log);
        log.close();

        final List<LogRecord> replayed = new ArrayList<>();
        open(shards, replayed);
        assertEquals(written, withoutMarkers(replayed));
    }

    @Test
    void aBackPressuredAppendIsRetriedAndLosesNothing() throws Exception
    {
        final MemoryShards shards = new MemoryShards(1 << 20);
        final SessionLog log = open(shards, new ArrayList<>());
        shards.backPressure(5);
        log.append(new LogRecord.SessionOpened("a", 1));
        log.append(new LogRecord.SessionOpened("b", 2));
        stored(log);
        log.close();

        final List<LogRecord> replayed = new ArrayList<>();
        open(shards, replayed);
        assertEquals(List.of(new LogRecord.SessionOpened("a", 1), new LogRecord.SessionOpened("b", 2)),
            withoutMarkers(replayed));
    }

    @Test
    void aRecordLargerThanABatchFailsAloneAndTheOthersAreStored() throws Exception
    {
        final MemoryShards shards = new MemoryShards(512);
        final SessionLog log = open(shards, new ArrayList<>());
        final CompletableFuture<String> large = new CompletableFuture<>();
        log.append(new LogRecord.SessionOpened("before", 1));
        log.append(new LogRecord.SessionOpened("x".repeat(1000), 1), completion(large));
        log.append(new LogRecord.SessionOpened("after", 1));
        assertTrue(large.get(10, TimeUnit.SECONDS).startsWith("failed"), large.get());
        stored(log);
        log.close();

        final List<LogRecord> replayed = new ArrayList<>();
        open(shards, replayed);
        assertEquals(List.of(new LogRecord.SessionOpened("before", 1), new LogRecord.SessionOpened("after", 1)),
            withoutMarkers(replayed));
    }

    @Test
    void aCheckpointMovesTheStateToANewGenerationAndDeletesTheOld() throws Exception
    {
        final MemoryShards shards = new MemoryShards(1 << 20);
        final SessionLog log = open(shards, new ArrayList<>());
        for (int i = 0; i < 100; i++)
        {
            log.append(new LogRecord.SessionOpened("churn", i));
        }
        stored(log);
        assertEquals(1, log.generation());

        log.checkpoint(state(sink -> sink.accept(new LogRecord.SessionOpened("churn", 99))));
        log.append(new LogRecord.SessionLeft("churn", 99, 5));
        stored(log);
        assertEquals(2, log.generation());
        assertEquals(List.of(SessionLog.SHARD_PREFIX + 2), shards.listPrivate(), "the first generation is deleted");
        assertTrue(log.bytesSinceCheckpoint() < 100, "the checkpoint's own records do not count towards the next: " +
            log.bytesSinceCheckpoint());
        log.close();

        final List<LogRecord> replayed = new ArrayList<>();
        open(shards, replayed);
        assertEquals(List.of(new LogRecord.SessionOpened("churn", 99), new LogRecord.SessionLeft("churn", 99, 5)),
            withoutMarkers(replayed));
    }

    @Test
    void aCheckpointThatFailsKeepsTheOldGenerationAndBothAreReplayedOldestFirst() throws Exception
    {
        final MemoryShards shards = new MemoryShards(1 << 20);
        final SessionLog log = open(shards, new ArrayList<>());
        log.append(new LogRecord.SessionOpened("a", 1));
        stored(log);
        try
        {
            log.checkpoint(state(sink ->
            {
                throw new IllegalStateException("the capture fails half-way");
            }));
        }
        catch (final IllegalStateException expected)
        {
            // As a node stopped mid-checkpoint would leave it: a new generation without its end.
        }
        log.append(new LogRecord.SessionOpened("b", 2));
        stored(log);
        assertEquals(List.of(SessionLog.SHARD_PREFIX + 1, SessionLog.SHARD_PREFIX + 2), shards.listPrivate());
        log.close();

        final List<LogRecord> replayed = new ArrayList<>();
        final SessionLog reopened = open(shards, replayed);
        assertEquals(List.of(new LogRecord.SessionOpened("a", 1), new LogRecord.SessionOpened("b", 2)),
            withoutMarkers(replayed));
        assertEquals(2, reopened.generation(), "it goes on writing the newest");

        reopened.checkpoint(state(sink -> sink.accept(new LogRecord.SessionOpened("b", 2))));
        assertEquals(List.of(SessionLog.SHARD_PREFIX + 3), shards.listPrivate(), "a checkpoint that completes deletes both");
    }

    @Test
    void generationsAnEarlierVersionWroteAreAdoptedAndReplayed() throws Exception
    {
        final MemoryShards shards = new MemoryShards(1 << 20);
        final SessionLog log = open(shards, new ArrayList<>());
        log.append(new LogRecord.SessionOpened("old", 7));
        stored(log);
        log.close();
        shards.makeLegacy(SessionLog.SHARD_PREFIX + 1);
        shards.openPrivate("unrelated");
        shards.makeLegacy("unrelated");
        assertEquals(List.of(), shards.listPrivate(), "nothing private until adopted");

        final List<LogRecord> replayed = new ArrayList<>();
        final SessionLog reopened = open(shards, replayed);
        assertEquals(List.of(new LogRecord.SessionOpened("old", 7)), withoutMarkers(replayed));
        assertEquals(1, reopened.generation(), "it goes on writing the adopted generation");
        assertEquals(List.of(SessionLog.SHARD_PREFIX + 1), shards.listPrivate(), "only the session log's shards");
    }
}
