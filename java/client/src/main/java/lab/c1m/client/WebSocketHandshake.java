package lab.c1m.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import java.net.InetSocketAddress;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.failure.HandshakeFailure;
import lab.c1m.common.websocket.HttpHead;
import lab.c1m.common.websocket.WebSocketKeys;

/**
 * One connection's opening handshake (RFC 6455 4.1), in front of the shared {@link ClientHandler}: sends the
 * upgrade once TCP is up, reads the answer, checks it (101, Upgrade: websocket, Connection: Upgrade, the
 * accept key, the subprotocol) and then removes itself, so a held connection keeps no trace of it. Until then
 * it hides the connection from the shared handler: one that never upgrades is a failed connect, not a
 * connection opened and lost. A refusal fails {@code ready} with a {@link HandshakeFailure} naming its kind.
 */
final class WebSocketHandshake extends ChannelInboundHandlerAdapter {
    private final ChannelPromise ready;
    private final WebSocketRequest request;
    private final int port;
    private String key;
    private ByteBuf answer;

    WebSocketHandshake(ChannelPromise ready, WebSocketRequest request, InetSocketAddress remote) {
        this.ready = ready;
        this.request = request;
        this.port = remote.getPort();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            send(ctx); // TCP connected before this handler was added (a loopback connect can complete at once)
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        send(ctx);
    }

    private void send(ChannelHandlerContext ctx) {
        if (key != null) {
            return;
        }
        key = WebSocketKeys.newKey();
        ctx.writeAndFlush(request.encode(ctx.alloc(), port, key), ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            return;
        }
        if (answer == null) {
            answer = ctx.alloc().buffer(Math.max(256, in.readableBytes()));
        }
        answer.writeBytes(in);
        in.release();
        int end = HttpHead.end(answer);
        if (end < 0) {
            if (answer.readableBytes() > HttpHead.MAX_BYTES) {
                fail(ctx, FailureKind.WS_UPGRADE, "the answer to the upgrade has no end of its head in "
                    + HttpHead.MAX_BYTES + " bytes: not HTTP");
            }
            return;
        }
        HttpHead head = HttpHead.read(answer, end);
        String refused = refusal(head);
        if (refused != null) {
            fail(ctx, head.status() > 0 && head.status() != 101 ? FailureKind.WS_STATUS : FailureKind.WS_UPGRADE, refused);
            return;
        }
        upgraded(ctx);
    }

    /** Why the answer is not a valid upgrade, or null when it is. */
    private String refusal(HttpHead head) {
        int status = head.status();
        if (status < 0) {
            return "the answer to the upgrade is not HTTP: '" + printable(head.startLine()) + "'";
        }
        if (status != 101) {
            return "the server answered the upgrade with HTTP " + status + (head.reason().isEmpty() ? "" : " " + head.reason())
                + ", not 101 Switching Protocols";
        }
        if (!head.hasToken("upgrade", "websocket")) {
            return "the 101 answer has no 'Upgrade: websocket' (it has " + quoted(head.header("upgrade")) + ")";
        }
        if (!head.hasToken("connection", "upgrade")) {
            return "the 101 answer has no 'Connection: Upgrade' (it has " + quoted(head.header("connection")) + ")";
        }
        String accept = head.header("sec-websocket-accept");
        if (accept == null || !accept.equals(WebSocketKeys.accept(key))) {
            return "the 101 answer's Sec-WebSocket-Accept " + quoted(accept) + " is not the one for the key sent ("
                + WebSocketKeys.accept(key) + ")";
        }
        String chosen = head.header("sec-websocket-protocol");
        if (chosen != null && !chosen.equals(request.subprotocol())) {
            return "the server chose the subprotocol '" + chosen + "', which was not asked for ("
                + (request.subprotocol() == null ? "none was" : "'" + request.subprotocol() + "' was") + ")";
        }
        return null;
    }

    /** Done: the shared handler takes the connection over, with any frame that came with the answer. */
    private void upgraded(ChannelHandlerContext ctx) {
        if (!ready.trySuccess()) {
            return; // timed out just now: the ramp counted it failed and is closing it, still hidden behind this handler
        }
        ByteBuf early = answer.isReadable() ? answer.retain() : null;
        ctx.fireChannelActive();
        if (early != null) {
            ctx.fireChannelRead(early);
        }
        ctx.pipeline().remove(this);
    }

    private void fail(ChannelHandlerContext ctx, FailureKind kind, String why) {
        ready.tryFailure(new HandshakeFailure(kind, why + " (" + ctx.channel().remoteAddress() + ")"));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Not passed on: the shared handler never saw this connection open.
        ready.tryFailure(new HandshakeFailure(FailureKind.WS_UPGRADE, "the server closed the connection without answering"
            + " the upgrade (" + (answer == null ? "no byte" : answer.readableBytes() + " bytes") + " received)"));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ready.tryFailure(cause); // a reset during the handshake: classified by its errno like any connect failure
        ctx.close();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (answer != null) {
            answer.release();
            answer = null;
        }
    }

    private static String quoted(String value) {
        return value == null ? "none" : "'" + printable(value) + "'";
    }

    private static String printable(String text) {
        String cut = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
