package io.robustmq.kernel.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each admin request into the router's answer; a malformed request gets 400 and a handler
 * that fails gets 500, each with a JSON error, never a dropped connection.
 */
@ChannelHandler.Sharable
final class AdminRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest>
{
    private static final Logger LOG = LoggerFactory.getLogger(AdminRequestHandler.class);

    private final AdminRouter router;

    AdminRequestHandler(final AdminRouter router)
    {
        this.router = router;
    }

    @Override
    protected void channelRead0(final ChannelHandlerContext ctx, final FullHttpRequest request)
    {
        final DecoderResult decoded = request.decoderResult();
        final boolean keepAlive = HttpUtil.isKeepAlive(request) && !decoded.isFailure();
        final io.netty.handler.codec.http.HttpVersion version = request.protocolVersion();
        if (decoded.isFailure())
        {
            write(ctx, version, keepAlive, AdminResponse.error(HttpResponseStatus.BAD_REQUEST,
                "malformed request: " + decoded.cause().getMessage()));
            return;
        }
        final String what = request.method() + " " + request.uri();
        java.util.concurrent.CompletionStage<AdminResponse> answer;
        try
        {
            answer = router.dispatch(request);
        }
        catch (final RuntimeException ex)
        {
            answer = AdminHandler.now(failure(what, ex));
        }
        answer.whenComplete((response, error) ->
        {
            final AdminResponse toSend = error == null ? response : failure(what, error);
            if (ctx.executor().inEventLoop())
            {
                write(ctx, version, keepAlive, toSend);
            }
            else
            {
                ctx.executor().execute(() -> write(ctx, version, keepAlive, toSend));
            }
        });
    }

    private static AdminResponse failure(final String what, final Throwable error)
    {
        final Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ?
            error.getCause() : error;
        if (cause instanceof java.util.concurrent.TimeoutException)
        {
            LOG.warn("admin request {} timed out: {}", what, cause.getMessage());
            return AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, String.valueOf(cause.getMessage()));
        }
        LOG.warn("admin request {} failed", what, error);
        return AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(error.getMessage()));
    }

    private static void write(
        final ChannelHandlerContext ctx,
        final io.netty.handler.codec.http.HttpVersion version,
        final boolean keepAlive,
        final AdminResponse answer)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(
            version, answer.status(), Unpooled.wrappedBuffer(answer.body()));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
            .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        HttpUtil.setKeepAlive(response, keepAlive);
        final ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive)
        {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
