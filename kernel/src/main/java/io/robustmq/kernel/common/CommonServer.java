package io.robustmq.kernel.common;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.robustmq.kernel.admin.AdminHttpServer;
import io.robustmq.kernel.admin.AdminRouter;
import io.robustmq.kernel.admin.NodeResource;
import io.robustmq.kernel.network.EventLoops;
import io.robustmq.kernel.network.ListenerBindException;
import io.robustmq.kernel.status.NodeStatus;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * The first component of a node: the shared event loops, the meter registry, and the admin HTTP
 * API on them. Everything after it binds on these loops and registers meters here.
 */
public final class CommonServer implements AutoCloseable
{
    /**
     * What the Common Server is started with.
     */
    public static final class Context
    {
        private NodeStatus status;
        private String adminHost = "127.0.0.1";
        private int adminPort = 58080;
        private int adminMaxRequestBytes = 65536;
        private String networkTransport = "auto";
        private int ioThreads;

        public Context status(final NodeStatus status)
        {
            this.status = status;
            return this;
        }

        public Context adminHost(final String adminHost)
        {
            this.adminHost = adminHost;
            return this;
        }

        public Context adminPort(final int adminPort)
        {
            this.adminPort = adminPort;
            return this;
        }

        public Context adminMaxRequestBytes(final int adminMaxRequestBytes)
        {
            this.adminMaxRequestBytes = adminMaxRequestBytes;
            return this;
        }

        public Context networkTransport(final String networkTransport)
        {
            this.networkTransport = networkTransport;
            return this;
        }

        public Context ioThreads(final int ioThreads)
        {
            this.ioThreads = ioThreads;
            return this;
        }

        void conclude()
        {
            Objects.requireNonNull(status, "status");
        }
    }

    private final EventLoops eventLoops;
    private final PrometheusMeterRegistry meterRegistry;
    private final JvmGcMetrics gcMetrics;
    private final AdminRouter router = new AdminRouter();
    private AdminHttpServer adminServer;

    private CommonServer(final Context ctx)
    {
        meterRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        meterRegistry.config().commonTags("node", Integer.toString(ctx.status.nodeId()));
        new ClassLoaderMetrics().bindTo(meterRegistry);
        new JvmMemoryMetrics().bindTo(meterRegistry);
        new JvmThreadMetrics().bindTo(meterRegistry);
        gcMetrics = new JvmGcMetrics();
        gcMetrics.bindTo(meterRegistry);
        new ProcessorMetrics().bindTo(meterRegistry);
        new UptimeMetrics().bindTo(meterRegistry);
        new FileDescriptorMetrics().bindTo(meterRegistry);
        eventLoops = EventLoops.start(ctx.networkTransport, ctx.ioThreads);
    }

    /**
     * Start the event loops and bind the admin API.
     *
     * @param ctx what to start with.
     * @return the started server.
     * @throws ListenerBindException if the admin address cannot be bound.
     */
    public static CommonServer launch(final Context ctx) throws ListenerBindException
    {
        ctx.conclude();
        final CommonServer server = new CommonServer(ctx);
        try
        {
            new NodeResource(ctx.status, server.meterRegistry).register(server.router);
            server.adminServer = AdminHttpServer.bind(
                server.eventLoops, ctx.adminHost, ctx.adminPort, ctx.adminMaxRequestBytes, server.router);
            final InetSocketAddress address = server.adminServer.localAddress();
            final String host = address.getAddress().getHostAddress();
            ctx.status.adminUrl("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
            ctx.status.networkTransport(server.eventLoops.transport());
            return server;
        }
        catch (final ListenerBindException | RuntimeException ex)
        {
            server.close();
            throw ex;
        }
    }

    /**
     * @return the shared event loops.
     */
    public EventLoops eventLoops()
    {
        return eventLoops;
    }

    /**
     * @return the node's meter registry, scraped on {@code /metrics}.
     */
    public PrometheusMeterRegistry meterRegistry()
    {
        return meterRegistry;
    }

    /**
     * @return the admin API's routes, for later components to add theirs.
     */
    public AdminRouter router()
    {
        return router;
    }

    /**
     * @return the admin API's bound address.
     */
    public InetSocketAddress adminAddress()
    {
        return adminServer.localAddress();
    }

    @Override
    public void close()
    {
        if (adminServer != null)
        {
            adminServer.close();
        }
        eventLoops.close();
        gcMetrics.close();
        meterRegistry.close();
    }
}
