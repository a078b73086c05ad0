package io.robustmq.kernel.config;

import io.robustmq.meta.cluster.MetaClusterMember;
import io.robustmq.meta.cluster.MetaIdleStrategy;
import io.robustmq.plugin.api.ConfigurationException;

import java.nio.file.Path;
import java.util.List;

/**
 * The kernel's configuration, read and validated once at start. Plugins' sections
 * ({@code plugins.<name>}) are read by the plugins themselves, through {@link #reader()}.
 */
public final class ServerConfig
{
    /** Network transports {@code network.transport} accepts. */
    public static final List<String> TRANSPORTS = List.of("auto", "epoll", "nio");

    public static final ConfigKey NODE_ID = new ConfigKey("node.id", "1",
        "The node's id, unique in a cluster: the id that /v1/node and the cluster API report.");
    public static final ConfigKey NODE_DATA_DIR = new ConfigKey("node.data_dir", "\"./data\"",
        "Directory of the node's data (journal, metadata, plugin state) and its pid file.");
    public static final ConfigKey NODE_PLUGINS_DIR = new ConfigKey("node.plugins_dir", "\"\"",
        "Directory whose jars are loaded as plugins; empty: plugins/ beside the node's lib/ directory.");
    public static final ConfigKey ADMIN_HOST = new ConfigKey("admin.host", "\"127.0.0.1\"",
        "Address the admin HTTP API (/health, /v1/..., /metrics) binds.");
    public static final ConfigKey ADMIN_PORT = new ConfigKey("admin.port", "58080",
        "Port of the admin HTTP API; 0 binds an ephemeral port.");
    public static final ConfigKey ADMIN_MAX_REQUEST_BYTES = new ConfigKey("admin.max_request_bytes", "65536",
        "Largest admin HTTP request (headers and body) accepted; larger ones get 413.");
    public static final ConfigKey NETWORK_HOST = new ConfigKey("network.host", "\"127.0.0.1\"",
        "Address a plugin's listener binds when its own host is empty; 0.0.0.0 for every interface.");
    public static final ConfigKey NETWORK_ADVERTISED_HOST = new ConfigKey("network.advertised_host", "\"\"",
        "The host other nodes tell clients to reach this node's listeners at (Kafka's Metadata); empty: a listener's " +
        "bound address, or this machine's host name for a listener bound to every interface.");
    public static final ConfigKey NETWORK_TRANSPORT = new ConfigKey("network.transport", "\"auto\"",
        "Event-loop transport: auto (native epoll where available, else NIO), epoll or nio.");
    public static final ConfigKey NETWORK_IO_THREADS = new ConfigKey("network.io_threads", "0",
        "Event-loop threads shared by every listener; 0: twice the number of cores.");
    public static final ConfigKey NETWORK_WEBSOCKET_MAX_FRAME_BYTES =
        new ConfigKey("network.websocket_max_frame_bytes", "1048576",
        "Largest WebSocket frame payload accepted on ws and wss listeners; a larger frame closes the connection.");

    public static final ConfigKey META_PORT = new ConfigKey("meta.port", "58090",
        "First of the five UDP ports of this node's Meta Service member (ingress, consensus, log, catch-up, " +
        "archive control).");
    public static final ConfigKey META_ADDRS = new ConfigKey("meta.addrs", "[]",
        "The members of a Meta Service cluster of 3 or 5 nodes, each \"<node id>=<host>:<first port>\", this node " +
        "included (its entry replaces meta.port); empty: a cluster of this node alone.");
    public static final ConfigKey META_NODE_TIMEOUT_MS = new ConfigKey("meta.node_timeout_ms", "5000",
        "A node that sends no heartbeat to the Meta Service for this long is marked down.");
    public static final ConfigKey META_SNAPSHOT_INTERVAL_MS = new ConfigKey("meta.snapshot_interval_ms", "3600000",
        "How often the Meta Service snapshots its state, so that a restart replays only the log after the last " +
        "snapshot; 0: never.");
    public static final ConfigKey META_AERON_DIR = new ConfigKey("meta.aeron_dir", "\"\"",
        "The Meta Service's Aeron directory; empty: /dev/shm/robustmq-member-<id>-<port> where /dev/shm exists, " +
        "else <data_dir>/meta/aeron. Deleted at start and stop.");
    public static final ConfigKey META_IDLE_STRATEGY = new ConfigKey("meta.idle_strategy",
        "\"" + MetaIdleStrategy.DEFAULT + "\"",
        "How the Meta Service's threads (media driver, archive, consensus module, service, client) wait for work: " +
        "backoff[:<longest park>], sleeping[:<sleep>], yielding or busy; a period is <n>us or <n>ms. " +
        "Shorter parks answer sooner and cost more CPU while idle; see docs/benchmarks.md.");

