package io.robustmq.meta.cluster;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.RethrowingErrorHandler;
import io.aeron.archive.Archive;
import io.aeron.archive.ArchiveThreadingMode;
import io.aeron.archive.client.AeronArchive;
import io.aeron.cluster.ConsensusModule;
import io.aeron.cluster.service.ClusteredServiceContainer;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpLock;

import java.io.File;
import java.nio.file.Path;
import java.util.Objects;

/**
 * One member of the Meta Service's cluster, embedded in the node's process: a media driver, an
 * archive and a consensus module on one thread, and the service container hosting
 * {@link MetaClusteredService} on another. The driver and the archive run in Aeron's invoker
 * modes, the archive invoking the driver and the consensus module's idle strategy invoking the
 * archive ({@link HostingIdleStrategy}), so a command crosses no thread between arriving, being
 * recorded and being committed; the service container cannot be hosted that way (the consensus
 * module waits for its acknowledgements inside its own duty cycle). Both threads wait for work the
 * way the context's {@link MetaIdleStrategy} says. Files live under the node's data directory;
 * Aeron's own directory is a fresh one of the member's, deleted at start and at close.
 * <p>
 * Ports, from the member's base port: ingress +0, consensus +1, log +2, catch-up +3, archive
 * control +4.
 */
public final class MetaClusterMember implements AutoCloseable
{
    /**
     * How a member runs.
     */
    public static final class Context
    {
        /**
         * A member of the cluster, as every member lists it.
         *
         * @param id       the member's id (the node's id).
         * @param host     where its ports are.
         * @param basePort the first of its five ports.
         */
        public record Member(int id, String host, int basePort)
        {
            String endpoint(final int offset)
            {
                return host + ":" + (basePort + offset);
            }
        }

        private java.util.List<Member> members = java.util.List.of();
        private int memberId;
        private Path directory;
        private String aeronDirectory;
        private String host = "localhost";
        private int basePort = 29000;
        private long nodeTimeoutMs = 5000;
        private MetaIdleStrategy idleStrategy = MetaIdleStrategy.DEFAULT;
        private ErrorHandler errorHandler = Throwable::printStackTrace;

        public Context memberId(final int memberId)
        {
            this.memberId = memberId;
            return this;
        }

        /**
         * @param directory where the archive and the cluster's files go.
         * @return this.
         */
        public Context directory(final Path directory)
        {
            this.directory = directory;
            return this;
        }

        /**
         * @param aeronDirectory the media driver's directory; empty for
         *                       /dev/shm/robustmq-member-&lt;id&gt;-&lt;port&gt; (or under the directory).
         * @return this.
         */
        public Context aeronDirectory(final String aeronDirectory)
        {
            this.aeronDirectory = aeronDirectory;
            return this;
        }

        public Context host(final String host)
        {
            this.host = host;
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
         * @param members every member of the cluster, this one included; empty for a cluster of
         *                this member alone.
         * @return this.
         */
        public Context members(final java.util.List<Member> members)
        {
            this.members = java.util.List.copyOf(members);
            return this;
        }

        /**
         * @param idleStrategy how the member's two threads wait for work: the consensus module's
         *                     (which runs the archive and the media driver too) and the service
         *                     container's.
         * @return this.
         */
        public Context idleStrategy(final MetaIdleStrategy idleStrategy)
        {
            this.idleStrategy = idleStrategy;
            return this;
        }

        /**
         * @return how every agent of the member waits for work.
         */
        public MetaIdleStrategy idleStrategy()
        {
            return idleStrategy;
        }

        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        void conclude()
        {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(idleStrategy, "idleStrategy");
            if (members.isEmpty())
            {
                members = java.util.List.of(new Member(memberId, host, basePort));
            }
            final Member self = members.stream().filter(member -> member.id() == memberId).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("member " + memberId + " is not among the members " +
                    members));
            host = self.host();
            basePort = self.basePort();
            if (aeronDirectory == null || aeronDirectory.isEmpty())
            {
                aeronDirectory = java.nio.file.Files.isDirectory(Path.of("/dev/shm")) ?
                    "/dev/shm/robustmq-member-" + memberId + "-" + basePort : directory.resolve("aeron").toString();
            }
        }

        /**
         * @return the member's id.
         */
        public int memberId()
        {
            return memberId;
        }

        /**
         * @return where the archive and the cluster's files go.
         */
        public Path directory()
        {
            return directory;
        }

        /**
         * @return every member; this one alone until launched with no members given.
         */
        public java.util.List<Member> membersList()
        {
            return members.isEmpty() ? java.util.List.of(new Member(memberId, host, basePort)) : members;
        }

