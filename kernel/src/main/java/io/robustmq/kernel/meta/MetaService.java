package io.robustmq.kernel.meta;

import io.aeron.exceptions.TimeoutException;
import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.cluster.MetaClusterMember;
import io.robustmq.meta.cluster.MetaClusteredService;
import io.robustmq.meta.codecs.ResultCode;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The Meta Service component of a node: its member of an Aeron Cluster (of itself alone, or of the
 * members {@code meta.addrs} lists), embedded in the process
 * (media driver, archive, consensus module, the metadata state machine), a client of it, the
 * node's registration and its heartbeat every second.
 */
public final class MetaService implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MetaService.class);
    private static final int CONNECT_ATTEMPTS = 6;
    private static final long COMMAND_TIMEOUT_S = 30;
    private static final long HEARTBEAT_INTERVAL_MS = 1000;

    /**
     * What the Meta Service is started with.
     */
    public static final class Context
    {
        private MetaClusterMember.Context member;
        private long snapshotIntervalMs = 3_600_000;
        private String adminAddress;
        private ScheduledExecutorService scheduler;

        /**
         * @param member this node's member of the cluster; its id is the node's id.
         * @return this.
         */
        public Context member(final MetaClusterMember.Context member)
        {
            this.member = member;
            return this;
        }

        /**
         * @param snapshotIntervalMs how often to snapshot the state; 0 for never.
         * @return this.
         */
        public Context snapshotIntervalMs(final long snapshotIntervalMs)
        {
            this.snapshotIntervalMs = snapshotIntervalMs;
            return this;
        }

        public Context adminAddress(final String adminAddress)
        {
            this.adminAddress = adminAddress;
            return this;
        }

        public Context scheduler(final ScheduledExecutorService scheduler)
        {
            this.scheduler = scheduler;
            return this;
        }

        void conclude()
        {
            Objects.requireNonNull(member, "member");
            Objects.requireNonNull(adminAddress, "adminAddress");
            Objects.requireNonNull(scheduler, "scheduler");
        }
    }

    private final int nodeId;
    private final MetaClusterMember member;
    /**
     * Password derivations for the admin API (PBKDF2: milliseconds of CPU each) wait at most this
     * many deep for their one thread; more are refused (503) rather than queued.
     */
    public static final int CREDENTIAL_QUEUE_CAPACITY = 16;

    private final MetaClient client;
    private final ThreadPoolExecutor credentials = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new ArrayBlockingQueue<>(CREDENTIAL_QUEUE_CAPACITY), task ->
        {
            final Thread thread = new Thread(task, "robustmq-credentials");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.AbortPolicy());
    private final ScheduledFuture<?> heartbeat;
    private final ScheduledFuture<?> snapshots;
    private final MetadataWatches watches;
    private final KernelMetadata metadata;

    private MetaService(final int nodeId, final MetaClusterMember member, final MetaClient client,
        final ScheduledFuture<?> heartbeat, final ScheduledFuture<?> snapshots, final MetadataWatches watches)
    {
        this.nodeId = nodeId;
        this.member = member;
        this.client = client;
        this.heartbeat = heartbeat;
        this.snapshots = snapshots;
        this.watches = watches;
        this.metadata = new KernelMetadata(client, member.service(), watches);
    }

    /**
     * Start the member, connect to it, and register the node. The node holds its data directory's
     * lock, so mark files left by a killed predecessor are deleted first.
     *
     * @param ctx what to start with.
     * @return the started component.
     * @throws IllegalStateException if the cluster does not accept the node's registration.
     */
    public static MetaService launch(final Context ctx) throws Exception
    {
        ctx.conclude();
        final int nodeId = ctx.member.memberId();
        MetaClusterMember.deleteStaleMarkFiles(ctx.member.directory());
        final MetaClusterMember member = MetaClusterMember.launch(ctx.member);
        final MetadataWatches watches = new MetadataWatches(member.service().view());
        member.service().viewListener(watches);
        MetaClient client = null;
        try
        {
            client = connect(member);
            final MetaClient.Result registered =
                client.registerNode(nodeId, ctx.adminAddress).get(COMMAND_TIMEOUT_S, TimeUnit.SECONDS);
            if (registered.code() != ResultCode.OK)
            {
                throw new IllegalStateException("the cluster refused node " + nodeId + ": " + registered.message());
            }
            final MetaClient heartbeats = client;
            final ScheduledFuture<?> heartbeat = ctx.scheduler.scheduleAtFixedRate(() -> heartbeats.heartbeat(nodeId),
                HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, TimeUnit.MILLISECONDS);
            final ScheduledFuture<?> snapshots = ctx.snapshotIntervalMs == 0 ? null :
                ctx.scheduler.scheduleAtFixedRate(member::takeSnapshot, ctx.snapshotIntervalMs, ctx.snapshotIntervalMs,
                    TimeUnit.MILLISECONDS);
            return new MetaService(nodeId, member, client, heartbeat, snapshots, watches);
        }
        catch (final Exception ex)
        {
            member.service().viewListener(null);
            CloseHelper.quietCloseAll(client, member, watches);
            throw ex;
        }
    }

    /**
     * A member that has not yet elected itself makes the first connection time out: try again.
     */
    private static MetaClient connect(final MetaClusterMember member)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return MetaClient.connect(member.aeronDirectory(), member.ingressEndpoints(), member.idleStrategy());
            }
            catch (final TimeoutException ex)
            {
                if (attempt == CONNECT_ATTEMPTS)
                {
                    throw ex;
                }
                LOG.info("meta service not ready yet (attempt {} of {}): {}", attempt, CONNECT_ATTEMPTS, ex.getMessage());
            }
        }
    }

    /**
     * @return the latest view of the metadata, any thread.
     */
    public MetaClusteredService.View view()
    {
        return member.service().view();
    }

    /**
     * Tell the cluster where this node's listeners are reached, once they are bound.
     *
     * @param endpoints {@code plugin.listener} to {@code host:port}.
     * @throws IllegalStateException if the cluster does not accept them.
     */
    public void advertise(final java.util.Map<String, String> endpoints) throws Exception
    {
        final MetaClient.Result result = client.nodeEndpoints(nodeId, io.robustmq.meta.state.NodeEndpoints.format(endpoints))
            .get(COMMAND_TIMEOUT_S, TimeUnit.SECONDS);
        if (result.code() != ResultCode.OK)
        {
            throw new IllegalStateException("the cluster refused node " + nodeId + "'s endpoints " + endpoints + ": " +
                result.message());
        }
    }

    /**
     * @return this node's id.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return every member of the cluster, this node's included.
     */
    public java.util.List<MetaClusterMember.Context.Member> members()
    {
        return member.members();
    }

    /**
     * @return the metadata as plugins see it (and the kernel's admin routes use it too).
     */
    public io.robustmq.plugin.api.metadata.Metadata metadata()
    {
        return metadata;
    }

    /**
     * @param condition what this node's view must come to meet.
     * @param timeoutMs how long to wait.
     * @return completed with the first view that meets it, on the watch thread.
     */
    java.util.concurrent.CompletableFuture<MetaClusteredService.View> await(
        final java.util.function.Predicate<MetaClusteredService.View> condition, final long timeoutMs)
    {
        return watches.await(condition, timeoutMs);
    }

    /**
     * @return the client, for the kernel's metadata commands.
     */
    public MetaClient client()
    {
        return client;
    }

    /**
     * @return where the admin API derives credentials from passwords: one named thread, at most
     * {@link #CREDENTIAL_QUEUE_CAPACITY} waiting (a task beyond is rejected).
     */
    public Executor credentials()
    {
        return credentials;
    }

    /**
     * @return a one-line summary for the admin API.
     */
    public String describeState()
    {
        final MetaClusteredService.View view = member.service().view();
        return member.members().size() + "-member cluster, node " + nodeId + " " +
            view.role().name().toLowerCase(java.util.Locale.ROOT) +
            "; " + view.topics().size() + " topics, " + view.nodesUp() + " of " + view.nodes().size() + " nodes up; " +
            (member.service().startedFromSnapshot() ? "started from a snapshot; " : "") +
            "idle strategy " + member.idleStrategy() + "; " + member.snapshotsTaken() + " snapshots since start";
    }

    @Override
    public void close()
    {
        credentials.shutdownNow();
        heartbeat.cancel(false);
        if (snapshots != null)
        {
            snapshots.cancel(false);
        }
        member.service().viewListener(null);
        CloseHelper.closeAll(client, member, watches);
    }
}
