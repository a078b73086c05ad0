package io.robustmq.kernel.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.SslContext;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.ProtocolPlugin;

/**
 * Builds the pipeline of every connection a listener accepts. The connection limit is checked
 * first, before any handler is allocated; then, in order:
 * <pre>
 * traffic -> [tls] -> [http -> http-aggregator -> websocket -> websocket-guard -> websocket-frames]
 *         -> [first-bytes] -> the plugin's handlers -> errors
 * </pre>
 */
final class ListenerChannelInitializer extends ChannelInitializer<Channel>
{
    /** Largest WebSocket upgrade request accepted. */
    private static final int MAX_UPGRADE_REQUEST_BYTES = 8192;
    private static final long WEBSOCKET_HANDSHAKE_TIMEOUT_MS = 10_000;
    /** Netty's wildcard: accept, and name in the answer, whatever subprotocol the client asks for first. */
    private static final String ANY_SUBPROTOCOL = "*";

    private final ListenerSpec spec;
    private final ProtocolPlugin plugin;
    private final ListenerMetrics metrics;
    private final SslContext sslContext;
    private final TrafficCounter trafficCounter;
    private final WebSocketServerProtocolConfig webSocketConfig;
    private final WebSocketUpgradeGuard webSocketGuard;
    private final ConnectionErrors connectionErrors;

    ListenerChannelInitializer(
        final ListenerSpec spec,
        final ProtocolPlugin plugin,
        final ListenerMetrics metrics,
        final SslContext sslContext,
        final int webSocketMaxFrameBytes)
    {
        this.spec = spec;
        this.plugin = plugin;
        this.metrics = metrics;
        this.sslContext = sslContext;
        this.trafficCounter = new TrafficCounter(metrics);
        this.connectionErrors = new ConnectionErrors(metrics.label());
        if (spec.transport().isWebSocket())
        {
            final String subprotocols = spec.webSocketSubprotocols();
            webSocketConfig = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath(spec.webSocketPath())
                .subprotocols(subprotocols == null || subprotocols.isBlank() ? ANY_SUBPROTOCOL : subprotocols)
                .checkStartsWith(false)
                .maxFramePayloadLength(webSocketMaxFrameBytes)
                .handshakeTimeoutMillis(WEBSOCKET_HANDSHAKE_TIMEOUT_MS)
                .dropPongFrames(true)
                .build();
            webSocketGuard = new WebSocketUpgradeGuard(spec.webSocketPath());
        }
        else
        {
            webSocketConfig = null;
            webSocketGuard = null;
        }
    }

    @Override
    protected void initChannel(final Channel channel)
    {
        if (!metrics.tryOpen())
        {
            channel.close();
            return;
        }
        channel.closeFuture().addListener(future -> metrics.closed());

        final ChannelPipeline pipeline = channel.pipeline();
        pipeline.addLast("traffic", trafficCounter);
        if (sslContext != null)
        {
            pipeline.addLast("tls", sslContext.newHandler(channel.alloc()));
        }
        if (webSocketConfig != null)
        {
            pipeline.addLast("http", new HttpServerCodec());
            pipeline.addLast("http-aggregator", new HttpObjectAggregator(MAX_UPGRADE_REQUEST_BYTES));
            pipeline.addLast("websocket", new WebSocketServerProtocolHandler(webSocketConfig));
            pipeline.addLast("websocket-guard", webSocketGuard);
            pipeline.addLast("websocket-frames", WebSocketFrames.INSTANCE);
        }
        if (spec.firstBytesTimeoutMs() > 0)
        {
            pipeline.addLast("first-bytes", new FirstBytesTimeout(spec.firstBytesTimeoutMs(), metrics));
        }
        plugin.initChannel(pipeline, spec);
        pipeline.addLast("errors", connectionErrors);
    }
}
