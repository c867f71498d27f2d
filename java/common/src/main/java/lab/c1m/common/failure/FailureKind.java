package lab.c1m.common.failure;

import io.netty.channel.ChannelException;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.unix.Errors;
import java.util.Locale;

/** Every way a connection can fail; what each means and its fix live in failure-kinds.properties (FailureTexts). */
public enum FailureKind {
    EMFILE, ENFILE, EADDRNOTAVAIL, ECONNREFUSED, ETIMEDOUT, ECONNRESET, ENOBUFS, WS_STATUS, WS_UPGRADE, WS_TIMEOUT, OTHER;

    /** The error as people see it and what it means, e.g. "Too many open files: the process hit ...". */
    public String meaning() {
        return FailureTexts.get(name(), "title") + ": " + FailureTexts.get(name(), "meaning");
    }

    /** The fix in the host's own terms (sysctl, ulimit, the jars' flags). */
    public String fix() {
        return FailureTexts.get(name(), "fix");
    }

    /** Names the failure behind a connect or I/O exception, by errno where Netty gives one, else by message. */
    public static FailureKind classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HandshakeFailure handshake) {
                return handshake.kind();
            }
            if (t instanceof ConnectTimeoutException) {
                return ETIMEDOUT;
            }
            if (t instanceof Errors.NativeIoException nio) {
                FailureKind byErrno = byErrno(-nio.expectedErr());
                if (byErrno != null) {
                    return byErrno;
                }
            }
            FailureKind byMessage = byMessage(t.getMessage());
            if (byMessage != null) {
                return byMessage;
            }
            if (t instanceof ChannelException && t.getCause() == null) {
                break;
            }
        }
        return OTHER;
    }

    /** Linux errno numbers (asm-generic/errno*.h); the same on x86_64 and aarch64. */
    static FailureKind byErrno(int errno) {
        return switch (errno) {
            case 24 -> EMFILE;
            case 23 -> ENFILE;
            case 99 -> EADDRNOTAVAIL;
            case 111 -> ECONNREFUSED;
            case 110 -> ETIMEDOUT;
            case 104 -> ECONNRESET;
            case 105, 12 -> ENOBUFS;
            default -> null;
        };
    }

    static FailureKind byMessage(String message) {
        if (message == null) {
            return null;
        }
        String m = message.toLowerCase(Locale.ROOT);
        if (m.contains("too many open files in system")) {
            return ENFILE;
        }
        if (m.contains("too many open files")) {
            return EMFILE;
        }
        if (m.contains("cannot assign requested address")) {
            return EADDRNOTAVAIL;
        }
        if (m.contains("connection refused")) {
            return ECONNREFUSED;
        }
        if (m.contains("timed out")) {
            return ETIMEDOUT;
        }
        if (m.contains("connection reset")) {
            return ECONNRESET;
        }
        if (m.contains("no buffer space") || m.contains("cannot allocate memory")) {
            return ENOBUFS;
        }
        return null;
    }
}