        String endpoint(final int offset)
        {
            return host + ":" + (basePort + offset);
        }

        /**
         * @return the members list in Aeron's form: id,ingress,consensus,log,catchup,archive|...
         */
        String members()
        {
            final StringBuilder list = new StringBuilder();
            for (final Member member : membersList())
            {
                if (list.length() > 0)
                {
                    list.append('|');
                }
                list.append(member.id()).append(',').append(member.endpoint(0)).append(',').append(member.endpoint(1))
                    .append(',').append(member.endpoint(2)).append(',').append(member.endpoint(3)).append(',')
                    .append(member.endpoint(4));
            }
            return list.toString();
        }

        /**
         * @return the media driver's directory.
         */
        public String aeronDirectoryName()
        {
            return aeronDirectory;
        }

        /**
         * @return the ingress endpoints in Aeron's client form: id=host:port.
         */
        public String ingressEndpoints()
        {
            final StringBuilder endpoints = new StringBuilder();
            for (final Member member : membersList())
            {
                if (endpoints.length() > 0)
                {
                    endpoints.append(',');
                }
                endpoints.append(member.id()).append('=').append(member.endpoint(0));
            }
            return endpoints.toString();
        }
    }

    private static final String SMALL_TERM = "term-length=64k";
    /**
     * The terms of the streams that carry commands whole: the cluster log, and the service's
     * snapshots (one message per record). A message may be an eighth of a term, 128 KiB: a plugin's
     * object of 64 KiB with its names and the log's header fits ({@link MetaClient#MAX_COMMAND_LENGTH}).
     * The buffers are sparse files: only the pages the streams reach cost memory. A log recorded
     * before keeps the term length it was recorded with (Aeron Cluster resumes a log as it was).
     */
    private static final String COMMAND_TERM = "term-length=1m";
    /**
     * The media driver's executor thread resolves host names, off the driver's own thread, only
     * when a channel is set up: it may take this long to notice such a task, instead of waking
     * every millisecond for ever.
     */
    private static final long ASYNC_EXECUTOR_PARK_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(10);
    /**
     * Client sessions the cluster keeps open at once (Aeron's default is 10). Each node holds one;
     * a killed node's stays until it times out, and every election restarts that timeout, so
     * back-to-back fail-overs pile dead sessions up: with 10, a node restarting after the seventh
     * such fail-over was refused.
     */
    private static final int MAX_CLIENT_SESSIONS = 128;

    /**
     * How long a node may stand still (a long GC pause, a stalled VM, SIGSTOP) and keep its member.
     * Aeron's defaults are 10 s both ways: after a longer pause the embedded driver timed out the
     * member's own clients (or they took the driver for dead), and the consensus module, archive and
     * service closed for good. Both sides now wait this long; the cluster still closes a paused
     * client's session after its 10 s session timeout, and the client connects again.
     */
    public static final long PAUSE_TOLERANCE_MS = 30_000;
    /** Aeron requires a blocked publication's unblock timeout to exceed the client liveness timeout. */
    private static final long PUBLICATION_UNBLOCK_TIMEOUT_MS = PAUSE_TOLERANCE_MS + 10_000;
    /**
     * Read by every Aeron client context made in this process (the components', and MetaClient's),
     * once, when Aeron's {@code CommonContext} class loads: set here, as this class loads, unless the
     * JVM was given it. (If Aeron was used in this JVM before, its clients keep the 10 s default.)
     */
    private static final String DRIVER_TIMEOUT_PROPERTY = "aeron.driver.timeout";

    static
    {
        if (System.getProperty(DRIVER_TIMEOUT_PROPERTY) == null)
        {
            System.setProperty(DRIVER_TIMEOUT_PROPERTY, Long.toString(PAUSE_TOLERANCE_MS));
        }
    }

    private final MediaDriver driver;
    private final Archive archive;
    private final Aeron consensusClient;
    private final ConsensusModule consensusModule;
    private final ClusteredServiceContainer container;
    private final MetaClusteredService service;
    private final String ingressEndpoints;
    private final String aeronDirectory;
    private final java.util.List<Context.Member> members;
    private final MetaIdleStrategy idleStrategy;

    private MetaClusterMember(final Parts parts, final Context ctx)
    {
        this.members = ctx.membersList();
        this.aeronDirectory = ctx.aeronDirectory;
        this.idleStrategy = ctx.idleStrategy;
        this.driver = parts.driver;
        this.archive = parts.archive;
        this.consensusClient = parts.consensusClient;
        this.consensusModule = parts.consensusModule;
        this.container = parts.container;
        this.service = parts.service;
        this.ingressEndpoints = ctx.ingressEndpoints();
    }

