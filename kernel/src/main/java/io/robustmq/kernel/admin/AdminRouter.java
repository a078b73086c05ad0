package io.robustmq.kernel.admin;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps a method and an exact path to a handler: 404 for an unknown path, 405 for a known path
 * with another method.
 */
public final class AdminRouter
{
    private final Map<String, Map<HttpMethod, AdminHandler>> routes = new ConcurrentHashMap<>();

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

    AdminResponse dispatch(final FullHttpRequest request)
    {
        final String path = new QueryStringDecoder(request.uri()).path();
        final Map<HttpMethod, AdminHandler> byMethod = routes.get(path);
        if (byMethod == null)
        {
            return AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no such resource: " + path);
        }
        final AdminHandler handler = byMethod.get(request.method());
        if (handler == null)
        {
            return AdminResponse.error(HttpResponseStatus.METHOD_NOT_ALLOWED,
                request.method() + " is not allowed on " + path + "; allowed: " + byMethod.keySet());
        }
        return handler.handle(request);
    }
}
