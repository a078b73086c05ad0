package io.robustmq.meta.cluster;

import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.logbuffer.Header;
import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.codecs.CommandResultDecoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.state.MetaCommands;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Sends commands to the Meta Service and completes a future with each result. One thread of its
 * own ({@code robustmq-meta-client}) owns the cluster connection: it sends what callers queue and
 * polls the results, and waits for either as its {@link MetaIdleStrategy} says; a command queued
 * wakes it at once, so the command does not wait out the thread's park. Each command
 * carries this client's id and a fresh request id, so the cluster applies a command once even if it
 * is sent again: commands not yet answered are sent again to each new leader, since a leader that
 * fails may take uncommitted commands with it. The client id is drawn at random when the client
 * is made: request ids restart from 1 in every process, so a client id reused across restarts would
 * make the cluster answer new requests with the outcomes of old ones.
 */
public final class MetaClient implements AutoCloseable
{
    /**
     * A command's outcome.
     *
     * @param code    OK, ALREADY_EXISTS, NOT_FOUND or INVALID.
     * @param message what went wrong, or empty.
     */
    public record Result(ResultCode code, String message)
    {
    }

    private interface Command
    {
        int encode(MetaCommands commands, ExpandableArrayBuffer buffer, long requestId);
    }

    private record Pending(long requestId, Command command)
    {
    }

    private final long clientId;
    private final AeronCluster cluster;
    private final MetaCommands commands = new MetaCommands();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
    private final Queue<Pending> outbox = new ConcurrentLinkedQueue<>();
    private final Map<Long, CompletableFuture<Result>> waiting = new ConcurrentHashMap<>();
    private final java.util.NavigableMap<Long, Pending> inFlight = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile boolean resend;
    private final IdleStrategy idle;
    private final Thread thread;
    private volatile boolean running = true;
    private long nextRequestId;

