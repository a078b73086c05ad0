package io.robustmq.kernel.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a method and a path to a handler: an exact path, or a prefix ending in {@code /} for paths
 * that carry a name ({@code /v1/topics/orders}); 404 for an unknown path, 405 for a known path
 * with another method.
 */
public final class AdminRouter
{
    private final Map<String, Map<HttpMethod, AdminHandler>> routes = new ConcurrentHashMap<>();
    private final Map<String, Map<HttpMethod, AdminHandler>> prefixes = new ConcurrentHashMap<>();

    /**
     * @param method  the HTTP method.
     * @param path    the exact path, e.g. {@code /v1/node}.
     * @param handler what answers it.
     * @return this router.
     */
    public AdminRouter route(final HttpMethod method, final String path, final AdminHandler handler)
    {
        routes.computeIfAbsent(path, ignored -> new TreeMap<>()).put(method, handler);
        return this;
    }

    /**
     * @param method  the HTTP method.
     * @param prefix  a path prefix ending in {@code /}, e.g. {@code /v1/topics/}; the rest of the
     *                path is the handler's to read ({@link #remainder}).
     * @param handler what answers it.
     * @return this router.
     */
    public AdminRouter routePrefix(final HttpMethod method, final String prefix, final AdminHandler handler)
    {
        prefixes.computeIfAbsent(prefix, ignored -> new TreeMap<>()).put(method, handler);
        return this;
    }

    /**
     * @param request a request routed by prefix.
     * @param prefix  the prefix it was routed by.
     * @return the rest of its path, URL-decoded (so a name may hold {@code /} as {@code %2F}).
     */
    public static String remainder(final FullHttpRequest request, final String prefix)
    {
        final String raw = request.uri();
        final int query = raw.indexOf('?');
        final String path = query < 0 ? raw : raw.substring(0, query);
        return QueryStringDecoder.decodeComponent(path.substring(prefix.length()));
    }

    CompletionStage<AdminResponse> dispatch(final FullHttpRequest request)
    {
        final String path = new QueryStringDecoder(request.uri()).path();
        Map<HttpMethod, AdminHandler> byMethod = routes.get(path);
        if (byMethod == null)
        {
            String longest = null;
            for (final String prefix : prefixes.keySet())
            {
                if (path.startsWith(prefix) && path.length() > prefix.length() &&
                    (longest == null || prefix.length() > longest.length()))
                {
                    longest = prefix;
                }
            }
            byMethod = longest == null ? null : prefixes.get(longest);
        }
        if (byMethod == null)
        {
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no such resource: " + path));
        }
        final AdminHandler handler = byMethod.get(request.method());
        if (handler == null)
        {
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                request.method() + " is not allowed on " + path + "; allowed: " + byMethod.keySet()));
        }
        return handler.handle(request);
    }
}