    /**
     * @return the media driver's directory, where a client in this process connects.
     */
    public String aeronDirectory()
    {
        return aeronDirectory;
    }

    /**
     * @return every member of the cluster, this one included.
     */
    public java.util.List<Context.Member> members()
    {
        return members;
    }

    /**
     * @return where clients reach the cluster, {@code id=host:port}.
     */
    public String ingressEndpoints()
    {
        return ingressEndpoints;
    }

    /**
     * @return how the member's threads wait for work.
     */
    public MetaIdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /**
     * @return how the member's two threads wait for work: the consensus module's (which hosts the
     * archive and the media driver, see {@link HostingIdleStrategy}) and the service container's,
     * in that order.
     */
    java.util.List<IdleStrategy> agentIdleStrategies()
    {
        return java.util.List.of(((HostingIdleStrategy)consensusModule.context().idleStrategy()).delegate(),
            container.context().idleStrategy());
    }

    /**
     * What a member is made of, in the order it is started (and closed in reverse).
     */
    private static final class Parts
    {
        MediaDriver driver;
        Archive archive;
        Aeron consensusClient;
        ConsensusModule consensusModule;
        MetaClusteredService service;
        ClusteredServiceContainer container;

        void close()
        {
            CloseHelper.closeAll(container, consensusModule, consensusClient, archive, driver);
        }
    }

