package lab.c1m.common.websocket;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The head of one HTTP/1.1 message (its request or status line, then its headers), read from the bytes a
 * WebSocket handshake gathered: just enough HTTP for the opening handshake, so neither jar keeps Netty's HTTP
 * codec in a connection's pipeline. Header names are kept in lower case; a repeated header's values are
 * joined with ", " as HTTP allows.
 */
public record HttpHead(String startLine, Map<String, String> headers) {
    /** A head longer than this is not a handshake (browsers' limits are about this size too). */
    public static final int MAX_BYTES = 8192;

    /** The index just past the blank line that ends the head in {@code buf}'s readable bytes, or -1 if it has not all come. */
    public static int end(ByteBuf buf) {
        int from = buf.readerIndex();
        int to = buf.writerIndex();
        for (int i = from; i + 3 < to; i++) {
            if (buf.getByte(i) == '\r' && buf.getByte(i + 1) == '\n' && buf.getByte(i + 2) == '\r' && buf.getByte(i + 3) == '\n') {
                return i + 4;
            }
        }
        return -1;
    }

    /** Reads the head that ends at {@code end} (see {@link #end}), leaving {@code buf} at the bytes after it. */
    public static HttpHead read(ByteBuf buf, int end) {
        String text = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.ISO_8859_1);
        buf.readerIndex(end);
        String[] lines = text.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return new HttpHead(lines.length == 0 ? "" : lines[0], headers);
    }

    /** The header's value, or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** True when the header lists {@code token} among its comma-separated values, in any case ("keep-alive, Upgrade"). */
    public boolean hasToken(String name, String token) {
        String value = header(name);
        if (value == null) {
            return false;
        }
        for (String part : value.split(",")) {
            if (part.trim().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    /** A response's status code ("HTTP/1.1 101 Switching Protocols": 101), or -1 when the line is not a status line. */
    public int status() {
        String[] parts = startLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            return -1;
        }
        try {
            return Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The status line's words after the code ("Forbidden"), or "". */
    public String reason() {
        String[] parts = startLine.split(" ", 3);
        return parts.length == 3 ? parts[2].trim() : "";
    }
}
