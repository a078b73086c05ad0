package io.robustmq.plugin.api;

import io.netty.channel.ChannelPipeline;

import java.util.List;

/**
 * One protocol, hosted by a node. The kernel binds the plugin's {@link #listeners()} on its shared
 * event loops, applies their limits, terminates TLS and WebSocket, and then hands every accepted
 * connection to {@link #initChannel(ChannelPipeline, ListenerSpec)}: from there on the bytes are the
 * protocol's own.
 * <p>
 * Lifecycle: {@link ProtocolPluginFactory#create(PluginContext)}, then {@link #listeners()} is read
 * once, the listeners are bound, then {@link #start()}; {@link #close()} after the listeners are
 * unbound at shutdown, or if the node fails to start.
 */
public interface ProtocolPlugin extends AutoCloseable
{
    /**
     * The listeners this plugin wants bound. Read once, before {@link #start()}.
     *
     * @return the listeners, possibly empty.
     */
    List<ListenerSpec> listeners();

    /**
     * Add the protocol's handlers to the pipeline of a newly accepted connection. The kernel's own
     * handlers (limits, metrics, TLS, WebSocket framing) are already in place before them, so the
     * plugin's first inbound handler receives the protocol's bytes as {@link io.netty.buffer.ByteBuf}s
     * and writes {@code ByteBuf}s back, whatever the transport.
     * <p>
     * Threading: called on the connection's event loop; must not block.
     *
     * @param pipeline the connection's pipeline.
     * @param listener the listener that accepted it.
     */
    void initChannel(ChannelPipeline pipeline, ListenerSpec listener);

    /**
     * Called once every listener of every plugin is bound, on the start-up thread.
     *
     * @throws Exception if the plugin cannot start; the node reports it and does not start.
     */
    default void start() throws Exception
    {
    }

    /**
     * What the plugin shows on the admin API: each view, by name, is served as JSON at
     * {@code GET /v1/plugins/<plugin>/<name>} (an AMQP plugin's queues, exchanges and bindings). A
     * view builds its answer from {@link java.util.Map}s, {@link List}s, strings, numbers, booleans
     * and nulls.
     * <p>
     * Threading: views are called on an event loop of the admin API: they must answer from memory,
     * without blocking.
     *
     * @return the views, by name; none by default. Read once, after {@link #start()}.
     */
    default java.util.Map<String, java.util.function.Supplier<Object>> adminViews()
    {
        return java.util.Map.of();
    }

    /**
     * Release everything the plugin holds. Called once, after its listeners are unbound.
     */
    @Override
    void close();
}