    /**
     * Start the member; it recovers from its latest snapshot and its log.
     *
     * @param ctx how to run.
     * @return the running member.
     */
    public static MetaClusterMember launch(final Context ctx)
    {
        ctx.conclude();
        final File base = ctx.directory.toFile();
        final MetaIdleStrategy idle = ctx.idleStrategy;
        final Parts parts = new Parts();
        try
        {
            // The driver and the archive are agents without threads of their own; until the consensus
            // module's thread starts, this thread runs them whenever it waits for either.
            parts.driver = MediaDriver.launch(driverContext(ctx));
            final AgentInvoker driverInvoker = parts.driver.sharedAgentInvoker();
            final Archive.Context archiveCtx = new Archive.Context()
                .aeronDirectoryName(ctx.aeronDirectory)
                .archiveDir(new File(base, "archive"))
                .archiveId(ctx.memberId)
                .controlChannel("aeron:udp?endpoint=" + ctx.endpoint(4) + "|" + SMALL_TERM)
                .localControlChannel("aeron:ipc?" + SMALL_TERM)
                .replicationChannel("aeron:udp?endpoint=" + ctx.host + ":0")
                .recordingEventsEnabled(false)
                .threadingMode(ArchiveThreadingMode.INVOKER)
                .mediaDriverAgentInvoker(driverInvoker)
                .errorHandler(ctx.errorHandler);
            parts.archive = Archive.launch(archiveCtx);
            final AgentInvoker archiveInvoker = parts.archive.invoker();
            final AeronArchive.Context archiveClient = new AeronArchive.Context()
                .lock(NoOpLock.INSTANCE)
                .controlRequestChannel(archiveCtx.localControlChannel())
                .controlRequestStreamId(archiveCtx.localControlStreamId())
                .controlResponseChannel(archiveCtx.localControlChannel())
                .aeronDirectoryName(ctx.aeronDirectory);
            parts.consensusClient = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(ctx.aeronDirectory)
                .useConductorAgentInvoker(true)
                .driverAgentInvoker(driverInvoker)
                .clientLock(NoOpLock.INSTANCE)
                .subscriberErrorHandler(RethrowingErrorHandler.INSTANCE)
                .errorHandler(ctx.errorHandler)
                .clientName("robustmq-consensus-module-" + ctx.memberId));
            final ConsensusModule.Context consensusCtx = new ConsensusModule.Context()
                .aeron(parts.consensusClient)
                .errorCounter(parts.consensusClient.addCounter(
                    AeronCounters.CLUSTER_CONSENSUS_MODULE_ERROR_COUNT_TYPE_ID, "Cluster Errors"))
                .clusterMemberId(ctx.memberId)
                .clusterMembers(ctx.members())
                .clusterDir(new File(base, "cluster"))
                .ingressChannel("aeron:udp?" + SMALL_TERM)
                .logChannel("aeron:udp?" + COMMAND_TERM + "|control-mode=manual|control=" + ctx.endpoint(2))
                .replicationChannel("aeron:udp?endpoint=" + ctx.host + ":0")
                .archiveContext(archiveClient.clone().agentInvoker(archiveInvoker))
                .maxConcurrentSessions(MAX_CLIENT_SESSIONS)
                .leaderHeartbeatIntervalNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100))
                .leaderHeartbeatTimeoutNs(java.util.concurrent.TimeUnit.SECONDS.toNanos(1))
                .electionTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(300))
                .electionStatusIntervalNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50))
                .startupCanvassTimeoutNs(java.util.concurrent.TimeUnit.SECONDS.toNanos(2))
                .idleStrategySupplier(() -> new HostingIdleStrategy(archiveInvoker, idle.newIdleStrategy()))
                .errorHandler(ctx.errorHandler);
            // From here on the consensus module's thread runs the archive, and through it the driver.
            parts.consensusModule = ConsensusModule.launch(consensusCtx);
            parts.service = new MetaClusteredService(ctx.nodeTimeoutMs);
            parts.container = ClusteredServiceContainer.launch(new ClusteredServiceContainer.Context()
                .aeronDirectoryName(ctx.aeronDirectory)
                .archiveContext(archiveClient.clone())
                .clusterDir(new File(base, "cluster"))
                .clusteredService(parts.service)
                .snapshotChannel("aeron:ipc?alias=snapshot|" + COMMAND_TERM)
                .idleStrategySupplier(idle::newIdleStrategy)
                .errorHandler(ctx.errorHandler));
            return new MetaClusterMember(parts, ctx);
        }
        catch (final RuntimeException ex)
        {
            parts.close();
            throw ex;
        }
    }

    /**
     * The media driver: its conductor, sender and receiver as one agent with no thread of its own
     * (the archive invokes it; the idle strategies are set so that another threading mode would
     * follow the member's strategy), small sparse term buffers and a small counters buffer.
     */
    private static MediaDriver.Context driverContext(final Context ctx)
    {
        final MetaIdleStrategy idle = ctx.idleStrategy;
        return new MediaDriver.Context()
            .aeronDirectoryName(ctx.aeronDirectory)
            .threadingMode(ThreadingMode.INVOKER)
            .asyncExecutorIdleStrategy(new BackoffIdleStrategy(10, 5, 1_000, ASYNC_EXECUTOR_PARK_NS))
            .sharedIdleStrategy(idle.newIdleStrategy())
            .sharedNetworkIdleStrategy(idle.newIdleStrategy())
            .conductorIdleStrategy(idle.newIdleStrategy())
            .senderIdleStrategy(idle.newIdleStrategy())
            .receiverIdleStrategy(idle.newIdleStrategy())
            .clientLivenessTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(PAUSE_TOLERANCE_MS))
            .publicationUnblockTimeoutNs(java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(PUBLICATION_UNBLOCK_TIMEOUT_MS))
            .termBufferSparseFile(true)
            .publicationTermBufferLength(64 * 1024)
            .ipcTermBufferLength(64 * 1024)
            .counterValuesBufferLength(1024 * 1024)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(ctx.errorHandler);
    }

    /**
     * Delete the mark files a killed member leaves in its directory. Aeron refuses to start on a
     * mark file that looks recently active; call this only when nothing else can be using the
     * directory (the node holds its data directory's lock).
     *
     * @param directory the member's directory.
     * @throws java.io.IOException if a mark file cannot be deleted.
     */
    public static void deleteStaleMarkFiles(final Path directory) throws java.io.IOException
    {
        for (final String sub : new String[]{"archive", "cluster"})
        {
            final Path dir = directory.resolve(sub);
            if (java.nio.file.Files.isDirectory(dir))
            {
                try (java.nio.file.DirectoryStream<Path> marks = java.nio.file.Files.newDirectoryStream(dir, "*-mark*.dat"))
                {
                    for (final Path mark : marks)
                    {
                        java.nio.file.Files.delete(mark);
                    }
                }
            }
        }
    }

    /**
     * Ask the consensus module for a snapshot of the service's state (taken at the current log
     * position, after which a restart replays only the log that follows).
     *
     * @return false if another cluster action (a snapshot, a shutdown) is under way; ask again.
     */
    public boolean takeSnapshot()
    {
        return io.aeron.cluster.ClusterControl.ToggleState.SNAPSHOT.toggle(
            consensusModule.context().controlToggleCounter());
    }

    /**
     * @return snapshots this member has taken since it started.
     */
    public long snapshotsTaken()
    {
        return consensusModule.context().snapshotCounter().get();
    }

    /**
     * @return the hosted service.
     */
    public MetaClusteredService service()
    {
        return service;
    }

    /**
     * Stop the service container, then the consensus module, archive and driver.
     */
    @Override
    public void close()
    {
        CloseHelper.closeAll(container, consensusModule, consensusClient, archive, driver);
    }
}
