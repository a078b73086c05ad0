package io.robustmq.plugin.api;

import io.micrometer.core.instrument.MeterRegistry;
import io.robustmq.plugin.api.cursor.CursorStore;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.storage.Shards;

import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What the kernel lends a plugin: its configuration, the node's shards and cursors, the cluster's
 * metadata, meters, a data directory, a clock and a scheduler.
 */
public interface PluginContext
{
    /**
     * @return the id of the node hosting the plugin.
     */
    int nodeId();

    /**
     * @return the plugin's configuration section.
     */
    PluginConfig config();

    /**
     * @return the node's shards as this plugin sees them: every topic's, by (topic, partition), where
     * the plugin stores messages; and its private ones, in a namespace bound to its name, where it
     * keeps its durable state.
     */
    Shards shards();

    /**
     * @return the node's cursor store: where consumer groups keep their committed offsets and
     * unacknowledged deliveries durably, recovered before the plugin was created.
     */
    CursorStore cursors();

    /**
     * @return the cluster's metadata: topics, shards and their leaders, nodes, consumer groups,
     * users and ACLs, with watches.
     */
    Metadata metadata();

    /**
     * @return the node's meter registry; the plugin's meters are exported on {@code /metrics}.
     */
    MeterRegistry meterRegistry();

    /**
     * @return a directory of the plugin's own under the node's data directory, created.
     */
    Path dataDirectory();

    /**
     * @return the node's wall clock.
     */
    Clock clock();

    /**
     * A scheduler for node-wide timers, running on the shared event loops: tasks must not block.
     * Per-connection timers belong on the connection's own event loop.
     *
     * @return the scheduler; it is shut down by the kernel, never by a plugin.
     */
    ScheduledExecutorService scheduler();

    /**
     * @return the host a listener binds when its configuration names none ({@code network.host}).
     */
    String defaultHost();

    /**
     * @return the host clients are told to reach this node at ({@code network.advertised_host}), or
     * empty when not set; other nodes find this node's listeners in
     * {@link io.robustmq.plugin.api.metadata.NodeInfo#endpoints()}.
     */
    default String advertisedHost()
    {
        return "";
    }
}
