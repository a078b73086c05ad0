package io.robustmq.plugin.amqp.connection;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import io.robustmq.plugin.amqp.AmqpSettings;
import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.codec.AmqpFrameDecoder;
import io.robustmq.plugin.amqp.codec.FrameListener;
import io.robustmq.plugin.amqp.codec.Frames;
import io.robustmq.plugin.amqp.codec.Login;
import io.robustmq.plugin.amqp.codec.Methods;
import io.robustmq.plugin.amqp.codec.PublishReader;
import io.robustmq.plugin.amqp.codec.ReplyCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One AMQP 0-9-1 connection, from the protocol header to the socket's close (specification section
 * 2.2.4 and the RabbitMQ extensions its clients expect):
 * <ol>
 *   <li>the client's protocol header; the server sends connection.start (its properties,
 *       capabilities and mechanisms);</li>
 *   <li>connection.start-ok: the login is decided ({@link LoginCheck}); a refusal is
 *       connection.close 403, as the {@code authentication_failure_close} capability promises;</li>
 *   <li>connection.tune, connection.tune-ok: channel-max, frame-max (enforced by the decoder from
 *       then on) and the heartbeat interval;</li>
 *   <li>connection.open of the virtual host {@code /}; connection.open-ok;</li>
 *   <li>channels: channel.open, channel.flow, channel.close, and the methods of the other classes on
 *       them.</li>
 * </ol>
 * An error closes what its reply code says, the channel (channel.close, 4xx) or the connection
 * (connection.close, 3xx and 5xx), naming the method that caused it; the server then waits up to
 * {@link #CLOSE_OK_TIMEOUT_MS} for the client's close-ok, discarding everything else, and closes the
 * socket. The handshake has {@link AmqpSettings#handshakeTimeoutMs()} from the protocol header.
 * <p>
 * Threading: the connection's event loop, but for the password check's answer, which is handed back
 * to it.
 */
public final class AmqpConnection implements FrameListener, ConnectionWire
{
    /** How long the server waits for connection.close-ok after sending connection.close. */
    static final long CLOSE_OK_TIMEOUT_MS = 1_000;
    /** The only virtual host there is. */
    static final String DEFAULT_VHOST = "/";

    /**
     * The protocol extensions offered in connection.start, each implemented: a refused login is
     * connection.close 403 rather than a dropped socket; confirms with basic.ack and basic.nack;
     * basic.cancel when a consumer's queue is deleted; exchange-to-exchange bindings; basic.qos with
     * global false limiting each consumer; connection.blocked while the storage holds a publisher back.
     */
    static final List<String> CAPABILITIES = List.of("authentication_failure_close", "publisher_confirms",
        "basic.nack", "consumer_cancel_notify", "exchange_exchange_bindings", "per_consumer_qos",
        "connection.blocked");

    private static final Logger LOG = LoggerFactory.getLogger(AmqpConnection.class);

    private enum State
    {
        AWAIT_HEADER,
        AWAIT_START_OK,
        AUTHENTICATING,
        AWAIT_TUNE_OK,
        AWAIT_OPEN,
        OPEN,
        CLOSING,
        CLOSED
    }

    private final AmqpSettings settings;
    private final LoginCheck logins;
    private final TopologyMethods topologyMethods;
    private final BasicMethods basic;
    private final ConnectionIdentity identity;
    private ChannelHandlerContext ctx;
    private int frameMax;
    private boolean cancelNotify;
    private boolean holdReading;
    private boolean blockedNotify;
    private boolean blocked;
    private boolean flushScheduled;
    private final AmqpFrameDecoder decoder;
    private final IntObjectHashMap<AmqpChannel> channels = new IntObjectHashMap<>();
    private State state = State.AWAIT_HEADER;
    private int channelMax;
    private String user = "";
    private boolean flushPending;
    private ScheduledFuture<?> handshakeTimer;
    private ScheduledFuture<?> closeTimer;
    private boolean released;

    /**
     * @param settings        the plugin's settings.
     * @param logins          decides logins.
     * @param topologyMethods answers the exchange and queue classes.
     * @param basicParts      what the basic class works with.
     * @param id              the connection's id in the cluster.
     */
    AmqpConnection(final AmqpSettings settings, final LoginCheck logins, final TopologyMethods topologyMethods,
        final BasicParts basicParts, final String id)
    {
        this.settings = settings;
        this.logins = logins;
        this.topologyMethods = topologyMethods;
        this.frameMax = settings.frameMax();
        this.basic = new BasicMethods(this, basicParts.topology(), basicParts.queues(), basicParts.confirms(),
            basicParts.clock(), settings.maxMessageBytes());
        this.identity = new ConnectionIdentity(id, ConcurrentHashMap.newKeySet(), new java.util.concurrent.atomic.AtomicBoolean());
        this.decoder = new AmqpFrameDecoder(this, settings.frameMax());
    }

    /**
     * @return the handler to put in the connection's pipeline: the frame decoder, which calls this
     * connection.
     */
    AmqpFrameDecoder decoder()
    {
        return decoder;
    }

    @Override
    public void onProtocolHeader(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        handshakeTimer = ctx.executor().schedule(() -> handshakeTimedOut(ctx), settings.handshakeTimeoutMs(),
            TimeUnit.MILLISECONDS);
        send(ctx, 0, Methods.connectionStart(settings.clusterName(), CAPABILITIES));
        state = State.AWAIT_START_OK;
    }

    /**
     * What the basic class works with, shared by every connection.
     *
     * @param topology exchanges, queues, bindings.
     * @param queues   the queues in use on this node.
     * @param confirms the outcome of appends.
     * @param clock    the node's clock.
     */
    record BasicParts(io.robustmq.plugin.amqp.topology.Topology topology, io.robustmq.plugin.amqp.queue.Queues queues,
        io.robustmq.plugin.amqp.queue.PublishConfirms confirms, java.time.Clock clock)
    {
    }

    @Override
    public void onWrongProtocolHeader(final ChannelHandlerContext ctx)
    {
        LOG.info("AMQP: {} did not open with AMQP 0-9-1's protocol header; answered with it and closed",
            ctx.channel().remoteAddress());
        state = State.CLOSED;
        final ByteBuf header = ctx.alloc().buffer(Frames.PROTOCOL_HEADER_BYTES);
        Frames.writeProtocolHeader(header);
        ctx.writeAndFlush(header).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public boolean onFrame(final ChannelHandlerContext ctx, final int type, final int channel, final ByteBuf payload)
    {
        try
        {
            switch (state)
            {
                case OPEN ->
                {
                    return onOpenFrame(ctx, type, channel, payload) && !holdReading;
                }
                case CLOSING -> onClosingFrame(ctx, type, channel, payload);
                case AWAIT_START_OK, AWAIT_TUNE_OK, AWAIT_OPEN, AUTHENTICATING -> onHandshakeFrame(ctx, type, channel, payload);
                default ->
                {
                    // AWAIT_HEADER cannot see frames; CLOSED discards them.
                }
            }
        }
        catch (final AmqpError error)
        {
            fail(ctx, channel, error);
        }
        return true;
    }

    @Override
    public void onFramingError(final ChannelHandlerContext ctx, final AmqpError error)
    {
        closeConnection(ctx, error);
    }

    @Override
    public void onReadComplete(final ChannelHandlerContext ctx)
    {
        if (flushPending)
        {
            flushPending = false;
            ctx.flush();
        }
    }

    @Override
    public void onClosed(final ChannelHandlerContext ctx)
    {
        state = State.CLOSED;
        cancel(handshakeTimer);
        cancel(closeTimer);
        releaseChannels();
    }

    /**
     * Close every channel (their consumers go, their unacknowledged deliveries go back to their
     * queues) and delete the connection's exclusive queues; once.
     */
    private void releaseChannels()
    {
        if (released)
        {
            return;
        }
        released = true;
        for (final AmqpChannel channel : channels.values())
        {
            basic.closed(channel);
        }
        channels.clear();
        topologyMethods.closed(identity);
    }

    @Override
    public void onWritabilityChanged(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isWritable())
        {
            basic.writableAgain(channels.values());
        }
    }

    private void onHandshakeFrame(final ChannelHandlerContext ctx, final int type, final int channel,
        final ByteBuf payload) throws AmqpError
    {
        if (type == Frames.HEARTBEAT)
        {
            return;
        }
        if (type != Frames.METHOD)
        {
            throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, "a content frame during the connection's handshake");
        }
        final com.rabbitmq.client.impl.Method method = Methods.read(payload);
        if (channel != 0)
        {
            throw new AmqpError(ReplyCode.CHANNEL_ERROR, "channel " + channel + " used before connection.open-ok",
                method.protocolClassId(), method.protocolMethodId());
        }
        if (Methods.isConnectionClose(method))
        {
            onClientClose(ctx);
            return;
        }
        switch (state)
        {
            case AWAIT_START_OK -> onStartOk(ctx, Methods.startOk(method));
            case AWAIT_TUNE_OK -> onTuneOk(ctx, Methods.tuneOk(method));
            case AWAIT_OPEN -> onOpen(ctx, Methods.open(method));
            default -> throw new AmqpError(ReplyCode.COMMAND_INVALID, method.protocolMethodName() +
                " while the login is being checked", method.protocolClassId(), method.protocolMethodId());
        }
    }

    private void onStartOk(final ChannelHandlerContext ctx, final Methods.StartOk startOk) throws AmqpError
    {
        final Login login = Login.parse(startOk.mechanism(), startOk.response());
        cancelNotify = startOk.consumerCancelNotify();
        blockedNotify = startOk.connectionBlocked();
        state = State.AUTHENTICATING;
        final String mechanism = startOk.mechanism();
        final boolean queued = logins.check(login, ctx.channel().remoteAddress(), refusal ->
            ctx.executor().execute(() -> onLoginDecided(ctx, login.user(), mechanism, refusal)));
        if (!queued)
        {
            closeConnection(ctx, new AmqpError(ReplyCode.RESOURCE_ERROR,
                "too many logins are being checked at once; try again", 10, 11));
        }
    }

    private void onLoginDecided(final ChannelHandlerContext ctx, final String user, final String mechanism,
        final String refusal)
    {
        if (state != State.AUTHENTICATING)
        {
            return;
        }
        if (refusal != null)
        {
            LOG.info("AMQP: login of '{}' from {} refused: {}", user, ctx.channel().remoteAddress(), refusal);
            closeConnection(ctx, new AmqpError(ReplyCode.ACCESS_REFUSED, "Login was refused using authentication " +
                "mechanism " + mechanism + ". For details see the broker logfile.", 10, 11));
            ctx.flush();
            return;
        }
        this.user = user;
        state = State.AWAIT_TUNE_OK;
        send(ctx, 0, Methods.connectionTune(settings.channelMax(), settings.frameMax(), settings.heartbeatSeconds()));
        ctx.flush();
    }

    private void onTuneOk(final ChannelHandlerContext ctx, final Methods.TuneOk tuneOk) throws AmqpError
    {
        final int channels = tuneOk.channelMax() == 0 ? settings.channelMax() : tuneOk.channelMax();
        if (channels > settings.channelMax())
        {
            throw new AmqpError(ReplyCode.NOT_ALLOWED, "negotiated channel_max = " + channels +
                ", higher than the maximum allowed value (" + settings.channelMax() + ")", 10, 31);
        }
        final long frameMax = tuneOk.frameMax() == 0 ? settings.frameMax() : tuneOk.frameMax();
        if (frameMax > settings.frameMax() || frameMax < AmqpSettings.MIN_FRAME_MAX)
        {
            throw new AmqpError(ReplyCode.NOT_ALLOWED, "negotiated frame_max = " + frameMax + ", outside " +
                AmqpSettings.MIN_FRAME_MAX + ".." + settings.frameMax(), 10, 31);
        }
        channelMax = channels;
        this.frameMax = (int)frameMax;
        decoder.maxFrameBytes((int)frameMax);
        if (tuneOk.heartbeatSeconds() > 0)
        {
            ctx.pipeline().addBefore(ctx.name(), "amqp-heartbeat", new HeartbeatHandler(tuneOk.heartbeatSeconds()));
        }
        state = State.AWAIT_OPEN;
    }

    private void onOpen(final ChannelHandlerContext ctx, final String virtualHost) throws AmqpError
    {
        if (!DEFAULT_VHOST.equals(virtualHost))
        {
            throw new AmqpError(ReplyCode.NOT_ALLOWED, "vhost " + virtualHost + " not found (this server has one, '" +
                DEFAULT_VHOST + "')", 10, 40);
        }
        cancel(handshakeTimer);
        state = State.OPEN;
        send(ctx, 0, Methods.connectionOpenOk());
        LOG.debug("AMQP: {} logged in as '{}'", ctx.channel().remoteAddress(), user);
    }

    private boolean onOpenFrame(final ChannelHandlerContext ctx, final int type, final int channel, final ByteBuf payload)
        throws AmqpError
    {
        if (type == Frames.HEARTBEAT)
        {
            if (channel != 0)
            {
                throw new AmqpError(ReplyCode.FRAME_ERROR, "a heartbeat frame on channel " + channel);
            }
            return true;
        }
        if (channel == 0)
        {
            if (type != Frames.METHOD)
            {
                throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, "a content frame on channel 0");
            }
            onConnectionMethod(ctx, Methods.read(payload));
            return true;
        }
        final AmqpChannel open = channels.get(channel);
        if (open != null && open.closing())
        {
            onClosingChannelFrame(ctx, open, type, payload);
            return true;
        }
        if (type != Frames.METHOD)
        {
            if (open == null)
            {
                throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, "a content " + (type == Frames.HEADER ? "header" :
                    "body") + " frame on channel " + channel + " that no basic.publish started");
            }
            return basic.onContent(open, type, payload);
        }
        if (open != null && open.publishing() != null)
        {
            throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, "expected content " + (open.publishing().hasHeader() ?
                "body" : "header for class 60") + ", got a method frame instead");
        }
        if (open != null && Methods.isBasicAck(payload))
        {
            // A consumer's acknowledgement, one a message: read in place, without a method object.
            basic.onAck(open, Methods.basicAckDeliveryTag(payload), Methods.basicAckMultiple(payload));
            return true;
        }
        if (open != null && Methods.isBasicPublish(payload))
        {
            final PublishReader publish = open.publishReader().read(payload);
            basic.onPublish(open, publish.exchange(), publish.routingKey(), publish.mandatory(), publish.immediate());
            return true;
        }
        final com.rabbitmq.client.impl.Method method = Methods.read(payload);
        if (open == null)
        {
            onClosedChannelMethod(ctx, channel, method);
            return true;
        }
        return onChannelMethod(ctx, open, method);
    }

    private void onConnectionMethod(final ChannelHandlerContext ctx, final com.rabbitmq.client.impl.Method method)
        throws AmqpError
    {
        if (Methods.isConnectionClose(method))
        {
            onClientClose(ctx);
            return;
        }
        if (method.protocolClassId() != Methods.CONNECTION)
        {
            throw new AmqpError(ReplyCode.COMMAND_INVALID, method.protocolMethodName() + " on channel 0",
                method.protocolClassId(), method.protocolMethodId());
        }
        throw new AmqpError(method.protocolMethodId() == Methods.CONNECTION_UPDATE_SECRET ? ReplyCode.NOT_IMPLEMENTED :
            ReplyCode.COMMAND_INVALID, method.protocolMethodName() + " once the connection is open",
            method.protocolClassId(), method.protocolMethodId());
    }

    private void onClosedChannelMethod(final ChannelHandlerContext ctx, final int channel,
        final com.rabbitmq.client.impl.Method method) throws AmqpError
    {
        if (!Methods.isChannelOpen(method))
        {
            throw new AmqpError(ReplyCode.CHANNEL_ERROR, "expected 'channel.open' on channel " + channel + ", got " +
                method.protocolMethodName(), method.protocolClassId(), method.protocolMethodId());
        }
        if (channel > channelMax)
        {
            throw new AmqpError(ReplyCode.NOT_ALLOWED, "channel " + channel + " is above the negotiated channel_max (" +
                channelMax + ")", method.protocolClassId(), method.protocolMethodId());
        }
        channels.put(channel, new AmqpChannel(channel));
        send(ctx, channel, Methods.channelOpenOk());
    }

    private boolean onChannelMethod(final ChannelHandlerContext ctx, final AmqpChannel channel,
        final com.rabbitmq.client.impl.Method method) throws AmqpError
    {
        final int classId = method.protocolClassId();
        final int methodId = method.protocolMethodId();
        if (classId == Methods.CHANNEL)
        {
            switch (methodId)
            {
                case Methods.CHANNEL_OPEN -> throw new AmqpError(ReplyCode.CHANNEL_ERROR, "second 'channel.open' seen",
                    classId, methodId);
                case Methods.CHANNEL_CLOSE ->
                {
                    basic.closed(channel);
                    channels.remove(channel.number());
                    send(ctx, channel.number(), Methods.channelCloseOk());
                }
                case Methods.CHANNEL_FLOW ->
                {
                    final boolean active = Methods.flowActive(method);
                    channel.flowActive(active);
                    send(ctx, channel.number(), Methods.channelFlowOk(active));
                    if (active)
                    {
                        basic.writableAgain(List.of(channel));
                    }
                }
                default -> throw new AmqpError(ReplyCode.COMMAND_INVALID, method.protocolMethodName() +
                    " not expected here", classId, methodId);
            }
            return true;
        }
        if (classId == Methods.CONNECTION)
        {
            throw new AmqpError(ReplyCode.COMMAND_INVALID, method.protocolMethodName() + " on channel " +
                channel.number() + " (connection methods go on channel 0)", classId, methodId);
        }
        if (TopologyMethods.handles(method))
        {
            return answer(ctx, channel.number(), topologyMethods.handle(identity, channel, method, ctx.executor()));
        }
        if (BasicMethods.handles(method))
        {
            return basic.onMethod(channel, method);
        }
        throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, method.protocolMethodName() + " is not implemented yet",
            classId, methodId);
    }

    /**
     * Send a method's answer once it is known. One known at once is sent and reading goes on; else
     * reading pauses until it is, so that the channel's next method sees what this one did.
     *
     * @return true to go on reading.
     */
    private boolean answer(final ChannelHandlerContext ctx, final int channel,
        final CompletionStage<com.rabbitmq.client.impl.Method> reply)
    {
        final CompletableFuture<com.rabbitmq.client.impl.Method> future = reply.toCompletableFuture();
        if (future.isDone())
        {
            final Throwable failure = failureOf(future);
            onAnswer(ctx, channel, failure == null ? future.getNow(null) : null, failure, false);
            return true;
        }
        future.whenComplete((method, failure) -> ctx.executor().execute(() -> onAnswer(ctx, channel, method, failure, true)));
        return false;
    }

    private static Throwable failureOf(final CompletableFuture<?> future)
    {
        if (!future.isCompletedExceptionally())
        {
            return null;
        }
        try
        {
            future.join();
            return null;
        }
        catch (final CompletionException | java.util.concurrent.CancellationException ex)
        {
            return ex;
        }
    }

    private void onAnswer(final ChannelHandlerContext ctx, final int channel, final com.rabbitmq.client.impl.Method reply,
        final Throwable failure, final boolean paused)
    {
        if (state == State.OPEN && channels.containsKey(channel))
        {
            if (failure != null)
            {
                fail(ctx, channel, asAmqpError(failure));
            }
            else if (reply != null)
            {
                send(ctx, channel, reply);
            }
        }
        if (paused)
        {
            decoder.resume(ctx);
        }
    }

    private static AmqpError asAmqpError(final Throwable failure)
    {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException) &&
            cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        if (cause instanceof AmqpError error)
        {
            return error;
        }
        LOG.warn("AMQP: a method failed on the server's side", cause);
        return new AmqpError(ReplyCode.INTERNAL_ERROR, String.valueOf(cause.getMessage()));
    }

    private void onClosingChannelFrame(final ChannelHandlerContext ctx, final AmqpChannel channel, final int type,
        final ByteBuf payload) throws AmqpError
    {
        if (type != Frames.METHOD)
        {
            return;
        }
        final com.rabbitmq.client.impl.Method method = Methods.read(payload);
        if (Methods.isChannelCloseOk(method))
        {
            channels.remove(channel.number());
        }
        else if (Methods.isChannelClose(method))
        {
            basic.closed(channel);
            channels.remove(channel.number());
            send(ctx, channel.number(), Methods.channelCloseOk());
        }
    }

    private void onClosingFrame(final ChannelHandlerContext ctx, final int type, final int channel,
        final ByteBuf payload) throws AmqpError
    {
        if (type != Frames.METHOD || channel != 0 || Methods.classIdOf(payload) != Methods.CONNECTION)
        {
            return;
        }
        final com.rabbitmq.client.impl.Method method = Methods.read(payload);
        if (Methods.isConnectionCloseOk(method) || Methods.isConnectionClose(method))
        {
            if (Methods.isConnectionClose(method))
            {
                send(ctx, 0, Methods.connectionCloseOk());
            }
            state = State.CLOSED;
            ctx.writeAndFlush(ctx.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * The client's connection.close: answer close-ok and leave the socket to the client, which
     * closes it once it reads close-ok (as the specification has it, and RabbitMQ does). Closing it
     * here instead made a client's write still on its way (an acknowledgement from a consumer thread
     * racing the close) fail with a broken pipe. As RabbitMQ does, the channels are closed before
     * close-ok goes (unacknowledged deliveries requeued, exclusive queues deleted). What arrives
     * meanwhile is discarded; a client that keeps the socket open is closed after
     * {@link #CLOSE_OK_TIMEOUT_MS}.
     */
    private void onClientClose(final ChannelHandlerContext ctx)
    {
        state = State.CLOSED;
        cancel(handshakeTimer);
        releaseChannels();
        decoder.discard();
        if (ctx.pipeline().get("amqp-heartbeat") != null)
        {
            // Nothing after close-ok, not even a heartbeat.
            ctx.pipeline().remove("amqp-heartbeat");
        }
        send(ctx, 0, Methods.connectionCloseOk());
        flushPending = false;
        ctx.flush();
        closeTimer = ctx.executor().schedule(() -> ctx.close(), CLOSE_OK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void fail(final ChannelHandlerContext ctx, final int channel, final AmqpError error)
    {
        if (channel == 0 || error.code().closesConnection() || state != State.OPEN)
        {
            closeConnection(ctx, error);
            return;
        }
        final AmqpChannel open = channels.get(channel);
        if (open == null)
        {
            closeConnection(ctx, new AmqpError(ReplyCode.CHANNEL_ERROR, error.getMessage(), error.classId(),
                error.methodId()));
            return;
        }
        LOG.debug("AMQP: {} channel {} closed: {}", ctx.channel().remoteAddress(), channel, error.replyText());
        open.startClosing();
        basic.closed(open);
        send(ctx, channel, Methods.channelClose(error.code().code(), error.replyText(), error.classId(),
            error.methodId()));
    }

    /**
     * Send connection.close for an error, and close the socket once the client answers close-ok or
     * after {@link #CLOSE_OK_TIMEOUT_MS}.
     */
    private void closeConnection(final ChannelHandlerContext ctx, final AmqpError error)
    {
        if (state == State.CLOSING || state == State.CLOSED)
        {
            return;
        }
        LOG.info("AMQP: {} connection closed by the server: {} {}", ctx.channel().remoteAddress(),
            error.code().code(), error.replyText());
        final boolean framingBroken = error.code() == ReplyCode.FRAME_ERROR;
        if (framingBroken)
        {
            decoder.discard();
        }
        state = State.CLOSING;
        cancel(handshakeTimer);
        send(ctx, 0, Methods.connectionClose(error.code().code(), error.replyText(), error.classId(),
            error.methodId()));
        flushPending = false;
        ctx.flush();
        closeTimer = ctx.executor().schedule(() ->
        {
            state = State.CLOSED;
            ctx.close();
        }, CLOSE_OK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private void handshakeTimedOut(final ChannelHandlerContext ctx)
    {
        if (state.compareTo(State.OPEN) < 0)
        {
            LOG.info("AMQP: {} did not finish the handshake within {} ms; closing", ctx.channel().remoteAddress(),
                settings.handshakeTimeoutMs());
            state = State.CLOSED;
            ctx.close();
        }
    }

    private void send(final ChannelHandlerContext ctx, final int channel, final com.rabbitmq.client.impl.Method method)
    {
        final ByteBuf out = ctx.alloc().buffer();
        Methods.write(out, channel, method);
        ctx.write(out);
        flushPending = true;
    }

    @Override
    public ChannelHandlerContext ctx()
    {
        return ctx;
    }

    @Override
    public int frameMax()
    {
        return frameMax;
    }

    @Override
    public void send(final int channel, final com.rabbitmq.client.impl.Method method)
    {
        send(ctx, channel, method);
    }

    @Override
    public void write(final ByteBuf frames)
    {
        ctx.write(frames);
        flushPending = true;
    }

    @Override
    public void flush()
    {
        flushPending = false;
        ctx.flush();
    }

    @Override
    public void flushSoon()
    {
        if (!flushScheduled)
        {
            flushScheduled = true;
            ctx.executor().execute(() ->
            {
                flushScheduled = false;
                if (flushPending)
                {
                    flush();
                }
            });
        }
    }

    @Override
    public boolean answer(final int channel, final CompletionStage<com.rabbitmq.client.impl.Method> reply)
    {
        return answer(ctx, channel, reply);
    }

    @Override
    public void fail(final int channel, final AmqpError error)
    {
        fail(ctx, channel, error);
        flushSoon();
    }

    @Override
    public boolean isOpen(final AmqpChannel channel)
    {
        return state == State.OPEN && channels.get(channel.number()) == channel && !channel.closing();
    }

    @Override
    public boolean cancelNotify()
    {
        return cancelNotify;
    }

    @Override
    public io.robustmq.plugin.amqp.topology.QueueDef queue(final AmqpChannel channel, final String name,
        final int methodId) throws AmqpError
    {
        return topologyMethods.namedQueue(identity, channel, name, methodId);
    }

    @Override
    public void pauseReading()
    {
        holdReading = true;
    }

    @Override
    public void resumeReading()
    {
        if (holdReading)
        {
            holdReading = false;
            decoder.resume(ctx);
        }
    }

    @Override
    public void blocked(final boolean storageFull)
    {
        if (storageFull == blocked)
        {
            return;
        }
        blocked = storageFull;
        LOG.debug("AMQP: {} {} (the storage {})", ctx.channel().remoteAddress(), storageFull ? "blocked" : "unblocked",
            storageFull ? "cannot take its messages now" : "takes its messages again");
        if (blockedNotify && state == State.OPEN)
        {
            send(ctx, 0, storageFull ? Methods.connectionBlocked("the storage cannot keep up") :
                Methods.connectionUnblocked());
            flush();
        }
    }

    private static void cancel(final ScheduledFuture<?> timer)
    {
        if (timer != null)
        {
            timer.cancel(false);
        }
    }
}
