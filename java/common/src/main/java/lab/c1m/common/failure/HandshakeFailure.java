package lab.c1m.common.failure;

import java.io.IOException;

/**
 * A connection that opened but whose protocol handshake failed (a WebSocket upgrade refused, not answered in
 * time, or answered wrong), carrying its kind: {@link FailureKind#classify} names it from this, not from words.
 */
public final class HandshakeFailure extends IOException {
    private final FailureKind kind;

    public HandshakeFailure(FailureKind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public FailureKind kind() {
        return kind;
    }
}
