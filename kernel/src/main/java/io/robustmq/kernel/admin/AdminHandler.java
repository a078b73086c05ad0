package io.robustmq.kernel.admin;

import io.netty.handler.codec.http.FullHttpRequest;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Answers one route of the admin API.
 * <p>
 * Threading: called on an event loop; must not block. Read what the request holds before
 * returning (it is released afterwards); a route that waits for something (a cluster command)
 * returns a stage that completes later, on any thread.
 */
@FunctionalInterface
public interface AdminHandler
{
    /**
     * @param request the request, released by the caller once this returns.
     * @return the answer, now or later.
     */
    CompletionStage<AdminResponse> handle(FullHttpRequest request);

    /**
     * @param response an answer ready now.
     * @return it, as a completed stage.
     */
    static CompletionStage<AdminResponse> now(final AdminResponse response)
    {
        return CompletableFuture.completedFuture(response);
    }
}
