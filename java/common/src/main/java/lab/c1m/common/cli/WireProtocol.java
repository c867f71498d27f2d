package lab.c1m.common.cli;

import java.util.Locale;

/**
 * What the jars speak on a connection (--protocol): the lab's own 24-byte frames echoed as they are, or
 * WebSocket (RFC 6455), so that any WebSocket server can be held with Ping frames its Pongs answer.
 */
public enum WireProtocol {
    RAW, WEBSOCKET;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static WireProtocol parse(String text) {
        for (WireProtocol p : values()) {
            if (p.label().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + text + "': use raw (the lab's echo frames) or websocket");
    }

    @Override
    public String toString() {
        return label();
    }
}
