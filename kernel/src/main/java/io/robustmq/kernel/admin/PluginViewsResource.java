package io.robustmq.kernel.admin;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The plugins' admin views ({@code ProtocolPlugin.adminViews()}):
 * <pre>
 * GET /v1/plugins/&lt;plugin&gt;/&lt;view&gt;   the view, as JSON
 * </pre>
 * 404 for a plugin or view that is not there; 500 if the view fails.
 */
public final class PluginViewsResource
{
    private static final String PREFIX = "/v1/plugins/";

    private final Map<String, Map<String, Supplier<Object>>> views;

    /**
     * @param views the views, by plugin name, then view name.
     */
    public PluginViewsResource(final Map<String, Map<String, Supplier<Object>>> views)
    {
        this.views = views;
    }

    /**
     * @param router where the route goes.
     */
    public void register(final AdminRouter router)
    {
        router.routePrefix(HttpMethod.GET, PREFIX, request ->
        {
            final String path = AdminRouter.remainder(request, PREFIX);
            final int slash = path.indexOf('/');
            final Map<String, Supplier<Object>> plugin = slash < 0 ? null : views.get(path.substring(0, slash));
            final Supplier<Object> view = plugin == null ? null : plugin.get(path.substring(slash + 1));
            if (view == null)
            {
                return AdminHandler.now(AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no plugin view " + path +
                    " (views: " + names() + ")"));
            }
            try
            {
                return AdminHandler.now(AdminResponse.json(HttpResponseStatus.OK, view.get()));
            }
            catch (final RuntimeException ex)
            {
                return AdminHandler.now(AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "view " + path +
                    " failed: " + ex.getMessage()));
            }
        });
    }

    private String names()
    {
        final StringBuilder names = new StringBuilder();
        views.forEach((plugin, own) -> own.keySet().forEach(view ->
            names.append(names.length() == 0 ? "" : ", ").append(plugin).append('/').append(view)));
        return names.toString();
    }
}
