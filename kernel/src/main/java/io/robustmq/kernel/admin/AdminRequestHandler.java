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
        AdminResponse answer;
        if (decoded.isFailure())
        {
            answer = AdminResponse.error(HttpResponseStatus.BAD_REQUEST, "malformed request: " + decoded.cause().getMessage());
        }
        else
        {
            try
            {
                answer = router.dispatch(request);
            }
            catch (final RuntimeException ex)
            {
                LOG.warn("admin request {} {} failed", request.method(), request.uri(), ex);
                answer = AdminResponse.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, String.valueOf(ex.getMessage()));
            }
        }

        final FullHttpResponse response = new DefaultFullHttpResponse(
            request.protocolVersion(), answer.status(), Unpooled.wrappedBuffer(answer.body()));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, answer.contentType())
            .setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        final boolean keepAlive = HttpUtil.isKeepAlive(request) && !decoded.isFailure();
        HttpUtil.setKeepAlive(response, keepAlive);
        final ChannelFuture written = ctx.writeAndFlush(response);
        if (!keepAlive)
        {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
