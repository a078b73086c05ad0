package io.robustmq.kernel.status;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What a node is and how it is doing: the admin API's view of it, filled in as components start.
 * Thread-safe: written at start-up and shutdown, read by admin requests.
 */
public final class NodeStatus
{
    private final int nodeId;
    private final String version;
    private final long pid;
    private final Instant startedAt;
    private final long startNanos;
    private final List<ComponentStatus> components;
    private final List<ListenerStatus> listeners = new CopyOnWriteArrayList<>();
    private final List<PluginStatus> plugins = new CopyOnWriteArrayList<>();
    private volatile String networkTransport = "";
    private volatile String adminUrl = "";

    /**
     * @param nodeId         the node's id.
     * @param version        the build's version.
     * @param componentNames the components, in start-up order.
     */
    public NodeStatus(final int nodeId, final String version, final List<String> componentNames)
    {
        this.nodeId = nodeId;
        this.version = version;
        this.pid = ProcessHandle.current().pid();
        this.startedAt = Instant.now();
        this.startNanos = System.nanoTime();
        final List<ComponentStatus> list = new ArrayList<>();
        for (final String name : componentNames)
        {
            list.add(new ComponentStatus(name));
        }
        this.components = List.copyOf(list);
    }

    public int nodeId()
    {
        return nodeId;
    }

    public String version()
    {
        return version;
    }

    public long pid()
    {
        return pid;
    }

    public Instant startedAt()
    {
        return startedAt;
    }

    /**
     * @return milliseconds since the node began to start.
     */
    public long uptimeMs()
    {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    /**
     * @return the components in start-up order.
     */
    public List<ComponentStatus> components()
    {
        return components;
    }

    /**
     * @param name a component's name.
     * @return its status.
     * @throws IllegalArgumentException if there is no such component.
     */
    public ComponentStatus component(final String name)
    {
        for (final ComponentStatus component : components)
        {
            if (component.name().equals(name))
            {
                return component;
            }
        }
        throw new IllegalArgumentException("no component " + name);
    }

    /**
     * @return the first component, in start-up order, that is not ready; empty when all are.
     */
    public Optional<ComponentStatus> firstNotReady()
    {
        for (final ComponentStatus component : components)
        {
            if (component.state() != ComponentState.READY)
            {
                return Optional.of(component);
            }
        }
        return Optional.empty();
    }

    /**
     * @return the bound protocol listeners.
     */
    public List<ListenerStatus> listeners()
    {
        return listeners;
    }

    /**
     * @return the discovered plugins.
     */
    public List<PluginStatus> plugins()
    {
        return plugins;
    }

    /**
     * @return the event-loop transport in use, e.g. {@code epoll}.
     */
    public String networkTransport()
    {
        return networkTransport;
    }

    /**
     * @param networkTransport the event-loop transport in use.
     */
    public void networkTransport(final String networkTransport)
    {
        this.networkTransport = networkTransport;
    }

    /**
     * @return the admin API's base URL, e.g. {@code http://127.0.0.1:58080}; empty until bound.
     */
    public String adminUrl()
    {
        return adminUrl;
    }

    /**
     * @param adminUrl the admin API's base URL.
     */
    public void adminUrl(final String adminUrl)
    {
        this.adminUrl = adminUrl;
    }
}
