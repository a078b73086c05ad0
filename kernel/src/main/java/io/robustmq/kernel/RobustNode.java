package io.robustmq.kernel;

import io.robustmq.kernel.broker.MessageBroker;
import io.robustmq.kernel.common.CommonServer;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.meta.MetaService;
import io.robustmq.meta.cluster.MetaClusterMember;
import io.robustmq.kernel.network.ListenerBinder;
import io.robustmq.kernel.status.ComponentState;
import io.robustmq.kernel.status.ComponentStatus;
import io.robustmq.kernel.status.ListenerStatus;
import io.robustmq.kernel.status.NodeStatus;
import io.robustmq.kernel.storage.JournalService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One node: its components started in order (Common Server, Meta Service, Journal, Message
 * Broker), each once the one before it is ready, and stopped in reverse. A component that fails to
 * start stops those already started and fails the launch with its name and the reason.
 */
public final class RobustNode implements AutoCloseable
{
    public static final String COMMON_SERVER = "common-server";
    public static final String META_SERVICE = "meta-service";
    public static final String JOURNAL = "journal";
    public static final String MESSAGE_BROKER = "message-broker";

    private static final Logger LOG = LoggerFactory.getLogger(RobustNode.class);

    private interface Launcher<T>
    {
        T launch() throws Exception;
    }

    private final ServerConfig config;
    private final NodeStatus status;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch closedLatch = new CountDownLatch(1);
    private CommonServer commonServer;
    private MetaService metaService;
    private JournalService journal;
    private MessageBroker broker;
    private PidFile pidFile;
    private DataDirectoryLock dataDirectoryLock;

    private RobustNode(final ServerConfig config)
    {
        this.config = config;
        this.status = new NodeStatus(config.nodeId(), BuildInfo.version(),
            List.of(COMMON_SERVER, META_SERVICE, JOURNAL, MESSAGE_BROKER));
    }

    /**
     * Start a node.
     *
     * @param config its configuration.
     * @return the node, every component ready.
     * @throws NodeStartException naming the component that failed, after stopping the others.
     */
    public static RobustNode launch(final ServerConfig config)
    {
        final RobustNode node = new RobustNode(config);
        try
        {
            node.start();
            return node;
        }
        catch (final RuntimeException ex)
        {
            node.close();
            throw ex;
        }
    }

    private void start()
    {
        try
        {
            dataDirectoryLock = DataDirectoryLock.acquire(config.dataDir());
        }
        catch (final IOException ex)
        {
            throw new NodeStartException("node", ex.getMessage(), ex);
        }
        commonServer = start(COMMON_SERVER, () -> CommonServer.launch(new CommonServer.Context()
            .status(status)
            .adminHost(config.adminHost())
            .adminPort(config.adminPort())
            .adminMaxRequestBytes(config.adminMaxRequestBytes())
            .networkTransport(config.networkTransport())
            .ioThreads(config.ioThreads())));
        status.component(COMMON_SERVER).detail(() -> "admin " + status.adminUrl() + ", " +
            commonServer.eventLoops().transport() + " event loops");

        metaService = start(META_SERVICE, () -> MetaService.launch(new MetaService.Context()
            .member(new MetaClusterMember.Context()
                .memberId(config.nodeId())
                .members(config.metaMembers())
                .basePort(config.metaPort())
                .directory(config.dataDir().resolve("meta"))
                .aeronDirectory(config.metaAeronDir())
                .idleStrategy(config.metaIdleStrategy())
                .nodeTimeoutMs(config.metaNodeTimeoutMs())
                .errorHandler(RobustNode::metaServiceError))
            .snapshotIntervalMs(config.metaSnapshotIntervalMs())
            .adminAddress(status.adminUrl())
            .scheduler(commonServer.eventLoops().ioGroup())));
        status.component(META_SERVICE).detail(metaService::describeState);
        new io.robustmq.kernel.meta.MetaResource(metaService).register(commonServer.router());
        new io.robustmq.kernel.meta.SecurityResource(metaService).register(commonServer.router());

        journal = start(JOURNAL, () -> JournalService.launch(config.storage(), config.dataDir().resolve("journal"),
            commonServer.meterRegistry(), metaService.metadata(), config.nodeId()));
        status.component(JOURNAL).detail(journal::describeState);

        broker = start(MESSAGE_BROKER, () -> MessageBroker.launch(new MessageBroker.Context()
            .config(config)
            .status(status)
            .meterRegistry(commonServer.meterRegistry())
            .binder(new ListenerBinder(commonServer.eventLoops(), commonServer.meterRegistry(),
                config.webSocketMaxFrameBytes()))
            .scheduler(commonServer.eventLoops().ioGroup())
            .storage(journal.shards())
            .cursors(journal.cursors())
            .metadata(metaService.metadata())
            .pluginsDir(pluginsDir(config))));
        status.component(MESSAGE_BROKER).detail(broker::describeState);
        new io.robustmq.kernel.admin.PluginViewsResource(broker.adminViews()).register(commonServer.router());
        try
        {
            metaService.advertise(io.robustmq.kernel.meta.AdvertisedEndpoints.of(status.listeners(),
                config.advertisedHost()));
        }
        catch (final Exception ex)
        {
            throw new NodeStartException(META_SERVICE, "cannot advertise the listeners: " + ex.getMessage(), ex);
        }

        try
        {
            pidFile = PidFile.write(config.dataDir());
        }
        catch (final IOException ex)
        {
            throw new NodeStartException("node", "cannot write pid file in " + config.dataDir() + ": " +
                ex.getMessage(), ex);
        }
        LOG.info("{}", readyLine());
    }

