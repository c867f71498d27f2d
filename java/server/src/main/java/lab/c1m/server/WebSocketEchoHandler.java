package lab.c1m.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.c1m.common.netty.SharedAddresses;
import lab.c1m.common.record.ProgressLog;
import lab.c1m.common.websocket.HttpHead;
import lab.c1m.common.websocket.WebSocketFrameReader;
import lab.c1m.common.websocket.WebSocketFrames;
import lab.c1m.common.websocket.WebSocketKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --protocol websocket: the echo server as a WebSocket server, counting connections as {@link EchoHandler}
 * does. A new connection's first bytes are its opening handshake (RFC 6455 4.2), answered 101 or, when they
 * are not an upgrade, 400 and closed; then Pings are answered with Pongs (the clients' heartbeats), Binary and
 * Text frames are echoed, and a Close is answered and closed. Like the raw handler it is one object per port
 * for every connection: which ones are still upgrading is a set, and bytes of a split head or frame wait in a
 * map, both keyed by channel and empty for a held connection, so an idle WebSocket costs what a raw one does.
 */
@Sharable
final class WebSocketEchoHandler extends EchoHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketEchoHandler.class);
    /** Echoed frames are small (heartbeats); a longer one is skipped, not gathered, so no peer can make the server buffer it. */
    private static final int MAX_PAYLOAD = 64 * 1024;

    private final Set<Channel> upgrading = ConcurrentHashMap.newKeySet();
    private final Map<Channel, ByteBuf> heads = new ConcurrentHashMap<>();
    private final WebSocketFrameReader reader = new WebSocketFrameReader(MAX_PAYLOAD);
    private final Frames frames = new Frames();
    private final AtomicBoolean refusalLogged = new AtomicBoolean();

    WebSocketEchoHandler(int portIndex, ServerStats stats, ProgressLog progress, SharedAddresses addresses) {
        super(portIndex, stats, progress, addresses);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        upgrading.add(ctx.channel());
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Channel ch = ctx.channel();
        upgrading.remove(ch);
        ByteBuf head = heads.remove(ch);
        if (head != null) {
            head.release();
        }
        reader.closed(ch);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            return;
        }
        if (upgrading.contains(ctx.channel())) {
            handshake(ctx, in);
        } else {
            reader.read(ctx, in, frames);
        }
    }

    /** Gathers the upgrade request and answers it; bytes after it (a first frame) are read as frames. */
    private void handshake(ChannelHandlerContext ctx, ByteBuf in) {
        Channel ch = ctx.channel();
        ByteBuf held = heads.remove(ch);
        ByteBuf data = held == null ? in : held.writeBytes(in);
        if (held != null) {
            in.release();
        }
        int end = HttpHead.end(data);
        if (end < 0) {
            if (data.readableBytes() > HttpHead.MAX_BYTES) {
                refuse(ctx, data, "a request head over " + HttpHead.MAX_BYTES + " bytes");
            } else {
                heads.put(ch, held != null ? data : ctx.alloc().buffer(data.readableBytes()).writeBytes(data));
                if (held == null) {
                    data.release();
                }
            }
            return;
        }
        HttpHead request = HttpHead.read(data, end);
        String key = request.header("sec-websocket-key");
        String why = !request.startLine().startsWith("GET ") ? "not a GET"
            : !request.hasToken("upgrade", "websocket") ? "no 'Upgrade: websocket'"
            : !request.hasToken("connection", "upgrade") ? "no 'Connection: Upgrade'"
            : key == null ? "no Sec-WebSocket-Key"
            : !"13".equals(request.header("sec-websocket-version")) ? "Sec-WebSocket-Version is not 13" : null;
        if (why != null) {
            refuse(ctx, data, why);
            return;
        }
        upgrading.remove(ch);
        String answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Accept: " + WebSocketKeys.accept(key) + "\r\n\r\n";
        ctx.write(ctx.alloc().buffer(answer.length()).writeBytes(answer.getBytes(StandardCharsets.ISO_8859_1)), ctx.voidPromise());
        if (data.isReadable()) {
            reader.read(ctx, data, frames);
        } else {
            data.release();
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf data, String why) {
        data.release();
        if (refusalLogged.compareAndSet(false, true)) {
            LOG.warn("{} sent no WebSocket upgrade ({}): answered 400 and closed (the first; a client with --protocol raw?)",
                SharedAddresses.describe(ctx.channel()), why);
        }
        String answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        ctx.writeAndFlush(ctx.alloc().buffer(answer.length()).writeBytes(answer.getBytes(StandardCharsets.ISO_8859_1)))
            .addListener(ChannelFutureListener.CLOSE);
    }

    /** What each client frame gets: a Pong for a Ping, the same frame back for data, a Close for a Close. */
    private final class Frames implements WebSocketFrameReader.Frames {
        @Override
        public void frame(ChannelHandlerContext ctx, int opcode, boolean fin, ByteBuf payload) {
            switch (opcode) {
                case WebSocketFrames.PING -> echo(ctx, WebSocketFrames.PONG, payload);
                case WebSocketFrames.BINARY, WebSocketFrames.TEXT -> {
                    if (fin) {
                        echo(ctx, opcode, payload);
                    }
                }
                case WebSocketFrames.CLOSE -> ctx.writeAndFlush(WebSocketFrames.unmasked(ctx.alloc(), WebSocketFrames.CLOSE,
                    payload.slice(payload.readerIndex(), Math.min(2, payload.readableBytes())))).addListener(ChannelFutureListener.CLOSE);
                default -> {
                    // Pongs and fragments of a longer message: nothing to answer.
                }
            }
        }

        private void echo(ChannelHandlerContext ctx, int opcode, ByteBuf payload) {
            stats.echoed(payload.readableBytes());
            ctx.write(WebSocketFrames.unmasked(ctx.alloc(), opcode, payload), ctx.voidPromise());
        }

        @Override
        public void malformed(ChannelHandlerContext ctx, String why) {
            LOG.debug("Closing {}: {}", ctx.channel(), why);
        }
    }
}