    private MetaClient(final AeronCluster.Context ctx, final MetaIdleStrategy idleStrategy)
    {
        this.idle = idleStrategy.newIdleStrategy();
        this.clientId = new java.security.SecureRandom().nextLong() & Long.MAX_VALUE;
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final CommandResultDecoder result = new CommandResultDecoder();
        ctx.egressListener(new EgressListener()
        {
            @Override
            public void onMessage(
                final long clusterSessionId,
                final long timestamp,
                final DirectBuffer buffer,
                final int offset,
                final int length,
                final Header aeronHeader)
            {
                header.wrap(buffer, offset);
                if (header.schemaId() == CommandResultDecoder.SCHEMA_ID && header.templateId() == CommandResultDecoder.TEMPLATE_ID)
                {
                    result.wrapAndApplyHeader(buffer, offset, header);
                    final long requestId = result.requestId();
                    final ResultCode code = result.code();
                    if (result.clientId() != MetaClient.this.clientId)
                    {
                        return;
                    }
                    inFlight.remove(requestId);
                    final CompletableFuture<Result> future = waiting.remove(requestId);
                    if (future != null)
                    {
                        future.complete(new Result(code, result.message()));
                    }
                }
            }

            @Override
            public void onNewLeader(
                final long clusterSessionId, final long leadershipTermId, final int leaderMemberId, final String endpoints)
            {
                resend = true;
            }
        });
        this.cluster = AeronCluster.connect(ctx);
        this.thread = new Thread(this::run, "robustmq-meta-client");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /**
     * @param aeronDirectory   the local media driver's directory.
     * @param ingressEndpoints the members' ingress endpoints, {@code id=host:port,...}.
     * @return a connected client whose thread waits as {@link MetaIdleStrategy#DEFAULT} says.
     */
    public static MetaClient connect(final String aeronDirectory, final String ingressEndpoints)
    {
        return connect(aeronDirectory, ingressEndpoints, MetaIdleStrategy.DEFAULT);
    }

    /**
     * @param aeronDirectory   the local media driver's directory.
     * @param ingressEndpoints the members' ingress endpoints, {@code id=host:port,...}.
     * @param idleStrategy     how the client's thread waits for commands to send and results.
     * @return a connected client.
     */
    public static MetaClient connect(
        final String aeronDirectory, final String ingressEndpoints, final MetaIdleStrategy idleStrategy)
    {
        return new MetaClient(new AeronCluster.Context()
            .aeronDirectoryName(aeronDirectory)
            .ingressChannel("aeron:udp")
            .ingressEndpoints(ingressEndpoints)
            .egressChannel("aeron:udp?endpoint=localhost:0"), idleStrategy);
    }

    /**
     * @return this client's id, drawn at random when it was made.
     */
    public long clientId()
    {
        return clientId;
    }

    public CompletableFuture<Result> createTopic(
        final String name,
        final int partitions,
        final String storage,
        final String durability,
        final long retentionMs,
        final long retentionBytes)
    {
        return submit((encoder, out, requestId) -> encoder.createTopic(out, 0, clientId, requestId, name, partitions,
            storage, durability, retentionMs, retentionBytes));
    }

    public CompletableFuture<Result> deleteTopic(final String name)
    {
        return submit((encoder, out, requestId) -> encoder.deleteTopic(out, 0, clientId, requestId, name));
    }

    public CompletableFuture<Result> registerNode(final int nodeId, final String address)
    {
        return submit((encoder, out, requestId) -> encoder.registerNode(out, 0, clientId, requestId, nodeId, address));
    }

    /**
     * Register a consumer group; OK also if it exists for the same protocol.
     */
    public CompletableFuture<Result> registerGroup(final String name, final String protocol)
    {
        return submit((encoder, out, requestId) -> encoder.registerGroup(out, 0, clientId, requestId, name, protocol));
    }

    public CompletableFuture<Result> deleteGroup(final String name)
    {
        return submit((encoder, out, requestId) -> encoder.deleteGroup(out, 0, clientId, requestId, name));
    }

    /**
     * Create a user or replace its credentials (derive them with {@link io.robustmq.meta.auth.Scram}).
     */
    public CompletableFuture<Result> putUser(final String name, final java.util.List<ScramCredential> credentials)
    {
        final java.util.List<ScramCredential> copy = java.util.List.copyOf(credentials);
        return submit((encoder, out, requestId) -> encoder.putUser(out, 0, clientId, requestId, name, copy));
    }

    public CompletableFuture<Result> deleteUser(final String name)
    {
        return submit((encoder, out, requestId) -> encoder.deleteUser(out, 0, clientId, requestId, name));
    }

    public CompletableFuture<Result> addAcl(final AclRule rule)
    {
        return submit((encoder, out, requestId) -> encoder.addAcl(out, 0, clientId, requestId, rule));
    }

    public CompletableFuture<Result> removeAcl(final AclRule rule)
    {
        return submit((encoder, out, requestId) -> encoder.removeAcl(out, 0, clientId, requestId, rule));
    }

    /**
     * @param value empty to restore the default.
     */
    public CompletableFuture<Result> setClusterConfig(final String key, final String value)
    {
        return submit((encoder, out, requestId) -> encoder.setClusterConfig(out, 0, clientId, requestId, key, value));
    }

    /**
     * Tell the cluster this node is alive; no answer is sent.
     *
     * @param nodeId the node's id.
     */
    public void heartbeat(final int nodeId)
    {
        outbox.add(new Pending(0, (encoder, out, requestId) -> encoder.heartbeat(out, 0, nodeId)));
        LockSupport.unpark(thread);
    }

    private synchronized CompletableFuture<Result> submit(final Command command)
    {
        final long requestId = ++nextRequestId;
        final CompletableFuture<Result> future = new CompletableFuture<>();
        waiting.put(requestId, future);
        final Pending pending = new Pending(requestId, command);
        inFlight.put(requestId, pending);
        outbox.add(pending);
        LockSupport.unpark(thread);
        return future;
    }

    private void run()
    {
        while (running)
        {
            int work = cluster.pollEgress();
            if (resend)
            {
                resend = false;
                for (final Pending again : inFlight.values())
                {
                    send(again);
                }
            }
            Pending pending;
            while ((pending = outbox.poll()) != null)
            {
                send(pending);
                work++;
            }
            idle.idle(work);
        }
    }

    private void send(final Pending pending)
    {
        final int length = pending.command().encode(commands, buffer, pending.requestId());
        while (running && cluster.offer(buffer, 0, length) < 0)
        {
            idle.idle(cluster.pollEgress());
        }
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(5000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        cluster.close();
    }
}
