package io.robustmq.journal.crash;

import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.ShardLog;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * The child JVM of {@link JournalCrashTest}: opens a shard with {@link CrashBatches#CONFIG}
 * (durability {@code always}) and appends {@link CrashBatches} until it is killed. It appends a
 * group of 1 to 3 batches, forces them to the device, and only then acknowledges each on stdout.
 * <pre>
 *   open &lt;next offset&gt; clean|recovered     once, after ShardLog.open
 *   ack &lt;base offset&gt; &lt;record count&gt; .      per batch, after the force that made it durable
 * </pre>
 * The trailing {@code .} marks a whole line: a line cut short by the kill is not an ack. Anything
 * unexpected goes to stderr and ends the process with status 1.
 * <p>
 * Usage: {@code CrashingWriter <shard-dir> <seed>}.
 */
public final class CrashingWriter
{
    private CrashingWriter()
    {
    }

    public static void main(final String[] args)
    {
        final Path dir = Path.of(args[0]);
        final long seed = Long.parseLong(args[1]);
        final PrintStream out = System.out;
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[0]);
        final StringBuilder acks = new StringBuilder();
        try (ShardLog log = ShardLog.open(dir, CrashBatches.CONFIG))
        {
            final RecoveryReport report = log.recoveryReport();
            out.println("open " + log.nextOffset() + " " + (report.isClean() ? "clean" : "recovered " + report));
            out.flush();
            final SplittableRandom groups = new SplittableRandom(seed ^ log.nextOffset());
            while (true)
            {
                acks.setLength(0);
                final int groupSize = 1 + groups.nextInt(3);
                for (int i = 0; i < groupSize; i++)
                {
                    final CrashBatches.Batch batch = CrashBatches.at(seed, log.nextOffset());
                    payload.wrap(batch.payload());
                    final long base = log.append(payload, 0, batch.payload().length, batch.recordCount(),
                        batch.timestamp(), batch.format());
                    if (base != batch.baseOffset())
                    {
                        throw new IllegalStateException("appended at " + base + ", expected " + batch.baseOffset());
                    }
                    acks.append("ack ").append(base).append(' ').append(batch.recordCount()).append(" .\n");
                }
                log.force();
                out.print(acks);
                out.flush();
            }
        }
        catch (final RuntimeException ex)
        {
            ex.printStackTrace();
            System.exit(1);
        }
    }
}
