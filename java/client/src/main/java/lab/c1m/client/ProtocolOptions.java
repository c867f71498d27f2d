package lab.c1m.client;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import lab.c1m.common.cli.Cli;
import lab.c1m.common.cli.WireProtocol;
import lab.c1m.common.cli.WireProtocolConverter;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What the client speaks (--protocol) and, for WebSocket, how it asks for the upgrade: the options, their
 * checks (each refusal one line naming the fix) and the {@link Wire} they make.
 */
final class ProtocolOptions {
    /** RFC 7230 3.2.6: a header name is a token. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the handshake writes itself: given again they would make a second, conflicting one. */
    private static final Set<String> OWN_HEADERS = Set.of("host", "upgrade", "connection", "sec-websocket-key",
        "sec-websocket-version", "sec-websocket-protocol");

    @Option(names = "--protocol", paramLabel = "raw|websocket", converter = WireProtocolConverter.class, defaultValue = "raw",
        description = "raw: the lab's 24-byte frames, echoed by the server. websocket: each connection upgrades (RFC 6455),"
            + " then its heartbeats are Ping frames whose Pong, which every WebSocket server sends, is the echo.")
    WireProtocol protocol;

    @Option(names = "--ws-path", paramLabel = "PATH", description = "WebSocket: the path the upgrade asks for. Default: /.")
    String path;

    @Option(names = "--ws-host", paramLabel = "HOST[:PORT]",
        description = "WebSocket: the upgrade's Host header. Default: --server and each connection's port.")
    String host;

    @Option(names = "--ws-subprotocol", paramLabel = "NAME", description = "WebSocket: the subprotocol to ask for (Sec-WebSocket-Protocol).")
    String subprotocol;

    @Option(names = "--ws-header", paramLabel = "'NAME: VALUE'",
        description = "WebSocket: one more header of the upgrade, e.g. 'Origin: http://example.com'; repeat for more.")
    List<String> headers = new ArrayList<>();

    @Option(names = "--ws-echo", paramLabel = "ping|binary",
        description = "WebSocket: ping (heartbeats as Ping frames, any server answers) or binary (Binary frames, for a"
            + " server that echoes them). Default: ping.")
    String echo;

    /** Refuses bad input, one line naming the fix. */
    void validate(CommandLine cmd) {
        if (protocol == WireProtocol.RAW) {
            String given = firstWebSocketOption();
            if (given != null) {
                throw Cli.usage(cmd, given + " applies to --protocol websocket only: add --protocol websocket or leave " + given + " out");
            }
            return;
        }
        if (path != null && !path.startsWith("/")) {
            throw Cli.usage(cmd, "--ws-path must start with '/', e.g. /ws, got '" + path + "'");
        }
        if (path != null && path.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            throw Cli.usage(cmd, "--ws-path must have no spaces or control characters (percent-encode them), got '" + path + "'");
        }
        if (host != null && (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f))) {
            throw Cli.usage(cmd, "--ws-host must be a host name or address with an optional :port, got '" + host + "'");
        }
        if (subprotocol != null && !TOKEN.matcher(subprotocol).matches()) {
            throw Cli.usage(cmd, "--ws-subprotocol must be one token (letters, digits, - . _ and the like), got '" + subprotocol + "'");
        }
        for (String header : headers) {
            int colon = header.indexOf(':');
            String name = colon < 0 ? header : header.substring(0, colon).trim();
            if (colon <= 0 || !TOKEN.matcher(name).matches() || header.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw Cli.usage(cmd, "--ws-header must be 'Name: value', e.g. 'Origin: http://example.com', got '" + header + "'");
            }
            if (OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw Cli.usage(cmd, "--ws-header " + name + " is written by the handshake itself: "
                    + (name.equalsIgnoreCase("host") ? "use --ws-host" : name.equalsIgnoreCase("sec-websocket-protocol")
                        ? "use --ws-subprotocol" : "leave it out"));
            }
        }
        if (echo != null && !echo.equals("ping") && !echo.equals("binary")) {
            throw Cli.usage(cmd, "--ws-echo must be ping (any WebSocket server answers) or binary (a server that echoes), got '"
                + echo + "'");
        }
    }

    private String firstWebSocketOption() {
        if (path != null) {
            return "--ws-path";
        }
        if (host != null) {
            return "--ws-host";
        }
        if (subprotocol != null) {
            return "--ws-subprotocol";
        }
        if (!headers.isEmpty()) {
            return "--ws-header";
        }
        return echo != null ? "--ws-echo" : null;
    }

    Wire wire(String server, ClientStats stats) {
        if (protocol == WireProtocol.RAW) {
            return RawWire.INSTANCE;
        }
        List<String> lines = headers.stream().map(h -> h.substring(0, h.indexOf(':')).trim() + ": "
            + h.substring(h.indexOf(':') + 1).trim()).toList();
        return new WebSocketWire(new WebSocketRequest(path == null ? "/" : path, host, server, subprotocol, lines),
            "binary".equals(echo) ? WebSocketWire.Echo.BINARY : WebSocketWire.Echo.PING, stats);
    }

    /** The settings as the summary states them: protocol, and for WebSocket how it upgrades. */
    Map<String, Object> settings() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("protocol", protocol.label());
        if (protocol == WireProtocol.WEBSOCKET) {
            s.put("ws_path", path == null ? "/" : path);
            s.put("ws_host", host);
            s.put("ws_subprotocol", subprotocol);
            s.put("ws_headers", headers.stream().map(h -> h.substring(0, h.indexOf(':')).trim()).toList());
            s.put("ws_echo", echo == null ? "ping" : echo);
        }
        return s;
    }
}
