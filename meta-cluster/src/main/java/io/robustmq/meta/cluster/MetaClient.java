package io.robustmq.meta.cluster;

import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import io.aeron.cluster.client.EgressListener;
import io.aeron.logbuffer.Header;
import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.codecs.CommandResultDecoder;
import io.robustmq.meta.codecs.MessageHeaderDecoder;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.state.MetaCommands;
import io.robustmq.meta.state.MetaState;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.IdleStrategy;

import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

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
 * <p>
 * When its session ends (the cluster closed it after a timeout, or restarted), the client connects
 * again, with a new session and the same client id, and sends again every command still
 * unanswered; a failed attempt is retried every {@link #RECONNECT_BACKOFF_MS} ms until the client is
 * closed. A command unanswered for {@link #RESEND_AFTER_MS} is sent again on the same session (a
 * result the leader had to drop); one still unanswered {@link #GIVE_UP_AFTER_DEADLINE_MS} after its
 * deadline fails. A command is forgotten as soon as its future completes, however it completes (a
 * caller's {@code orTimeout} included), so nothing it gave up on is sent again.
 */
public final class MetaClient implements AutoCloseable
{
    /**
     * A command's outcome.
     *
     * @param code          OK, ALREADY_EXISTS, NOT_FOUND, INVALID, CONFLICT or EXPIRED.
     * @param message       what went wrong, or empty.
     * @param objectVersion for a PutObject applied, the version the object was stored at; else 0.
     * @param logPosition   the log position of the command answered: a member's view whose
     *                      {@link MetaClusteredService.View#appliedPosition()} reaches it shows the
     *                      outcome; 0 for a command refused without being sent.
     */
    public record Result(ResultCode code, String message, long objectVersion, long logPosition)
    {
        /**
         * @param code    the outcome.
         * @param message what went wrong, or empty.
         */
        public Result(final ResultCode code, final String message)
        {
            this(code, message, 0, 0);
        }
    }

    private interface Command
    {
        int encode(MetaCommands commands, ExpandableArrayBuffer buffer, int offset, long requestId);
    }

    /** A command and, for the client's thread only, when it was last sent. */
    private static final class Pending
    {
        final long requestId;
        final long deadlineMs;
        final Command command;
        long lastSentNs;

        /**
         * @param requestId  0 for a heartbeat (no answer, no deadline).
         * @param deadlineMs cluster time after which the cluster must not apply it.
         * @param command    how to encode it.
         */
        Pending(final long requestId, final long deadlineMs, final Command command)
        {
            this.requestId = requestId;
            this.deadlineMs = deadlineMs;
            this.command = command;
            this.lastSentNs = System.nanoTime();
        }

        long requestId()
        {
            return requestId;
        }
    }

    /**
     * Every command carries a deadline this long after it was asked for: the cluster refuses it
     * (EXPIRED), and does not apply it, if it reaches it later. Callers that wait longer (the
     * kernel's metadata writes wait 30 s) are told either the outcome or EXPIRED, which means "not
     * applied", unless the cluster cannot be reached at all.
     */
    public static final long COMMAND_TIMEOUT_MS = 25_000;

    /** How long the client waits between failed attempts to connect again. */
    public static final long RECONNECT_BACKOFF_MS = 200;
    /**
     * A command unanswered this long is sent again on the same session: the leader drops a result
     * its client cannot take at once (see {@link MetaClusteredService}), and the cluster answers a
     * command sent again with its first outcome (or EXPIRED), without applying it twice.
     */
    public static final long RESEND_AFTER_MS = 1_000;
    /**
     * A command still unanswered this long after its deadline fails with a
     * {@link java.util.concurrent.TimeoutException} (the cluster could not be reached to ask), and is
     * forgotten.
     */
    public static final long GIVE_UP_AFTER_DEADLINE_MS = 5_000;
    /** With nothing to send for this long, the client tells the cluster it is alive (its session times out after 10 s). */
    public static final long KEEP_ALIVE_INTERVAL_MS = 1_000;
    /**
     * With nothing in flight and nothing to send, the client's thread parks this long (or until a
     * caller hands it a command or a heartbeat, which wakes it) instead of polling for results as
     * its idle strategy says: an idle node's client costs next to nothing, and a command is sent
     * the moment it is asked for.
     */
    public static final long QUIET_PARK_MS = 10;
    /**
     * The longest command the client sends, its deadline included: a plugin's object of 64 KiB with
     * the longest names fits. The client's ingress terms ({@link #INGRESS_CHANNEL}) take messages
     * of up to 128 KiB, and so does the cluster log ({@link MetaClusterMember}), which adds its own
     * header to each: this leaves that room. A longer command is refused INVALID, unsent.
     */
    public static final int MAX_COMMAND_LENGTH = 96 * 1024;
    /** Where commands go: terms of 1 MiB, whose largest message is 128 KiB (an eighth). */
    static final String INGRESS_CHANNEL = "aeron:udp?term-length=1m";

    private final long clientId;
    private final Supplier<AeronCluster.Context> contexts;
    private final EgressListener listener;
    private AeronCluster cluster;
    private final AtomicLong reconnects = new AtomicLong();
    private final MetaCommands commands = new MetaCommands();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(512);
    private final Queue<Pending> outbox = new ConcurrentLinkedQueue<>();
    private final Map<Long, CompletableFuture<Result>> waiting = new ConcurrentHashMap<>();
    private final java.util.NavigableMap<Long, Pending> inFlight = new java.util.concurrent.ConcurrentSkipListMap<>();
    private volatile boolean resend;
    private long lastResendScanNs;
    private long lastSendNs;
    /** The latest heartbeat asked for, sent once when the client next runs: heartbeats never queue. */
    private volatile int heartbeatNodeId;
    private volatile boolean heartbeatDue;
    private final Pending heartbeat = new Pending(0, 0, (encoder, out, at, requestId) ->
        encoder.heartbeat(out, at, heartbeatNodeId));
    private final IdleStrategy idle;
    private final Thread thread;
    private volatile boolean running = true;
    private long nextRequestId;

    private MetaClient(final Supplier<AeronCluster.Context> contexts, final MetaIdleStrategy idleStrategy)
    {
        this.contexts = contexts;
        this.idle = idleStrategy.newIdleStrategy();
        this.clientId = new java.security.SecureRandom().nextLong() & Long.MAX_VALUE;
        final MessageHeaderDecoder header = new MessageHeaderDecoder();
        final CommandResultDecoder result = new CommandResultDecoder();
        this.listener = new EgressListener()
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
                    // Absent from a member of schema version 3: none.
                    final long objectVersion =
                        result.objectVersion() == CommandResultDecoder.objectVersionNullValue() ? 0 :
                        result.objectVersion();
                    final long logPosition =
                        result.logPosition() == CommandResultDecoder.logPositionNullValue() ? 0 : result.logPosition();
                    inFlight.remove(requestId);
                    final CompletableFuture<Result> future = waiting.remove(requestId);
                    if (future != null)
                    {
                        future.complete(new Result(code, result.message(), objectVersion, logPosition));
                    }
                }
            }

            @Override
            public void onNewLeader(
                final long clusterSessionId, final long leadershipTermId, final int leaderMemberId, final String endpoints)
            {
                resend = true;
            }
        };
        this.cluster = AeronCluster.connect(contexts.get().egressListener(listener));
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
        return connect(aeronDirectory, ingressEndpoints, idleStrategy, "aeron:udp?endpoint=localhost:0");
    }

    /**
     * @param egressChannel where results come back (a test narrows its windows).
     */
    static MetaClient connect(
        final String aeronDirectory,
        final String ingressEndpoints,
        final MetaIdleStrategy idleStrategy,
        final String egressChannel)
    {
        // Aeron's default error handler exits the JVM when the media driver stops answering: here
        // that is a cluster restarting, and the client connects again (the error is printed).
        return new MetaClient(() -> new AeronCluster.Context()
            .errorHandler(MetaClient::onClusterError)
            .aeronDirectoryName(aeronDirectory)
            .ingressChannel(INGRESS_CHANNEL)
            .ingressEndpoints(ingressEndpoints)
            .egressChannel(egressChannel), idleStrategy);
    }

    private static void onClusterError(final Throwable error)
    {
        System.err.println("robustmq-meta-client: " + error + " (the client connects again)");
    }

    /**
     * @return this client's id, drawn at random when it was made.
     */
    public long clientId()
    {
        return clientId;
    }

    /**
     * @return how many times the client has connected again after its session ended.
     */
    public long reconnects()
    {
        return reconnects.get();
    }

    public CompletableFuture<Result> createTopic(
        final String name,
        final int partitions,
        final String storage,
        final String durability,
        final long retentionMs,
        final long retentionBytes)
    {
        return createTopic(name, partitions, storage, durability, retentionMs, retentionBytes, 0);
    }

    /**
     * @param segmentBytes the topic's journal segment size; 0 for the node's default.
     */
    public CompletableFuture<Result> createTopic(
        final String name,
        final int partitions,
        final String storage,
        final String durability,
        final long retentionMs,
        final long retentionBytes,
        final int segmentBytes)
    {
        return createTopic(name, partitions, storage, durability, retentionMs, retentionBytes, segmentBytes,
            MetaState.NO_PREFERRED_LEADER);
    }

    /**
     * @param segmentBytes    the topic's journal segment size; 0 for the node's default.
     * @param preferredLeader the node to lead the topic's partition 0 if it is up (partition 1 the next
     *                        node up, ...), or {@link MetaState#NO_PREFERRED_LEADER} for round robin.
     */
    public CompletableFuture<Result> createTopic(
        final String name,
        final int partitions,
        final String storage,
        final String durability,
        final long retentionMs,
        final long retentionBytes,
        final int segmentBytes,
        final int preferredLeader)
    {
        return submit((encoder, out, at, requestId) -> encoder.createTopic(out, at, clientId, requestId, name, partitions,
            storage, durability, retentionMs, retentionBytes, segmentBytes, preferredLeader));
    }

    public CompletableFuture<Result> deleteTopic(final String name)
    {
        return submit((encoder, out, at, requestId) -> encoder.deleteTopic(out, at, clientId, requestId, name));
    }

    public CompletableFuture<Result> registerNode(final int nodeId, final String address)
    {
        return submit((encoder, out, at, requestId) -> encoder.registerNode(out, at, clientId, requestId, nodeId, address));
    }

    /**
     * Change a topic; {@link io.robustmq.meta.state.MetaState#UNCHANGED} leaves a field as it is.
     */
    public CompletableFuture<Result> alterTopic(
        final String name, final int partitions, final long retentionMs, final long retentionBytes,
        final int segmentBytes)
    {
        return submit((encoder, out, at, requestId) -> encoder.alterTopic(out, at, clientId, requestId, name, partitions,
            retentionMs, retentionBytes, segmentBytes));
    }

    /**
     * Say where a registered node's listeners are reached.
     *
     * @param endpoints as {@link io.robustmq.meta.state.NodeEndpoints} encodes them.
     */
    public CompletableFuture<Result> nodeEndpoints(final int nodeId, final String endpoints)
    {
        return submit((encoder, out, at, requestId) -> encoder.nodeEndpoints(out, at, clientId, requestId, nodeId,
            endpoints));
    }

    /**
     * Register a consumer group; OK also if it exists for the same protocol.
     */
    public CompletableFuture<Result> registerGroup(final String name, final String protocol)
    {
        return submit((encoder, out, at, requestId) -> encoder.registerGroup(out, at, clientId, requestId, name, protocol));
    }

    public CompletableFuture<Result> deleteGroup(final String name)
    {
        return submit((encoder, out, at, requestId) -> encoder.deleteGroup(out, at, clientId, requestId, name));
    }

    /**
     * Create a user or replace its credentials (derive them with {@link io.robustmq.meta.auth.Scram}).
     */
    public CompletableFuture<Result> putUser(final String name, final java.util.List<ScramCredential> credentials)
    {
        final java.util.List<ScramCredential> copy = java.util.List.copyOf(credentials);
        return submit((encoder, out, at, requestId) -> encoder.putUser(out, at, clientId, requestId, name, copy));
    }

    public CompletableFuture<Result> deleteUser(final String name)
    {
        return submit((encoder, out, at, requestId) -> encoder.deleteUser(out, at, clientId, requestId, name));
    }

    public CompletableFuture<Result> addAcl(final AclRule rule)
    {
        return submit((encoder, out, at, requestId) -> encoder.addAcl(out, at, clientId, requestId, rule));
    }

    public CompletableFuture<Result> removeAcl(final AclRule rule)
    {
        return submit((encoder, out, at, requestId) -> encoder.removeAcl(out, at, clientId, requestId, rule));
    }

    /**
     * @param value empty to restore the default.
     */
    public CompletableFuture<Result> setClusterConfig(final String key, final String value)
    {
        return submit((encoder, out, at, requestId) -> encoder.setClusterConfig(out, at, clientId, requestId, key, value));
    }

    /**
     * Create or replace a plugin's control-plane object; OK's {@link Result#objectVersion()} is the
     * version it was stored at.
     *
     * @param value           copied at once.
     * @param expectedVersion 0: it must not exist; -1: any; n: it must be at version n.
     */
    public CompletableFuture<Result> putObject(
        final String owner, final String kind, final String name, final byte[] value, final long expectedVersion)
    {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        final byte[] copy = value.clone();
        return submit((encoder, out, at, requestId) -> encoder.putObject(out, at, clientId, requestId, owner, kind, name,
            copy, expectedVersion));
    }

    /**
     * Delete a plugin's control-plane object.
     *
     * @param expectedVersion -1: any; n: it must be at version n.
     */
    public CompletableFuture<Result> deleteObject(
        final String owner, final String kind, final String name, final long expectedVersion)
    {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        return submit((encoder, out, at, requestId) -> encoder.deleteObject(out, at, clientId, requestId, owner, kind,
            name, expectedVersion));
    }

    /**
     * Tell the cluster this node is alive; no answer is sent.
     *
     * @param nodeId the node's id.
     */
    public void heartbeat(final int nodeId)
    {
        heartbeatNodeId = nodeId;
        heartbeatDue = true;
        LockSupport.unpark(thread);
    }

    private synchronized CompletableFuture<Result> submit(final Command command)
    {
        final long requestId = ++nextRequestId;
        final CompletableFuture<Result> future = new CompletableFuture<>();
        waiting.put(requestId, future);
        final Pending pending = new Pending(requestId, System.currentTimeMillis() + COMMAND_TIMEOUT_MS, command);
        inFlight.put(requestId, pending);
        future.whenComplete((result, failure) ->
        {
            waiting.remove(requestId);
            inFlight.remove(requestId);
        });
        outbox.add(pending);
        LockSupport.unpark(thread);
        return future;
    }

    private void run()
    {
        while (running)
        {
            if (cluster == null || cluster.isClosed())
            {
                connectAgain();
                continue;
            }
            int work;
            try
            {
                work = cluster.pollEgress();
            }
            catch (final RuntimeException ex)
            {
                // The session or its connection is gone: connect again.
                CloseHelper.quietClose(cluster);
                cluster = null;
                continue;
            }
            if (resend)
            {
                resend = false;
                for (final Pending again : inFlight.values())
                {
                    send(again);
                }
            }
            work += sendAgainOrGiveUp();
            if (System.nanoTime() - lastSendNs > TimeUnit.MILLISECONDS.toNanos(KEEP_ALIVE_INTERVAL_MS) &&
                cluster.sendKeepAlive())
            {
                lastSendNs = System.nanoTime();
            }
            if (heartbeatDue)
            {
                heartbeatDue = false;
                send(heartbeat);
                work++;
            }
            Pending pending;
            while ((pending = outbox.poll()) != null)
            {
                if (pending.requestId() == 0 || inFlight.containsKey(pending.requestId()))
                {
                    send(pending);
                }
                work++;
            }
            if (work == 0 && inFlight.isEmpty() && outbox.isEmpty() && !heartbeatDue && !resend)
            {
                // A caller's unpark between the checks and the park ends the park at once.
                idle.reset();
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(QUIET_PARK_MS));
            }
            else
            {
                idle.idle(work);
            }
        }
    }

    /**
     * A new session, the same client id; every command still unanswered is sent again. Commands
     * queued meanwhile stay queued (those whose callers gave up meanwhile are not sent); the latest
     * heartbeat asked for is sent once connected.
     */
    private void connectAgain()
    {
        CloseHelper.quietClose(cluster);
        cluster = null;
        try
        {
            cluster = AeronCluster.connect(contexts.get().egressListener(listener));
            reconnects.incrementAndGet();
            resend = true;
            System.err.println("robustmq-meta-client: session ended; connected again (session " +
                cluster.clusterSessionId() + "), sending " + inFlight.size() + " unanswered commands again");
        }
        catch (final RuntimeException ex)
        {
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RECONNECT_BACKOFF_MS);
            while (running && System.nanoTime() < until)
            {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(RECONNECT_BACKOFF_MS));
            }
        }
    }

    /**
     * Every {@link #RESEND_AFTER_MS}: send again each command unanswered that long; fail each one
     * whose deadline passed {@link #GIVE_UP_AFTER_DEADLINE_MS} ago.
     *
     * @return commands sent again or given up.
     */
    private int sendAgainOrGiveUp()
    {
        final long now = System.nanoTime();
        if (now - lastResendScanNs < TimeUnit.MILLISECONDS.toNanos(RESEND_AFTER_MS / 4))
        {
            return 0;
        }
        lastResendScanNs = now;
        final long nowMs = System.currentTimeMillis();
        int work = 0;
        for (final Pending pending : inFlight.values())
        {
            if (nowMs > pending.deadlineMs + GIVE_UP_AFTER_DEADLINE_MS)
            {
                final CompletableFuture<Result> future = waiting.get(pending.requestId);
                if (future != null)
                {
                    future.completeExceptionally(new java.util.concurrent.TimeoutException("the Meta Service did not " +
                        "answer request " + pending.requestId + " by its deadline"));
                }
                inFlight.remove(pending.requestId);
                work++;
            }
            else if (now - pending.lastSentNs > TimeUnit.MILLISECONDS.toNanos(RESEND_AFTER_MS))
            {
                send(pending);
                work++;
            }
        }
        return work;
    }

    /**
     * Offer a command until the cluster takes it, or the session is gone (then the command, if it
     * expects an answer, is still in flight and goes again after the reconnect).
     */
    private void send(final Pending pending)
    {
        pending.lastSentNs = System.nanoTime();
        lastSendNs = pending.lastSentNs;
        final int at = pending.requestId == 0 ? 0 : commands.deadline(buffer, 0, pending.deadlineMs);
        final int length = at + pending.command.encode(commands, buffer, at, pending.requestId);
        final int largest = Math.min(MAX_COMMAND_LENGTH, cluster.ingressPublication().maxMessageLength());
        if (length > largest)
        {
            // Aeron would throw, and this thread end: refuse the command instead (e.g. a name of kilobytes).
            refuse(pending, "the command is " + length + " bytes, more than the Meta Service takes (" + largest +
                " bytes)");
            return;
        }
        long result;
        while (running && (result = cluster.offer(buffer, 0, length)) < 0)
        {
            if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED || cluster.isClosed())
            {
                return;
            }
            try
            {
                idle.idle(cluster.pollEgress());
            }
            catch (final RuntimeException ex)
            {
                return;
            }
        }
    }

    /**
     * Answer a command INVALID without sending it.
     */
    private void refuse(final Pending pending, final String why)
    {
        inFlight.remove(pending.requestId);
        final CompletableFuture<Result> future = waiting.get(pending.requestId);
        if (future != null)
        {
            future.complete(new Result(ResultCode.INVALID, why));
        }
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            // A connection attempt under way may take the cluster's message timeout (5 s) to give up.
            thread.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.quietClose(cluster);
    }
}
