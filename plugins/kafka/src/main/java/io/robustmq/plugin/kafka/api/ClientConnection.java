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
    private final boolean saslRequired;
    private final String listenerName;
    private CompletableFuture<Void> lastSubmission = CompletableFuture.completedFuture(null);
    private String user;
    private String saslMechanism;
    private javax.security.sasl.SaslServer saslServer;
    private String clientId = "";
    private boolean rawSaslTokens;

    /**
     * @param eventLoop    the connection's event loop, where handlers run and continue.
     * @param localAddress  the address the client reached this node at.
     * @param remoteAddress the client's address.
     * @param saslRequired  whether the client must authenticate (SaslHandshake, SaslAuthenticate)
     *                      before anything else but ApiVersions.
     * @param listenerName  the name of the listener the client reached ({@code tcp}, {@code tls}, ...).
     */
    public ClientConnection(final EventLoop eventLoop, final InetSocketAddress localAddress,
        final InetSocketAddress remoteAddress, final boolean saslRequired, final String listenerName)
    {
        this.eventLoop = eventLoop;
        this.localAddress = localAddress;
        this.remoteAddress = remoteAddress;
        this.saslRequired = saslRequired;
        this.listenerName = listenerName;
    }

    /**
     * @return the name of the listener the client reached.
     */
    public String listenerName()
    {
        return listenerName;
    }

    /**
     * @return whether the listener requires SASL authentication.
     */
    public boolean saslRequired()
    {
        return saslRequired;
    }

    /**
     * @return true once the client may send anything: it authenticated, or the listener does not ask.
     */
    public boolean mayProceed()
    {
        return !saslRequired || user != null;
    }

    /**
     * @return the authenticated user's name; empty for a client of a listener without SASL (anonymous).
     */
    public String user()
    {
        return user == null ? "" : user;
    }

    void authenticated(final String name)
    {
        this.user = name;
        this.saslServer = null;
        this.rawSaslTokens = false;
    }

    /**
     * @return true after a SaslHandshake version 0: the client's next frames are bare SASL tokens,
     * not requests, until it has authenticated.
     */
    boolean rawSaslTokens()
    {
        return rawSaslTokens;
    }

    void rawSaslTokens(final boolean raw)
    {
        this.rawSaslTokens = raw;
    }

    String saslMechanism()
    {
        return saslMechanism;
    }

    void saslMechanism(final String mechanism)
    {
        this.saslMechanism = mechanism;
    }

    javax.security.sasl.SaslServer saslServer()
    {
        return saslServer;
    }

    void saslServer(final javax.security.sasl.SaslServer server)
    {
        this.saslServer = server;
    }

    /**
     * @return the client id of the last request, as ACL rules' {@code %c} reads it.
     */
    String clientId()
    {
        return clientId;
    }

    void clientId(final String id)
    {
        this.clientId = id == null ? "" : id;
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
