package io.robustmq.plugin.kafka.api;

import io.netty.channel.EventLoop;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What a handler knows of the connection a request came on. Used on the connection's event loop
 * only.
 */
public final class ClientConnection
{
    private final EventLoop eventLoop;
    private final InetSocketAddress localAddress;
    private final InetSocketAddress remoteAddress;
    private CompletableFuture<Void> lastSubmission = CompletableFuture.completedFuture(null);

    /**
     * @param eventLoop    the connection's event loop, where handlers run and continue.
     * @param localAddress  the address the client reached this node at.
     * @param remoteAddress the client's address.
     */
    public ClientConnection(final EventLoop eventLoop, final InetSocketAddress localAddress,
        final InetSocketAddress remoteAddress)
    {
        this.eventLoop = eventLoop;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
    }

    /**
     * @return the client's host, as DescribeGroups shows it: {@code /<address>}.
     */
    public String clientHost()
    {
        return remoteAddress == null ? "" : "/" + remoteAddress.getAddress().getHostAddress();
    }

    public EventLoop eventLoop()
    {
        return eventLoop;
    }

    public InetSocketAddress localAddress()
    {
        return localAddress;
    }

    /**
     * Run a step that hands batches to shards after every step this connection ran before it has
     * handed its own over: a producer's batches reach a partition in the order it sent them, even
     * when an earlier one waits for its partition to open.
     *
     * @param step starts the handing over; completes once it is done.
     * @return completes when the step has.
     */
    CompletableFuture<Void> inOrder(final Supplier<CompletableFuture<Void>> step)
    {
        lastSubmission = lastSubmission.isDone() ? step.get() :
            lastSubmission.handleAsync((done, failure) -> step.get(), eventLoop).thenCompose(next -> next);
        return lastSubmission;
    }
}
