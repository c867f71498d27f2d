package lab.c1m.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.c1m.common.cli.WireProtocol;
import lab.c1m.common.failure.FailureKind;
import lab.c1m.common.failure.HandshakeFailure;
import lab.c1m.common.netty.SharedAddresses;
import lab.c1m.common.websocket.WebSocketFrameReader;
import lab.c1m.common.websocket.WebSocketFrames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * --protocol websocket: each connection upgrades first ({@link WebSocketHandshake}, gone once it is done),
 * then sends each heartbeat as a masked Ping carrying the 24 bytes a raw frame carries; the server's Pong,
 * which RFC 6455 5.5.2 makes every server send with the same payload, is the echo. With --ws-echo binary the
 * heartbeat is a Binary frame the server echoes instead. A Ping from the server is answered; a Close ends the
 * connection (lost, with the server's code said once); other frames (text, fragments, large ones) are dropped
 * unread. No handler of its own stays in a held connection's pipeline: reading frames is a call of the shared one.
 */
final class WebSocketWire implements Wire {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketWire.class);

    /** How the heartbeat travels and what comes back: a Ping answered by a Pong, or a Binary frame echoed. */
    enum Echo {
        PING(WebSocketFrames.PING, WebSocketFrames.PONG), BINARY(WebSocketFrames.BINARY, WebSocketFrames.BINARY);

        final int sent;
        final int answer;

        Echo(int sent, int answer) {
            this.sent = sent;
            this.answer = answer;
        }
    }

    private static final int FRAME_BYTES = WebSocketFrames.headerSize(HeartbeatFrame.SIZE, true) + HeartbeatFrame.SIZE;

    private final WebSocketRequest request;
    private final Echo echo;
    private final ClientStats stats;
    /** Only control-sized frames are gathered: anything longer is no echo of ours and is skipped as it streams past. */
    private final WebSocketFrameReader reader = new WebSocketFrameReader(WebSocketFrames.MAX_CONTROL_PAYLOAD);
    private final AtomicBoolean closeLogged = new AtomicBoolean();

    WebSocketWire(WebSocketRequest request, Echo echo, ClientStats stats) {
        this.request = request;
        this.echo = echo;
        this.stats = stats;
    }

    @Override
    public WireProtocol protocol() {
        return WireProtocol.WEBSOCKET;
    }

    @Override
    public ChannelFuture open(Bootstrap bootstrap, InetSocketAddress remote, InetSocketAddress local) {
        ChannelFuture tcp = local == null ? bootstrap.connect(remote) : bootstrap.connect(remote, local);
        Channel channel = tcp.channel();
        ChannelPromise ready = channel.newPromise();
        // First in the pipeline, in front of the shared handler the bootstrap added, until the upgrade is done.
        channel.pipeline().addFirst(new WebSocketHandshake(ready, request, remote));
        if (tcp.isDone()) {
            failIfNot(tcp, ready);
        } else {
            tcp.addListener((ChannelFuture f) -> failIfNot(f, ready));
        }
        return ready;
    }

    private static void failIfNot(ChannelFuture tcp, ChannelPromise ready) {
        if (!tcp.isSuccess()) {
            ready.tryFailure(tcp.cause());
        }
    }

    @Override
    public Throwable timedOut(Channel channel, long timeoutMillis) {
        if (channel.isActive()) {
            return new HandshakeFailure(FailureKind.WS_TIMEOUT, "the server did not answer the WebSocket upgrade within "
                + timeoutMillis + " ms: " + channel);
        }
        return new ConnectTimeoutException("connection timed out after " + timeoutMillis + " ms: " + channel);
    }

    @Override
    public ByteBuf heartbeat(ByteBufAllocator alloc, int slot, long dueNanos, long writtenNanos) {
        ByteBuf frame = alloc.buffer(FRAME_BYTES, FRAME_BYTES);
        int key = WebSocketFrames.writeMaskedHeader(frame, echo.sent, HeartbeatFrame.SIZE);
        int start = frame.writerIndex();
        HeartbeatFrame.write(frame, slot, dueNanos, writtenNanos);
        WebSocketFrames.mask(frame, start, HeartbeatFrame.SIZE, key);
        return frame;
    }

    @Override
    public void read(ChannelHandlerContext ctx, ByteBuf in, HeartbeatSink sink) {
        reader.read(ctx, in, new WebSocketFrameReader.Frames() {
            @Override
            public void frame(ChannelHandlerContext c, int opcode, boolean fin, ByteBuf payload) {
                if (opcode == echo.answer && fin) {
                    sink.echoes(c, payload.retain());
                } else if (opcode == WebSocketFrames.PING) {
                    c.writeAndFlush(WebSocketFrames.masked(c.alloc(), WebSocketFrames.PONG, payload), c.voidPromise());
                } else if (opcode == WebSocketFrames.CLOSE) {
                    closedByServer(c, payload);
                }
            }

            @Override
            public void malformed(ChannelHandlerContext c, String why) {
                LOG.warn("{} sent bytes that are not WebSocket frames ({}): closing it", SharedAddresses.describe(c.channel()), why);
            }
        });
    }

    /** The server closed with a Close frame: answered with a Close (RFC 6455 5.5.1), then closed; counted, said once. */
    private void closedByServer(ChannelHandlerContext ctx, ByteBuf payload) {
        String said = describeClose(payload);
        stats.webSocketClosed(said);
        if (closeLogged.compareAndSet(false, true)) {
            LOG.warn("{}: the server sent a WebSocket Close ({}): the connection is closed and counted as lost (the first;"
                + " the summary counts all in websocket.closes)", SharedAddresses.describe(ctx.channel()), said);
        }
        ByteBuf code = ctx.alloc().buffer(2);
        if (payload.readableBytes() >= 2) {
            code.writeShort(payload.getUnsignedShort(payload.readerIndex()));
        }
        ctx.writeAndFlush(WebSocketFrames.masked(ctx.alloc(), WebSocketFrames.CLOSE, code)).addListener(f -> ctx.close());
        code.release();
    }

    /** "1001 going away", "1000", or "no status code". */
    static String describeClose(ByteBuf payload) {
        if (payload.readableBytes() < 2) {
            return "no status code";
        }
        int code = payload.getUnsignedShort(payload.readerIndex());
        String reason = payload.toString(payload.readerIndex() + 2, payload.readableBytes() - 2, StandardCharsets.UTF_8);
        return reason.isBlank() ? Integer.toString(code) : code + " " + reason.strip();
    }

    @Override
    public void closed(Channel channel) {
        reader.closed(channel);
    }
}
