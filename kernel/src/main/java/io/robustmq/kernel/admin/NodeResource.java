package io.robustmq.kernel.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.robustmq.kernel.status.ComponentStatus;
import io.robustmq.kernel.status.ListenerStatus;
import io.robustmq.kernel.status.NodeStatus;
import io.robustmq.kernel.status.PluginStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The node's own admin routes: {@code GET /health}, {@code GET /v1/node} and Prometheus
 * {@code GET /metrics}.
 */
public final class NodeResource
{
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final NodeStatus status;
    private final PrometheusMeterRegistry registry;

    /**
     * @param status   the node's status.
     * @param registry the node's meter registry.
     */
    public NodeResource(final NodeStatus status, final PrometheusMeterRegistry registry)
    {
        this.status = status;
        this.registry = registry;
    }

    /**
     * @param router where to add the routes.
     */
    public void register(final AdminRouter router)
    {
        router
            .route(HttpMethod.GET, "/health", request -> AdminHandler.now(health()))
            .route(HttpMethod.GET, "/v1/node", request -> AdminHandler.now(node()))
            .route(HttpMethod.GET, "/metrics", request ->
                AdminHandler.now(AdminResponse.text(HttpResponseStatus.OK, PROMETHEUS_TEXT, registry.scrape())));
    }

    AdminResponse health()
    {
        final Optional<ComponentStatus> notReady = status.firstNotReady();
        if (notReady.isEmpty())
        {
            return AdminResponse.json(HttpResponseStatus.OK, Map.of("status", "ready"));
        }
        final ComponentStatus component = notReady.get();
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "not ready");
        body.put("component", component.name());
        body.put("state", component.state().label());
        return AdminResponse.json(HttpResponseStatus.SERVICE_UNAVAILABLE, body);
    }

    AdminResponse node()
    {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", status.nodeId());
        body.put("version", status.version());
        body.put("pid", status.pid());
        body.put("started_at", status.startedAt().toString());
        body.put("uptime_ms", status.uptimeMs());
        body.put("admin", status.adminUrl());
        body.put("network_transport", status.networkTransport());

        final List<Object> components = new ArrayList<>();
        for (final ComponentStatus component : status.components())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", component.name());
            entry.put("state", component.state().label());
            entry.put("detail", component.detail());
            components.add(entry);
        }
        body.put("components", components);

        final List<Object> listeners = new ArrayList<>();
        for (final ListenerStatus listener : status.listeners())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("plugin", listener.plugin());
            entry.put("name", listener.name());
            entry.put("transport", listener.transport());
            entry.put("url", listener.url());
            entry.put("host", listener.host());
            entry.put("port", listener.port());
            entry.put("connections", listener.activeConnections().getAsInt());
            entry.put("max_connections", listener.maxConnections());
            listeners.add(entry);
        }
        body.put("listeners", listeners);

        final List<Object> plugins = new ArrayList<>();
        for (final PluginStatus plugin : status.plugins())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", plugin.name());
            entry.put("jar", plugin.jar());
            entry.put("origin", plugin.origin());
            entry.put("version", plugin.version());
            entry.put("enabled", plugin.enabled());
            entry.put("listeners", plugin.listeners());
            plugins.add(entry);
        }
        body.put("plugins", plugins);
        return AdminResponse.json(HttpResponseStatus.OK, body);
    }
}
