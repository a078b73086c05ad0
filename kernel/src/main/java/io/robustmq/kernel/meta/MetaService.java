package io.robustmq.kernel.meta;

import io.aeron.exceptions.TimeoutException;
import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.cluster.MetaClusterMember;
import io.robustmq.meta.cluster.MetaClusteredService;
import io.robustmq.meta.codecs.ResultCode;
import org.agrona.CloseHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
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
        private int nodeId;
        private Path directory;
        private String aeronDirectory = "";
        private int basePort = 58090;
        private long nodeTimeoutMs = 5000;
        private long snapshotIntervalMs = 3_600_000;
        private java.util.List<MetaClusterMember.Context.Member> members = java.util.List.of();
        private String adminAddress;
        private ScheduledExecutorService scheduler;

        public Context nodeId(final int nodeId)
        {
            this.nodeId = nodeId;
            return this;
        }

        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * @param aeronDirectory empty for /dev/shm/robustmq-node-&lt;id&gt; (or under the directory).
         * @return this.
         */
        public Context aeronDirectory(final String aeronDirectory)
        {
            this.aeronDirectory = aeronDirectory;
            return this;
        }

        public Context basePort(final int basePort)
        {
            this.basePort = basePort;
            return this;
        }

        public Context nodeTimeoutMs(final long nodeTimeoutMs)
        {
            this.nodeTimeoutMs = nodeTimeoutMs;
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

        /**
         * @param members every member, this node included; empty for a cluster of this node alone.
         * @return this.
         */
        public Context members(final java.util.List<MetaClusterMember.Context.Member> members)
        {
            this.members = members;
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
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(adminAddress, "adminAddress");
            Objects.requireNonNull(scheduler, "scheduler");
            if (aeronDirectory.isEmpty())
            {
                aeronDirectory = Files.isDirectory(Path.of("/dev/shm")) ?
                    "/dev/shm/robustmq-node-" + nodeId + "-" + basePort :
                    directory.resolve("aeron").toString();
            }
        }
    }

    private final int nodeId;
    private final java.util.List<MetaClusterMember.Context.Member> members;
    private final MetaClusterMember member;
    private final MetaClient client;
    private final ScheduledFuture<?> heartbeat;
    private final ScheduledFuture<?> snapshots;

    private MetaService(final int nodeId, final java.util.List<MetaClusterMember.Context.Member> members,
        final MetaClusterMember member, final MetaClient client, final ScheduledFuture<?> heartbeat,
        final ScheduledFuture<?> snapshots)
    {
        this.nodeId = nodeId;
        this.members = members;
        this.member = member;
        this.client = client;
        this.heartbeat = heartbeat;
        this.snapshots = snapshots;
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
        MetaClusterMember.deleteStaleMarkFiles(ctx.directory);
        final MetaClusterMember member = MetaClusterMember.launch(new MetaClusterMember.Context()
            .memberId(ctx.nodeId)
            .members(ctx.members)
            .directory(ctx.directory)
            .aeronDirectory(ctx.aeronDirectory)
            .basePort(ctx.basePort)
            .nodeTimeoutMs(ctx.nodeTimeoutMs)
            .errorHandler(error -> LOG.error("meta service error", error)));
        MetaClient client = null;
        try
        {
            client = connect(ctx, member);
            final MetaClient.Result registered =
                client.registerNode(ctx.nodeId, ctx.adminAddress).get(COMMAND_TIMEOUT_S, TimeUnit.SECONDS);
            if (registered.code() != ResultCode.OK)
            {
                throw new IllegalStateException("the cluster refused node " + ctx.nodeId + ": " + registered.message());
            }
            final MetaClient heartbeats = client;
            final ScheduledFuture<?> heartbeat = ctx.scheduler.scheduleAtFixedRate(() -> heartbeats.heartbeat(ctx.nodeId),
                HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS, TimeUnit.MILLISECONDS);
            final ScheduledFuture<?> snapshots = ctx.snapshotIntervalMs == 0 ? null :
                ctx.scheduler.scheduleAtFixedRate(member::takeSnapshot, ctx.snapshotIntervalMs, ctx.snapshotIntervalMs,
                    TimeUnit.MILLISECONDS);
            final java.util.List<MetaClusterMember.Context.Member> members = ctx.members.isEmpty() ?
                java.util.List.of(new MetaClusterMember.Context.Member(ctx.nodeId, "localhost", ctx.basePort)) : ctx.members;
            return new MetaService(ctx.nodeId, members, member, client, heartbeat, snapshots);
        }
        catch (final Exception ex)
        {
            CloseHelper.quietCloseAll(client, member);
            throw ex;
        }
    }

    /**
     * A member that has not yet elected itself makes the first connection time out: try again.
     */
    private static MetaClient connect(final Context ctx, final MetaClusterMember member)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return MetaClient.connect(ctx.aeronDirectory, member.ingressEndpoints());
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
        return members;
    }

    /**
     * @return the client, for the kernel's metadata commands.
     */
    public MetaClient client()
    {
        return client;
    }

    /**
     * @return a one-line summary for the admin API.
     */
    public String describeState()
    {
        final MetaClusteredService.View view = member.service().view();
        return members.size() + "-member cluster, node " + nodeId + " " +
            view.role().name().toLowerCase(java.util.Locale.ROOT) +
            "; " + view.topics().size() + " topics, " + view.nodesUp() + " of " + view.nodes().size() + " nodes up; " +
            (member.service().startedFromSnapshot() ? "started from a snapshot; " : "") +
            member.snapshotsTaken() + " snapshots since start";
    }

    @Override
    public void close()
    {
        heartbeat.cancel(false);
        if (snapshots != null)
        {
            snapshots.cancel(false);
        }
        CloseHelper.closeAll(client, member);
    }
}
