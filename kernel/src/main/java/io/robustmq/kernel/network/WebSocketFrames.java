package io.robustmq.kernel.network;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

import java.util.List;

/**
 * Turns WebSocket data frames into the protocol's byte stream and back: binary and continuation
 * frames in, one binary frame per outbound buffer. A text frame is refused with close code 1003,
 * since every protocol we carry is binary. Ping, pong and close are answered by Netty's
 * {@code WebSocketServerProtocolHandler} before this handler.
 */
@ChannelHandler.Sharable
final class WebSocketFrames extends MessageToMessageCodec<WebSocketFrame, ByteBuf>
{
    static final WebSocketFrames INSTANCE = new WebSocketFrames();

    private WebSocketFrames()
    {
    }

    @Override
    protected void encode(final ChannelHandlerContext ctx, final ByteBuf msg, final List<Object> out)
    {
        out.add(new BinaryWebSocketFrame(msg.retain()));
    }

    @Override
    protected void decode(final ChannelHandlerContext ctx, final WebSocketFrame frame, final List<Object> out)
    {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame)
        {
            out.add(frame.content().retain());
        }
        else
        {
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "binary frames only"))
                .addListener(ChannelFutureListener.CLOSE);
        }
    }
}
