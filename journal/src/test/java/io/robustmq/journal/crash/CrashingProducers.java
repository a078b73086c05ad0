package io.robustmq.journal.crash;

import io.robustmq.journal.RecoveryReport;
import io.robustmq.journal.engine.AppendCompletion;
import io.robustmq.journal.engine.Journal;
import io.robustmq.journal.engine.JournalShard;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The child JVM of {@link JournalEngineCrashTest}: launches a {@link Journal} on a root directory,
 * opens (or creates) the shard {@value #SHARD} with {@link CrashBatches#CONFIG} (durability
 * {@code always}, small segments), and runs producer threads that submit {@link ProducerBatches}
 * concurrently until it is killed. The writer completes an append only after the force that made
 * it durable (group commit); the completion, on the writer thread, prints it:
 * <pre>
 *   open &lt;next offset&gt; created|clean|recovered ...    once, before any append
 *   ack &lt;producer&gt; &lt;seq&gt; &lt;base offset&gt; &lt;record count&gt; &lt;forces&gt; &lt;appends&gt; .
 *                                                     per append, in onAppended
 * </pre>
 * {@code forces} and {@code appends} are {@link Journal#forces()} and {@link Journal#appends()} as
 * the writer completes the append. The writer forces the shard once per duty cycle and then
 * completes every append of the cycle, so the appends made durable by the same force print the
 * same {@code forces}: the test sees how many each force carried. The trailing {@code .} marks a
 * whole line: a line cut short by the kill is not an ack.
 * A failed append or any error on the journal's threads goes to stderr and ends the process with
 * status 1.
 * <p>
 * Usage: {@code CrashingProducers <journal-root> <seed> <iteration> <producers>}; the iteration
 * names this child's batches, so it must differ from every earlier child's on the same root.
 */
public final class CrashingProducers
{
    static final String SHARD = "crash";
    /**
     * Small, so that producers are often back-pressured and a force carries tens of appends rather
     * than hundreds (a batch may take an eighth: 32 KiB, more than {@link ProducerBatches} makes).
     */
    static final int RING_BUFFER_BYTES = 256 * 1024;

    private CrashingProducers()
    {
    }

    public static void main(final String[] args)
    {
        final Path root = Path.of(args[0]);
        final long seed = Long.parseLong(args[1]);
        final int iteration = Integer.parseInt(args[2]);
        final int producers = Integer.parseInt(args[3]);
        final PrintStream out = System.out;
        try
        {
            final Journal journal = Journal.launch(new Journal.Context()
                .directory(root)
                .ringBufferBytes(RING_BUFFER_BYTES)
                .errorHandler(CrashingProducers::die));
            final JournalShard existing = journal.shard(SHARD);
            final JournalShard shard = existing != null ? existing : journal.createShard(SHARD, CrashBatches.CONFIG);
            final RecoveryReport report = shard.recoveryReport();
            out.println("open " + shard.nextOffset() + " " +
                (existing == null ? "created" : report.isClean() ? "clean" : "recovered " + report));
            out.flush();
            final int completionId = journal.registerCompletion(new Acks(journal, out, seed, iteration));
            for (int producer = 0; producer < producers; producer++)
            {
                final int id = producer;
                new Thread(() -> produce(shard, completionId, seed, iteration, id), "producer-" + producer).start();
            }
        }
        catch (final RuntimeException ex)
        {
            die(ex);
        }
    }

    private static void produce(
        final JournalShard shard,
        final int completionId,
        final long seed,
        final int iteration,
        final int producer)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[0]);
        for (long sequence = 0; ; sequence++)
        {
            final ProducerBatches.Batch batch = ProducerBatches.of(seed, new ProducerBatches.Name(iteration, producer, sequence));
            payload.wrap(batch.payload());
            int result;
            while ((result = shard.append(payload, 0, batch.payload().length, batch.recordCount(), batch.timestamp(),
                batch.format(), completionId, ProducerBatches.correlationId(producer, sequence))) == JournalShard.BACK_PRESSURED)
            {
                Thread.yield();
            }
            if (result != JournalShard.SUBMITTED)
            {
                die(new IllegalStateException("producer " + producer + " seq " + sequence + ": append returned " + result));
            }
        }
    }

    /**
     * Prints each completed append, on the writer thread, once it is durable.
     */
    private static final class Acks implements AppendCompletion
    {
        private final Journal journal;
        private final PrintStream out;
        private final long seed;
        private final int iteration;
        private final StringBuilder line = new StringBuilder(64);

        Acks(final Journal journal, final PrintStream out, final long seed, final int iteration)
        {
            this.journal = journal;
            this.out = out;
            this.seed = seed;
            this.iteration = iteration;
        }

        @Override
        public void onAppended(final long correlationId, final long baseOffset)
        {
            final int producer = ProducerBatches.producerOf(correlationId);
            final long sequence = ProducerBatches.sequenceOf(correlationId);
            line.setLength(0);
            line.append("ack ").append(producer).append(' ').append(sequence).append(' ').append(baseOffset).append(' ')
                .append(ProducerBatches.recordCount(seed, iteration, producer, sequence)).append(' ')
                .append(journal.forces()).append(' ').append(journal.appends()).append(" .\n");
            out.append(line);
            out.flush();
        }

        @Override
        public void onFailed(final long correlationId, final int reason)
        {
            die(new IllegalStateException("producer " + ProducerBatches.producerOf(correlationId) + " seq " +
                ProducerBatches.sequenceOf(correlationId) + ": append failed, reason " + reason));
        }
    }

    private static void die(final Throwable error)
    {
        error.printStackTrace();
        System.err.flush();
        Runtime.getRuntime().halt(1);
    }
}
