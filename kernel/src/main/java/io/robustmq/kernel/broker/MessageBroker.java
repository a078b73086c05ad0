package io.robustmq.kernel.broker;

import io.micrometer.core.instrument.MeterRegistry;
import io.robustmq.kernel.config.ConfigReader;
import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.PluginConfigView;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.kernel.network.BoundListener;
import io.robustmq.kernel.network.ListenerBindException;
import io.robustmq.kernel.network.ListenerBinder;
import io.robustmq.kernel.plugin.DiscoveredPlugin;
import io.robustmq.kernel.plugin.KernelPluginContext;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.kernel.plugin.PluginLoadException;
import io.robustmq.kernel.plugin.PluginLoader;
import io.robustmq.kernel.status.NodeStatus;
import io.robustmq.kernel.status.PluginStatus;
import io.robustmq.kernel.storage.StorageAdapter;
import io.robustmq.plugin.api.ConfigurationException;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.cursor.CursorStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;

/**
 * The last component of a node: discovers the protocol plugins, creates the enabled ones, binds
 * their listeners on the shared event loops and starts them. All or nothing: any failure undoes
 * what was done and names the plugin, its jar, and the reason.
 */
public final class MessageBroker implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MessageBroker.class);

    /**
     * What the Message Broker is started with.
     */
    public static final class Context
    {
        private ServerConfig config;
        private NodeStatus status;
        private MeterRegistry meterRegistry;
        private ListenerBinder binder;
        private ScheduledExecutorService scheduler;
        private StorageAdapter storage;
        private CursorStore cursors;
        private Metadata metadata;
        private Path pluginsDir;
        private ClassLoader kernelLoader = MessageBroker.class.getClassLoader();

        public Context config(final ServerConfig config)
        {
            this.config = config;
            return this;
        }

        public Context status(final NodeStatus status)
        {
            this.status = status;
            return this;
        }

        public Context meterRegistry(final MeterRegistry meterRegistry)
        {
            this.meterRegistry = meterRegistry;
            return this;
        }

        public Context binder(final ListenerBinder binder)
        {
            this.binder = binder;
            return this;
        }

        public Context scheduler(final ScheduledExecutorService scheduler)
        {
            this.scheduler = scheduler;
            return this;
        }

        /**
         * @param storage the Storage Adapter; each plugin gets a view of it bound to its name.
         * @return this.
         */
        public Context storage(final StorageAdapter storage)
        {
            this.storage = storage;
            return this;
        }

        public Context cursors(final CursorStore cursors)
        {
            this.cursors = cursors;
            return this;
        }

        /**
         * @param pluginsDir the directory of plugin jars, or null for none.
         * @return this.
         */
        public Context metadata(final Metadata metadata)
        {
            this.metadata = metadata;
            return this;
        }

        public Context pluginsDir(final Path pluginsDir)
        {
            this.pluginsDir = pluginsDir;
            return this;
        }

        public Context kernelLoader(final ClassLoader kernelLoader)
        {
            this.kernelLoader = kernelLoader;
            return this;
        }

        void conclude()
        {
            Objects.requireNonNull(config, "config");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(meterRegistry, "meterRegistry");
            Objects.requireNonNull(binder, "binder");
            Objects.requireNonNull(scheduler, "scheduler");
            Objects.requireNonNull(storage, "storage");
            Objects.requireNonNull(cursors, "cursors");
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    private record RunningPlugin(DiscoveredPlugin discovered, ProtocolPlugin plugin, List<ListenerSpec> specs)
    {
    }

    private final List<DiscoveredPlugin> discovered;
    private final List<RunningPlugin> running = new ArrayList<>();
    private final List<BoundListener> listeners = new ArrayList<>();

    private MessageBroker(final List<DiscoveredPlugin> discovered)
    {
        this.discovered = discovered;
    }

    /**
     * @param ctx what to start with.
     * @return the started broker.
     * @throws PluginLoadException     if a plugin cannot be loaded, created or started.
     * @throws ListenerBindException   if a listener cannot be bound.
     * @throws ConfigurationException  if a plugin's configuration is wrong.
     */
    public static MessageBroker launch(final Context ctx) throws PluginLoadException, ListenerBindException
    {
        ctx.conclude();
        final MessageBroker broker = new MessageBroker(PluginLoader.discover(ctx.kernelLoader, ctx.pluginsDir));
        try
        {
            broker.createPlugins(ctx);
            broker.checkPorts();
            broker.bindListeners(ctx);
            broker.startPlugins();
            broker.report(ctx.status);
            return broker;
        }
        catch (final PluginLoadException | ListenerBindException | RuntimeException ex)
        {
            broker.close();
            throw ex;
        }
    }

    private void createPlugins(final Context ctx) throws PluginLoadException
    {
        final ConfigReader reader = ctx.config.reader();
        final Set<String> disabled = new HashSet<>();
        for (final DiscoveredPlugin plugin : discovered)
        {
            final String prefix = ServerConfig.PLUGINS_PREFIX + plugin.name();
            if (!reader.getBoolean(prefix + ".enabled", true))
            {
                disabled.add(plugin.name());
                continue;
            }
            final KernelPluginContext context = new KernelPluginContext(
                ctx.config.nodeId(),
                new PluginConfigView(reader, prefix),
                ctx.meterRegistry,
                ctx.storage.forPlugin(plugin.name()),
                ctx.cursors,
                ctx.metadata,
                ctx.config.dataDir().resolve("plugins").resolve(plugin.name()),
                ctx.scheduler,
                ctx.config.networkHost(),
                ctx.config.advertisedHost());
            final ProtocolPlugin created = inPluginLoader(plugin, "create", () -> plugin.factory().create(context));
            final List<ListenerSpec> specs = inPluginLoader(plugin, "listeners", () -> List.copyOf(created.listeners()));
            running.add(new RunningPlugin(plugin, created, specs));
            final Set<String> names = new HashSet<>();
            for (final ListenerSpec spec : specs)
            {
                if (!names.add(spec.name()))
                {
                    throw new PluginLoadException("plugin " + describe(plugin) + ": two listeners are named '" +
                        spec.name() + "'", null);
                }
            }
        }
        checkUnknownKeys(reader.source(), disabled);
    }

    private void checkUnknownKeys(final ConfigSource source, final Set<String> disabled)
    {
        final Set<String> loaded = discovered.stream().map(DiscoveredPlugin::name)
            .collect(Collectors.toCollection(java.util.TreeSet::new));
        for (final ConfigSource.UnknownKey unknown : source.unknownKeys(ServerConfig.PLUGINS_PREFIX))
        {
            final String[] parts = unknown.key().split("\\.", 3);
            if (parts.length >= 2 && parts[0].equals("plugins"))
            {
                if (disabled.contains(parts[1]))
                {
                    continue;
                }
                if (!loaded.contains(parts[1]))
                {
                    throw new ConfigurationException("plugins." + parts[1], "no plugin named '" + parts[1] +
                        "' is loaded (in " + unknown.origin() + "; loaded: " + String.join(", ", loaded) + ")");
                }
            }
            else if (disabled.stream().anyMatch(name ->
                unknown.key().startsWith(ConfigSource.environmentName("plugins." + name) + "_")))
            {
                continue;
            }
            throw new ConfigurationException(unknown.key(), "unknown key (in " + unknown.origin() + ")");
        }
    }

    private void checkPorts() throws PluginLoadException
    {
        final Map<Integer, String> owners = new HashMap<>();
        for (final RunningPlugin plugin : running)
        {
            for (final ListenerSpec spec : plugin.specs())
            {
                if (spec.port() == 0)
                {
                    continue;
                }
                final String owner = plugin.discovered().name() + "/" + spec.name() + " (" + plugin.discovered().jar() + ")";
                final String other = owners.putIfAbsent(spec.port(), owner);
                if (other != null)
                {
                    throw new PluginLoadException("port " + spec.port() + " is wanted by two listeners: " + other +
                        " and " + owner, null);
                }
            }
        }
    }

    private void bindListeners(final Context ctx) throws ListenerBindException
    {
        for (final RunningPlugin plugin : running)
        {
            for (final ListenerSpec spec : plugin.specs())
            {
                final BoundListener bound = ctx.binder.bind(plugin.discovered().name(), plugin.plugin(), spec);
                listeners.add(bound);
                LOG.info("listener {}/{} bound at {}", plugin.discovered().name(), spec.name(), bound.status().url());
            }
        }
    }

    private void startPlugins() throws PluginLoadException
    {
        for (final RunningPlugin plugin : running)
        {
            inPluginLoader(plugin.discovered(), "start", () ->
            {
                plugin.plugin().start();
                return null;
            });
        }
    }

    private void report(final NodeStatus status)
    {
        for (final BoundListener listener : listeners)
        {
            status.listeners().add(listener.status());
        }
        for (final DiscoveredPlugin plugin : discovered)
        {
            final List<String> names = new ArrayList<>();
            boolean enabled = false;
            for (final RunningPlugin each : running)
            {
                if (each.discovered() == plugin)
                {
                    enabled = true;
                    each.specs().forEach(spec -> names.add(spec.name()));
                }
            }
            status.plugins().add(new PluginStatus(
                plugin.name(), plugin.jar(), plugin.origin(), plugin.version(), enabled, List.copyOf(names)));
        }
    }

    /**
     * @return the plugins discovered, enabled or not.
     */
    /**
     * @return the admin views of the plugins running, by plugin name, then view name.
     */
    public java.util.Map<String, java.util.Map<String, java.util.function.Supplier<Object>>> adminViews()
    {
        final java.util.Map<String, java.util.Map<String, java.util.function.Supplier<Object>>> views =
            new java.util.TreeMap<>();
        for (final RunningPlugin plugin : running)
        {
            final java.util.Map<String, java.util.function.Supplier<Object>> own = plugin.plugin().adminViews();
            if (!own.isEmpty())
            {
                views.put(plugin.discovered().name(), java.util.Map.copyOf(own));
            }
        }
        return views;
    }

    public List<DiscoveredPlugin> discovered()
    {
        return discovered;
    }

    /**
     * @return the bound listeners.
     */
    public List<BoundListener> listeners()
    {
        return List.copyOf(listeners);
    }

    /**
     * @return a one-line summary for the admin API.
     */
    public String describeState()
    {
        return running.size() + " of " + discovered.size() + " plugins enabled, " + listeners.size() + " listeners bound";
    }

    /**
     * Unbind every listener, then close every plugin and its class loader, in reverse order.
     */
    @Override
    public void close()
    {
        for (int i = listeners.size() - 1; i >= 0; i--)
        {
            listeners.get(i).close();
        }
        listeners.clear();
        for (int i = running.size() - 1; i >= 0; i--)
        {
            final RunningPlugin plugin = running.get(i);
            try
            {
                inPluginLoader(plugin.discovered(), "close", () ->
                {
                    plugin.plugin().close();
                    return null;
                });
            }
            catch (final PluginLoadException ex)
            {
                LOG.warn(ex.getMessage(), ex.getCause());
            }
        }
        running.clear();
        discovered.forEach(DiscoveredPlugin::closeClassLoader);
    }

    private interface PluginCall<T>
    {
        T call() throws Exception;
    }

    private static <T> T inPluginLoader(final DiscoveredPlugin plugin, final String what, final PluginCall<T> call)
        throws PluginLoadException
    {
        final Thread thread = Thread.currentThread();
        final ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(plugin.loader());
        try
        {
            return call.call();
        }
        catch (final ConfigurationException ex)
        {
            throw ex;
        }
        catch (final Exception | LinkageError ex)
        {
            throw new PluginLoadException("plugin " + describe(plugin) + ": " + what + " failed: " +
                String.valueOf(ex.getMessage()).replace('\n', ' '), ex);
        }
        finally
        {
            thread.setContextClassLoader(previous);
        }
    }

    private static String describe(final DiscoveredPlugin plugin)
    {
        return plugin.name() + " (" + plugin.jar() + ")";
    }
}