    /** Every kernel key, in the order of config/server.toml. */
    public static final List<ConfigKey> KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of(
        NODE_ID, NODE_DATA_DIR, NODE_PLUGINS_DIR,
        ADMIN_HOST, ADMIN_PORT, ADMIN_MAX_REQUEST_BYTES,
        NETWORK_HOST, NETWORK_ADVERTISED_HOST, NETWORK_TRANSPORT, NETWORK_IO_THREADS, NETWORK_WEBSOCKET_MAX_FRAME_BYTES,
        META_PORT, META_ADDRS, META_NODE_TIMEOUT_MS, META_SNAPSHOT_INTERVAL_MS, META_AERON_DIR,
        META_IDLE_STRATEGY),
        StorageConfig.KEYS.stream()).toList();

    /** Prefix of the plugins' sections; {@code plugins.<name>.enabled} is read by the kernel. */
    public static final String PLUGINS_PREFIX = "plugins.";

    private final ConfigReader reader;
    private final int nodeId;
    private final Path dataDir;
    private final Path pluginsDir;
    private final String adminHost;
    private final int adminPort;
    private final int adminMaxRequestBytes;
    private final String networkHost;
    private final String advertisedHost;
    private final String networkTransport;
    private final int ioThreads;
    private final int webSocketMaxFrameBytes;
    private final StorageConfig storage;
    private final int metaPort;
    private final long metaNodeTimeoutMs;
    private final String metaAeronDir;
    private final MetaIdleStrategy metaIdleStrategy;
    private final long metaSnapshotIntervalMs;
    private final List<MetaClusterMember.Context.Member> metaMembers;

    private ServerConfig(final ConfigReader reader)
    {
        this.reader = reader;
        nodeId = reader.getInt(NODE_ID.name(), 1, 0, Integer.MAX_VALUE);
        dataDir = Path.of(nonEmpty(NODE_DATA_DIR, reader.getString(NODE_DATA_DIR.name(), "./data")));
        final String plugins = reader.getString(NODE_PLUGINS_DIR.name(), "");
        pluginsDir = plugins.isEmpty() ? null : Path.of(plugins);
        adminHost = nonEmpty(ADMIN_HOST, reader.getString(ADMIN_HOST.name(), "127.0.0.1"));
        adminPort = reader.getInt(ADMIN_PORT.name(), 58080, 0, 65535);
        adminMaxRequestBytes = reader.getInt(ADMIN_MAX_REQUEST_BYTES.name(), 65536, 1024, 16 * 1024 * 1024);
        networkHost = nonEmpty(NETWORK_HOST, reader.getString(NETWORK_HOST.name(), "127.0.0.1"));
        advertisedHost = reader.getString(NETWORK_ADVERTISED_HOST.name(), "");
        networkTransport = reader.getChoice(NETWORK_TRANSPORT.name(), "auto", TRANSPORTS);
        ioThreads = reader.getInt(NETWORK_IO_THREADS.name(), 0, 0, 1024);
        webSocketMaxFrameBytes =
            reader.getInt(NETWORK_WEBSOCKET_MAX_FRAME_BYTES.name(), 1024 * 1024, 125, 256 * 1024 * 1024);
        metaPort = reader.getInt(META_PORT.name(), 58090, 1, 65530);
        metaNodeTimeoutMs = reader.getLong(META_NODE_TIMEOUT_MS.name(), 5000, 100, 3_600_000);
        metaSnapshotIntervalMs = reader.getLong(META_SNAPSHOT_INTERVAL_MS.name(), 3_600_000, 0, Long.MAX_VALUE);
        metaAeronDir = reader.getString(META_AERON_DIR.name(), "");
        metaIdleStrategy = reader.getParsed(META_IDLE_STRATEGY.name(), MetaIdleStrategy.DEFAULT, MetaIdleStrategy::parse);
        metaMembers = parseMembers(reader.getStringList(META_ADDRS.name()), nodeId);
        storage = new StorageConfig(reader);
    }

    /**
     * Read and validate the kernel's keys; any other key outside {@code plugins.} is an error.
     *
     * @param source the values given.
     * @return the configuration.
     * @throws ConfigurationException naming the first key that is wrong or unknown.
     */
    public static ServerConfig read(final ConfigSource source)
    {
        final ServerConfig config = new ServerConfig(new ConfigReader(source));
        for (final ConfigSource.UnknownKey unknown : source.unknownKeys(""))
        {
            final boolean pluginKey = unknown.key().startsWith(PLUGINS_PREFIX) ||
                unknown.key().startsWith(ConfigSource.environmentName("plugins") + "_");
            if (!pluginKey)
            {
                throw new ConfigurationException(unknown.key(), "unknown key (in " + unknown.origin() + ")");
            }
        }
        return config;
    }

    private static List<MetaClusterMember.Context.Member> parseMembers(final List<String> addrs, final int nodeId)
    {
        final List<MetaClusterMember.Context.Member> members = new java.util.ArrayList<>();
        final java.util.Set<Integer> ids = new java.util.HashSet<>();
        for (final String addr : addrs)
        {
            final int equals = addr.indexOf('=');
            final int colon = addr.lastIndexOf(':');
            try
            {
                if (equals < 1 || colon < equals + 2)
                {
                    throw new NumberFormatException();
                }
                final MetaClusterMember.Context.Member member = new MetaClusterMember.Context.Member(Integer.parseInt(addr.substring(0, equals)),
                    addr.substring(equals + 1, colon), Integer.parseInt(addr.substring(colon + 1)));
                if (member.basePort() < 1 || member.basePort() > 65530 || !ids.add(member.id()))
                {
                    throw new NumberFormatException();
                }
                members.add(member);
            }
            catch (final NumberFormatException ex)
            {
                throw new ConfigurationException(META_ADDRS.name(), "expected distinct \"<node id>=<host>:<port>\" " +
                    "entries, got '" + addr + "'");
            }
        }
        if (!members.isEmpty() && !ids.contains(nodeId))
        {
            throw new ConfigurationException(META_ADDRS.name(), "does not list this node, " + nodeId);
        }
        return List.copyOf(members);
    }

    private static String nonEmpty(final ConfigKey key, final String value)
    {
        if (value.isBlank())
        {
            throw new ConfigurationException(key.name(), "must not be empty");
        }
        return value;
    }

    /**
     * @return the reader over every value given, for the plugins' sections.
     */
    public ConfigReader reader()
    {
        return reader;
    }

    /**
     * @return {@code node.id}.
     */
    public int nodeId()
    {
        return nodeId;
    }

    /**
     * @return {@code node.data_dir}.
     */
    public Path dataDir()
    {
        return dataDir;
    }

    /**
     * @return {@code node.plugins_dir}, or null for the default beside the node's lib/ directory.
     */
    public Path pluginsDir()
    {
        return pluginsDir;
    }

    /**
     * @return {@code admin.host}.
     */
    public String adminHost()
    {
        return adminHost;
    }

    /**
     * @return {@code admin.port}.
     */
    public int adminPort()
    {
        return adminPort;
    }

    /**
     * @return {@code admin.max_request_bytes}.
     */
    public int adminMaxRequestBytes()
    {
        return adminMaxRequestBytes;
    }

    /**
     * @return {@code network.host}.
     */
    public String networkHost()
    {
        return networkHost;
    }

    /**
     * @return {@code network.advertised_host}; empty when not set.
     */
    public String advertisedHost()
    {
        return advertisedHost;
    }

    /**
     * @return {@code network.transport}: auto, epoll or nio.
     */
    public String networkTransport()
    {
        return networkTransport;
    }

    /**
     * @return {@code network.io_threads}; 0 for twice the number of cores.
     */
    public int ioThreads()
    {
        return ioThreads;
    }

    /**
     * @return {@code meta.port}.
     */
    public int metaPort()
    {
        return metaPort;
    }

    /**
     * @return {@code meta.node_timeout_ms}.
     */
    public long metaNodeTimeoutMs()
    {
        return metaNodeTimeoutMs;
    }

    /**
     * @return {@code meta.addrs}: the cluster's members, or empty for a cluster of this node alone.
     */
    public List<MetaClusterMember.Context.Member> metaMembers()
    {
        return metaMembers;
    }

    /**
     * @return {@code meta.snapshot_interval_ms}; 0 for never.
     */
    public long metaSnapshotIntervalMs()
    {
        return metaSnapshotIntervalMs;
    }

    /**
     * @return {@code meta.aeron_dir}, or empty for the default.
     */
    public String metaAeronDir()
    {
        return metaAeronDir;
    }

    /**
     * @return {@code meta.idle_strategy}.
     */
    public MetaIdleStrategy metaIdleStrategy()
    {
        return metaIdleStrategy;
    }

    /**
     * @return the {@code storage.*} settings.
     */
    public StorageConfig storage()
    {
        return storage;
    }

    /**
     * @return {@code network.websocket_max_frame_bytes}.
     */
    public int webSocketMaxFrameBytes()
    {
        return webSocketMaxFrameBytes;
    }
}
