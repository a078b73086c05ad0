package io.robustmq.plugin.kafka.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.robustmq.plugin.kafka.protocol.ByteBufRecords;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import io.robustmq.plugin.kafka.protocol.RequestParser;
import io.robustmq.plugin.kafka.protocol.ResponseEncoder;
import io.robustmq.plugin.kafka.protocol.SupportedApis;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * One client connection: request frames in, each handed to its API's handler, responses out in
 * the order the requests came (Kafka's clients pipeline requests and match responses by order).
 * At most {@code maxInflight} requests are being answered at once; past that the connection is not
 * read until the oldest is answered. A request for an API or version the broker does not serve is
 * answered with UNSUPPORTED_VERSION; a frame that cannot be parsed, or one over the size limit,
 * closes the connection, as a Kafka broker does.
 */
public final class KafkaConnection extends ChannelInboundHandlerAdapter
{
    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

    /**
     * A request being answered, and the frame its body is a view of.
     */
    private static final class Pending
    {
        final KafkaRequest request;
        final ByteBuf frame;
        final long startNs = System.nanoTime();
        ByteBuf response;
        boolean answered;

        Pending(final KafkaRequest request, final ByteBuf frame)
        {
            this.request = request;
            this.frame = frame;
        }
    }

    private final SupportedApis supported;
    private final Map<ApiKeys, KafkaApi> apis;
    private final ApiVersionsApi apiVersions;
    private final int maxInflight;
    private final boolean saslRequired;
    private final String listenerName;
    private final SaslAuthenticateApi sasl;
    private final ArrayDeque<Pending> pending = new ArrayDeque<>();
    private ClientConnection connection;
    private boolean closed;
    private final RequestMetrics metrics;

    /**
     * @param supported   what the broker answers.
     * @param apis        a handler for each API in {@code supported}.
     * @param apiVersions ApiVersions' handler (also for its unsupported versions).
     * @param maxInflight requests answered at once.
     * @param saslRequired whether the listener requires SASL authentication first.
     * @param listenerName the name of the listener that accepted the connection ({@code tcp}, ...).
     * @param metrics      the per-API meters.
     */
    public KafkaConnection(final SupportedApis supported, final Map<ApiKeys, KafkaApi> apis,
        final ApiVersionsApi apiVersions, final int maxInflight, final boolean saslRequired,
        final String listenerName, final RequestMetrics metrics)
    {
        this.metrics = metrics;
        this.supported = supported;
        this.apis = apis;
        this.apiVersions = apiVersions;
        this.maxInflight = maxInflight;
        this.saslRequired = saslRequired;
        this.listenerName = listenerName;
        this.sasl = (SaslAuthenticateApi)apis.get(ApiKeys.SASL_AUTHENTICATE);
    }

    @Override
    public void channelActive(final ChannelHandlerContext ctx) throws Exception
    {
        connection = new ClientConnection(ctx.channel().eventLoop(), (InetSocketAddress)ctx.channel().localAddress(),
            (InetSocketAddress)ctx.channel().remoteAddress(), saslRequired, listenerName);
        super.channelActive(ctx);
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        if (ctx.channel().isActive())
        {
            connection = new ClientConnection(ctx.channel().eventLoop(), (InetSocketAddress)ctx.channel().localAddress(),
            (InetSocketAddress)ctx.channel().remoteAddress(), saslRequired, listenerName);
        }
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        final ByteBuf frame = (ByteBuf)msg;
        if (closed)
        {
            frame.release();
            return;
        }
        if (connection.rawSaslTokens())
        {
            rawToken(ctx, frame);
            return;
        }
        final RequestParser.Prefix prefix = RequestParser.prefix(frame);
        if (prefix == null)
        {
            frame.release();
            close(ctx, "a request of " + frame.readableBytes() + " bytes, shorter than a request header");
            return;
        }
        if (!supported.supports(prefix.apiKey(), prefix.version()))
        {
            frame.release();
            answerUnsupported(ctx, prefix);
            return;
        }
        final KafkaRequest request;
        try
        {
            request = RequestParser.parse(frame);
        }
        catch (final RuntimeException ex)
        {
            frame.release();
            close(ctx, "a malformed " + ApiKeys.forId(prefix.apiKey()) + " v" + prefix.version() + " request: " + ex);
            return;
        }
        if (!connection.mayProceed() && request.api() != ApiKeys.API_VERSIONS &&
            request.api() != ApiKeys.SASL_HANDSHAKE && request.api() != ApiKeys.SASL_AUTHENTICATE)
        {
            frame.release();
            close(ctx, request.api() + " before authenticating on a SASL listener");
            return;
        }
        connection.clientId(request.clientId());
        final Pending one = new Pending(request, frame);
        pending.addLast(one);
        updateReading(ctx);
        final KafkaApi api = apis.get(request.api());
        final java.util.concurrent.CompletionStage<ApiMessage> answer;
        try
        {
            answer = api.handle(request, connection);
        }
        catch (final RuntimeException ex)
        {
            answered(ctx, one, null, ex);
            return;
        }
        answer.whenComplete((body, failure) ->
        {
            if (ctx.executor().inEventLoop())
            {
                answered(ctx, one, body, failure);
            }
            else
            {
                ctx.executor().execute(() -> answered(ctx, one, body, failure));
            }
        });
    }

    /**
     * A bare SASL token (after a SaslHandshake version 0): answered with a bare token frame, or, if
     * the authentication fails, by closing the connection, as Kafka's brokers do.
     */
    private void rawToken(final ChannelHandlerContext ctx, final ByteBuf frame)
    {
        final byte[] token = new byte[frame.readableBytes()];
        frame.readBytes(token);
        frame.release();
        sasl.authenticate(token, connection).whenComplete((answer, failure) -> ctx.executor().execute(() ->
        {
            final org.apache.kafka.common.message.SaslAuthenticateResponseData result =
                (org.apache.kafka.common.message.SaslAuthenticateResponseData)answer;
            if (failure != null || result.errorCode() != Errors.NONE.code())
            {
                close(ctx, "SASL authentication failed: " + (failure != null ? failure : result.errorMessage()));
                return;
            }
            final ByteBuf out = ctx.alloc().buffer(4 + result.authBytes().length);
            out.writeInt(result.authBytes().length).writeBytes(result.authBytes());
            ctx.writeAndFlush(out, ctx.voidPromise());
        }));
    }

    private void answerUnsupported(final ChannelHandlerContext ctx, final RequestParser.Prefix prefix)
    {
        final ByteBuf response;
        if (prefix.apiKey() == ApiKeys.API_VERSIONS.id)
        {
            // Version 0, header 0: a client asking in a newer version reads this and asks again.
            response = ResponseEncoder.encode(ctx.alloc(), prefix.correlationId(), (short)0,
                apiVersions.response(Errors.UNSUPPORTED_VERSION), (short)0);
        }
        else
        {
            response = ResponseEncoder.unsupportedVersion(ctx.alloc(), prefix.correlationId());
        }
        final Pending one = new Pending(null, null);
        one.response = response;
        one.answered = true;
        pending.addLast(one);
        writeAnswered(ctx);
    }

    private void answered(final ChannelHandlerContext ctx, final Pending one, final ApiMessage body,
        final Throwable failure)
    {
        one.frame.release();
        if (closed || failure != null)
        {
            metrics.closed(one.request.api());
        }
        else if (body != null)
        {
            metrics.answered(one.request.api(), one.request.version(), one.startNs, body);
        }
        if (closed)
        {
            discard(body);
            return;
        }
        if (failure != null)
        {
            discard(body);
            close(ctx, "no answer to " + one.request.api() + " v" + one.request.version() + ": " + failure);
            return;
        }
        if (body != null)
        {
            try
            {
                one.response = ResponseEncoder.encode(ctx.alloc(), one.request, body);
            }
            catch (final RuntimeException ex)
            {
                discard(body);
                close(ctx, "could not encode the answer to " + one.request.api() + " v" + one.request.version() +
                    ": " + ex);
                return;
            }
        }
        one.answered = true;
        writeAnswered(ctx);
        if (body instanceof org.apache.kafka.common.message.SaslAuthenticateResponseData sasl &&
            sasl.errorCode() == Errors.SASL_AUTHENTICATION_FAILED.code())
        {
            // As Kafka does: a failed authentication ends the connection (no password guessing on it),
            // once the answer is written.
            if (!closed)
            {
                closed = true;
                LOG.warn("Kafka: closing the connection from {}: SASL authentication failed",
                    ctx.channel().remoteAddress());
                ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
                    .addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }
    }

    /**
     * Write every answer at the head of the queue, in order, and read again once below the limit.
     */
    private void writeAnswered(final ChannelHandlerContext ctx)
    {
        boolean wrote = false;
        while (!pending.isEmpty() && pending.peekFirst().answered)
        {
            final Pending one = pending.pollFirst();
            if (one.response != null)
            {
                ctx.write(one.response, ctx.voidPromise());
                wrote = true;
            }
        }
        if (wrote)
        {
            ctx.flush();
        }
        updateReading(ctx);
    }

    /**
     * Read the connection only while fewer than {@code maxInflight} of its requests are being
     * answered and its answers are being taken: a client that stops reading them fills the socket,
     * the channel becomes unwritable past its high water mark, and the broker stops reading its
     * requests instead of queueing answers without limit.
     */
    private void updateReading(final ChannelHandlerContext ctx)
    {
        final boolean read = pending.size() < maxInflight && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read)
        {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx) throws Exception
    {
        updateReading(ctx);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx) throws Exception
    {
        closed = true;
        for (final Pending one : pending)
        {
            if (one.response != null)
            {
                one.response.release();
                one.response = null;
            }
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        if (cause instanceof TooLongFrameException || cause.getCause() instanceof TooLongFrameException)
        {
            close(ctx, "a request over the size limit (" + cause.getMessage() + ")");
        }
        else
        {
            close(ctx, cause.toString());
        }
    }

    private void close(final ChannelHandlerContext ctx, final String why)
    {
        if (!closed)
        {
            closed = true;
            LOG.warn("Kafka: closing the connection from {}: {}", ctx.channel().remoteAddress(), why);
            ctx.close();
        }
    }

    /**
     * Let a response's retained record batches go when it will not be written.
     */
    private static void discard(final ApiMessage body)
    {
        if (body instanceof FetchResponseData fetch)
        {
            for (final FetchResponseData.FetchableTopicResponse topic : fetch.responses())
            {
                for (final FetchResponseData.PartitionData partition : topic.partitions())
                {
                    if (partition.records() instanceof ByteBufRecords records)
                    {
                        records.release();
                    }
                }
            }
        }
    }
}
