package lab.c1m.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The opening handshake a connection sends (RFC 6455 4.1): GET of --ws-path with Host (--ws-host, or the
 * server as given with the connection's port), the upgrade headers, a fresh key, the subprotocol asked for
 * and the user's own headers. Everything but the Host's port and the key is the same for every connection,
 * so it is built once.
 */
final class WebSocketRequest {
    private final String beforeHost;
    private final String fixedHost;
    private final String hostName;
    private final String afterKey;
    private final String subprotocol;

    /**
     * @param host        the Host header, or null for {@code hostName:port} of each connection
     * @param subprotocol the one asked for (Sec-WebSocket-Protocol), or null
     * @param headers     more header lines, "Name: value"
     */
    WebSocketRequest(String path, String host, String hostName, String subprotocol, List<String> headers) {
        this.beforeHost = "GET " + path + " HTTP/1.1\r\nHost: ";
        this.fixedHost = host;
        this.hostName = hostName.contains(":") && !hostName.startsWith("[") ? "[" + hostName + "]" : hostName;
        this.subprotocol = subprotocol;
        StringBuilder rest = new StringBuilder("\r\nSec-WebSocket-Version: 13\r\n");
        if (subprotocol != null) {
            rest.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
        }
        headers.forEach(h -> rest.append(h).append("\r\n"));
        this.afterKey = rest.append("\r\n").toString();
    }

    String subprotocol() {
        return subprotocol;
    }

    ByteBuf encode(ByteBufAllocator alloc, int port, String key) {
        String host = fixedHost != null ? fixedHost : hostName + ":" + port;
        String text = beforeHost + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key + afterKey;
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        return alloc.buffer(bytes.length).writeBytes(bytes);
    }
}
