package io.robustmq.kernel.admin;

import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Answers one route of the admin API.
 * <p>
 * Threading: called on an event loop; must not block. A route that must wait (a cluster command)
 * will return a future in a later version of this interface.
 */
@FunctionalInterface
public interface AdminHandler
{
    /**
     * @param request the request, released by the caller afterwards.
     * @return the answer.
     */
    AdminResponse handle(FullHttpRequest request);
}
