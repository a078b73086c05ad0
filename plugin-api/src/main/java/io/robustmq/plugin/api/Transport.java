package io.robustmq.plugin.api;

import java.util.Locale;

/**
 * How a listener's bytes travel. The kernel terminates TLS and WebSocket; the plugin sees the
 * protocol's byte stream in every case.
 */
public enum Transport
{
    /** Plain TCP. */
    TCP(false, false),
    /** TCP with TLS. */
    TLS(true, false),
    /** WebSocket over TCP; binary frames carry the protocol's bytes. */
    WS(false, true),
    /** WebSocket over TLS. */
    WSS(true, true);

    private final boolean secure;
    private final boolean webSocket;

    Transport(final boolean secure, final boolean webSocket)
    {
        this.secure = secure;
        this.webSocket = webSocket;
    }

    /**
     * @return true when the kernel terminates TLS for this transport.
     */
    public boolean isSecure()
    {
        return secure;
    }

    /**
     * @return true when the protocol's bytes travel in WebSocket frames.
     */
    public boolean isWebSocket()
    {
        return webSocket;
    }

    /**
     * @return the lower-case name used in configuration, URLs and metrics.
     */
    public String label()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
