package lab.c1m.server;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * GET (or HEAD) /metrics, /status and /; 404 for any other path, 405 for any other method, 400 for garbage.
 * One request at a time (the channel does not read by itself, MetricsEndpoint): the first is read when the
 * connection opens, each next one only once the answer to the last has been written to the socket, so a
 * peer that pipelines requests and never reads its answers gets at most one queued in the server.
 */
@Sharable
final class MetricsRoutes extends SimpleChannelInboundHandler<FullHttpRequest> {
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    private static final String TEXT = "text/plain; charset=utf-8";

    private final Supplier<String> metrics;
    private final Supplier<String> status;

    MetricsRoutes(Supplier<String> metrics, Supplier<String> status) {
        this.metrics = metrics;
        this.status = status;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, HttpResponseStatus.BAD_REQUEST, TEXT, "bad request\n", false);
            return;
        }
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (!head && !HttpMethod.GET.equals(request.method())) {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT,
                request.method() + " is not allowed: GET /metrics or /status\n", true);
            return;
        }
        String uri = request.uri();
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        switch (path) {
            case "/metrics" -> respond(ctx, request, HttpResponseStatus.OK, PROMETHEUS, metrics.get(), true);
            case "/status" -> respond(ctx, request, HttpResponseStatus.OK, "application/json", status.get(), true);
            case "/" -> respond(ctx, request, HttpResponseStatus.OK, TEXT, "c1m-server: see /metrics and /status\n", true);
            default -> respond(ctx, request, HttpResponseStatus.NOT_FOUND, TEXT,
                "not found: " + path + " (see /metrics and /status)\n", true);
        }
    }

    private static void respond(ChannelHandlerContext ctx, FullHttpRequest request, HttpResponseStatus code, String type,
                                String body, boolean mayKeepAlive) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        boolean head = HttpMethod.HEAD.equals(request.method());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, code,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (code == HttpResponseStatus.METHOD_NOT_ALLOWED) {
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
        }
        boolean keepAlive = mayKeepAlive && HttpUtil.isKeepAlive(request);
        if (!keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        var written = ctx.writeAndFlush(response);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        } else {
            // The next request, once this answer is in the socket. As a task of its own: the write often
            // completes at once, inside the decoding of a read that held several pipelined requests, and a
            // read() asked for there would find the flow control's queue still empty and read the socket again
            // (more requests in the server than answers the peer took). After the decoding they all wait there.
            written.addListener(f -> {
                if (f.isSuccess()) {
                    ctx.executor().execute(ctx::read);
                } else {
                    ctx.close();
                }
            });
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A scraper that went away, or a request too large for the aggregator: nothing to report, just close.
        ctx.close();
    }
}