    private <T> T start(final String name, final Launcher<T> launcher)
    {
        final ComponentStatus component = status.component(name);
        component.state(ComponentState.STARTING);
        try
        {
            final T started = launcher.launch();
            component.state(ComponentState.READY);
            return started;
        }
        catch (final Exception ex)
        {
            component.state(ComponentState.FAILED);
            final String reason = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            throw new NodeStartException(name, reason.replace('\n', ' '), ex);
        }
    }

    /**
     * The plugins directory: {@code node.plugins_dir} if set, else {@code plugins/} beside the
     * {@code lib/} directory the kernel's jar runs from, if there is one.
     */
    static Path pluginsDir(final ServerConfig config)
    {
        if (config.pluginsDir() != null)
        {
            return config.pluginsDir();
        }
        final CodeSource source = RobustNode.class.getProtectionDomain().getCodeSource();
        if (source == null || source.getLocation() == null)
        {
            return null;
        }
        try
        {
            final Path location = Path.of(source.getLocation().toURI());
            final Path lib = location.getParent();
            if (Files.isRegularFile(location) && lib != null && lib.getFileName().toString().equals("lib"))
            {
                final Path plugins = lib.resolveSibling("plugins");
                return Files.isDirectory(plugins) ? plugins : null;
            }
        }
        catch (final URISyntaxException | IllegalArgumentException ex)
        {
            LOG.warn("cannot locate the kernel's jar: {}", ex.getMessage());
        }
        return null;
    }

    /**
     * @return the node's status, as the admin API reports it.
     */
    public NodeStatus status()
    {
        return status;
    }

    /**
     * @return the Common Server.
     */
    public CommonServer commonServer()
    {
        return commonServer;
    }

    /**
     * @return the cursor store.
     */
    public io.robustmq.kernel.cursor.KernelCursorStore cursors()
    {
        return journal.cursors();
    }

    /**
     * @return the Storage Adapter: every shard of the node.
     */
    public io.robustmq.kernel.storage.StorageAdapter storage()
    {
        return journal.shards();
    }

    /**
     * Aeron reports cluster events (a leader's heartbeat timing out, an election) through the
     * error handler as exceptions of category WARN: log those as warnings, not errors.
     */
    private static void metaServiceError(final Throwable error)
    {
        if (error instanceof io.aeron.exceptions.AeronException aeron &&
            aeron.category() == io.aeron.exceptions.AeronException.Category.WARN)
        {
            LOG.warn("meta service: {}", error.getMessage());
        }
        else
        {
            LOG.error("meta service error", error);
        }
    }

    /**
     * @return the Meta Service, once started.
     */
    public MetaService metaService()
    {
        return metaService;
    }

    /**
     * @return the message broker, once started.
     */
    public MessageBroker broker()
    {
        return broker;
    }

    /**
     * @return one line naming the node, its admin API and every bound listener.
     */
    public String readyLine()
    {
        final StringBuilder line = new StringBuilder("ready: node ").append(status.nodeId())
            .append("; admin ").append(status.adminUrl());
        final List<String> listeners = new ArrayList<>();
        for (final ListenerStatus listener : status.listeners())
        {
            listeners.add(listener.plugin() + "/" + listener.name() + " " + listener.url());
        }
        line.append("; ").append(listeners.isEmpty() ? "no protocol listeners" : String.join("; ", listeners));
        return line.toString();
    }

    /**
     * Wait until {@link #close()} has finished.
     *
     * @throws InterruptedException if interrupted while waiting.
     */
    public void awaitClosed() throws InterruptedException
    {
        closedLatch.await();
    }

    /**
     * Stop every started component, in reverse order of start. Idempotent.
     */
    @Override
    public void close()
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        try
        {
            stop(MESSAGE_BROKER, broker);
            stop(JOURNAL, journal);
            stop(META_SERVICE, metaService);
            stop(COMMON_SERVER, commonServer);
            if (pidFile != null)
            {
                pidFile.close();
            }
            if (dataDirectoryLock != null)
            {
                dataDirectoryLock.close();
            }
        }
        finally
        {
            closedLatch.countDown();
        }
    }

    private void stop(final String name, final AutoCloseable component)
    {
        if (component == null)
        {
            return;
        }
        final ComponentStatus componentStatus = status.component(name);
        componentStatus.state(ComponentState.STOPPING);
        try
        {
            component.close();
        }
        catch (final Exception ex)
        {
            LOG.warn("{} did not stop cleanly", name, ex);
        }
        componentStatus.state(ComponentState.STOPPED);
    }
}
