package io.robustmq.kernel.cursor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.config.StorageConfig;
import io.robustmq.kernel.storage.NoTopicsMetadata;
import io.robustmq.kernel.storage.JournalService;
import io.robustmq.plugin.api.cursor.Cursor;
import io.robustmq.plugin.api.cursor.CursorCallback;
import io.robustmq.plugin.api.cursor.CursorStore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;

/**
 * The child JVM of {@link CursorKillTest}: the Journal component (journal, Storage Adapter, cursor
 * store) on a directory, and threads that operate on cursors as fast as they can until the process
 * is killed. Thread {@code t} commits ever larger offsets to the cursor ({@code kafka-t},
 * {@code topic/t}) with metadata {@code m<offset>} and leader epoch {@code offset % 7}, and
 * delivers offsets of ({@code amqp-t}, {@code queue/t}) in order while acknowledging them in random
 * order, 16 at most outstanding (after a restart it first acknowledges what it finds unacknowledged).
 * Each operation's durable completion prints a line:
 * <pre>
 *   open &lt;generation&gt;          once, when the store is ready
 *   d &lt;correlation id&gt; .        per operation reported durable; the id is
 *                                 thread &lt;&lt; 48 | kind &lt;&lt; 44 | offset, kind 1 commit, 2 delivered, 3 acknowledged
 * </pre>
 * A line cut short by the kill has no trailing {@code .}. A failed operation or an error ends the
 * process with status 1. Usage: {@code CursorCrashChild <dir> <seed> <threads>}.
 */
public final class CursorCrashChild
{
    static final int COMMIT = 1;
    static final int DELIVERED = 2;
    static final int ACKNOWLEDGED = 3;
    static final long OFFSET_MASK = (1L << 44) - 1;

    private CursorCrashChild()
    {
    }

    static StorageConfig config(final Path dir) throws IOException
    {
        final Path file = Files.writeString(dir.resolve("server.toml"), """
            [storage]
            segment_bytes = 1048576
            [storage.cursors]
            buffer_bytes = 1048576
            checkpoint_bytes = 16384
            """);
        return ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties())).storage();
    }

    static long correlation(final int thread, final int kind, final long offset)
    {
        return ((long)thread << 48) | ((long)kind << 44) | offset;
    }

    public static void main(final String[] args) throws Exception
    {
        final Path dir = Path.of(args[0]);
        final long seed = Long.parseLong(args[1]);
        final int threads = Integer.parseInt(args[2]);
        final PrintStream out = System.out;
        final JournalService service = JournalService.launch(config(dir), dir.resolve("journal"), new SimpleMeterRegistry(),
            NoTopicsMetadata.create(), 1);
        final CursorStore store = service.cursors();
        final int callbackId = store.register(new CursorCallback()
        {
            @Override
            public void onDurable(final long correlationId)
            {
                out.println("d " + correlationId + " .");
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                System.err.println("operation " + correlationId + " failed: reason " + reason);
                System.exit(1);
            }
        });
        out.println("open " + service.cursors().generation());
        for (int t = 0; t < threads; t++)
        {
            final int thread = t;
            final Thread worker = new Thread(() -> operate(store, callbackId, thread, new Random(seed * 31 + thread)),
                "operator-" + t);
            worker.start();
        }
    }

    private static void operate(final CursorStore store, final int callbackId, final int thread, final Random random)
    {
        try
        {
            final Cursor commits = store.open("kafka-" + thread, "topic/" + thread);
            final Cursor queue = store.open("amqp-" + thread, "queue/" + thread);
            final List<Long> outstanding = new ArrayList<>();
            final long[] found = new long[queue.unacknowledgedCount()];
            final int count = queue.unacknowledged(0, found);
            for (int i = 0; i < count; i++)
            {
                outstanding.add(found[i]);
            }
            long committed = commits.committedOffset();
            while (true)
            {
                final long next = ++committed;
                check(retry(() -> commits.commit(next, (int)(next % 7), "m" + next, callbackId,
                    correlation(thread, COMMIT, next))), "commit");
                if (outstanding.size() < 16)
                {
                    final long offset = queue.deliveredOffset();
                    check(retry(() -> queue.delivered(offset, callbackId, correlation(thread, DELIVERED, offset))), "deliver");
                    outstanding.add(offset);
                }
                if (outstanding.size() >= 16 || random.nextInt(3) == 0)
                {
                    final long offset = outstanding.remove(random.nextInt(outstanding.size()));
                    check(retry(() -> queue.acknowledge(offset, false, callbackId,
                        correlation(thread, ACKNOWLEDGED, offset))), "acknowledge");
                }
            }
        }
        catch (final RuntimeException ex)
        {
            ex.printStackTrace();
            System.exit(1);
        }
    }

    private static int retry(final java.util.function.IntSupplier operation)
    {
        int result;
        while ((result = operation.getAsInt()) == Cursor.BACK_PRESSURED)
        {
            Thread.yield();
        }
        return result;
    }

    private static void check(final int result, final String what)
    {
        if (result != Cursor.OK)
        {
            throw new IllegalStateException(what + " refused: " + result);
        }
    }
}
